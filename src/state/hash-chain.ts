/**
 * The tamper-evident chain: each event's hash covers its session, position, time, type, step,
 * data, actor and the previous event's hash, so editing, removing, reordering or inserting an
 * event breaks the chain at (or right after) that event.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** prevHash of a session's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed fields of an event. */
export interface ChainFields {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly stepId: string | null;
  readonly data: unknown;
  readonly actor: string;
  readonly prevHash: string;
}

/** SHA-256 (hex) over the canonical JSON of the event's fields and its session id. */
export function eventHash(sessionId: string, event: ChainFields): string {
  const canonical = canonicalJson({
    sessionId,
    seq: event.seq,
    at: event.at,
    type: event.type,
    stepId: event.stepId,
    data: event.data,
    actor: event.actor,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** "sha256:<hex>" of the canonical JSON of any value (the runbook hash). */
export function contentHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}
