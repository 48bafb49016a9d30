/** Idempotency keys for actions: the same session, step and attempt always give the same key. */
import { createHash } from 'node:crypto';

/** `rb-` and 16 hex digits of sha256("session:step:attempt"): fits an EC2 ClientToken, a tag, a marker row. */
export function idempotencyKey(sessionId: string, stepId: string, attempt: number): string {
  return `rb-${createHash('sha256').update(`${sessionId}:${stepId}:${attempt}`).digest('hex').slice(0, 16)}`;
}
