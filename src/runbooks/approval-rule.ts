/**
 * Which actions need four-eyes approval, and how many approvals for how long: from the
 * environment's `approvals:` and the step's `approval: required`. Read from the copies a session
 * pinned when it started, so editing the file mid-incident cannot lift the rule.
 */
import type { Step } from './schema.js';

/** An approval stays valid this long unless the environment says otherwise. */
export const DEFAULT_APPROVAL_EXPIRY_MS = 60 * 60 * 1000;

/** What an action needs before it may run. */
export interface ApprovalRule {
  /** How many operators other than the requester must approve. */
  readonly required: number;
  /** How long each approval stays valid. */
  readonly expiresInMs: number;
  /** Why: the environment's or the step's setting, in words. */
  readonly because: string;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30m", "1h", "2d" in milliseconds (the syntax of a step's `timeout:`): approval expiries and waits; undefined when malformed or zero. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 ? ms : undefined;
}

/**
 * The rule for one step in one environment (as the session recorded it), or null when the step
 * runs without approval. Only action steps are ever gated: checks and inputs change nothing.
 */
export function approvalRule(step: Pick<Step, 'id' | 'kind' | 'uses' | 'approval'>, environment: Readonly<Record<string, unknown>>, envName: string): ApprovalRule | null {
  if (step.kind !== 'action') return null;
  const settings = asRecord(environment.approvals);
  const required = typeof settings?.required === 'number' && Number.isInteger(settings.required) && settings.required >= 1 ? settings.required : undefined;
  const expires = typeof settings?.expires === 'string' ? durationMs(settings.expires) : undefined;
  const expiresInMs = expires ?? DEFAULT_APPROVAL_EXPIRY_MS;
  const count = (n: number) => `${n} approval${n === 1 ? '' : 's'}`;
  if (required !== undefined) {
    const steps = stringList(settings?.steps);
    const providers = stringList(settings?.providers);
    const narrowed = steps !== undefined || providers !== undefined;
    if (!narrowed) return { required, expiresInMs, because: `environment "${envName}" requires ${count(required)} for every action` };
    if (steps?.includes(step.id)) return { required, expiresInMs, because: `environment "${envName}" requires ${count(required)} for step "${step.id}"` };
    if (step.uses !== undefined && providers?.includes(step.uses)) {
      return { required, expiresInMs, because: `environment "${envName}" requires ${count(required)} for ${step.uses}` };
    }
  }
  if (step.approval === 'required') return { required: required ?? 1, expiresInMs, because: `step "${step.id}" requires ${count(required ?? 1)}` };
  return null;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}
