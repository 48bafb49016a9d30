/**
 * The session log's events (DESIGN.md, "Sessions and the log"): a discriminated union of
 * past-tense facts, validated when read. Event data never holds secrets: it is redacted before
 * it is written (src/state/redact.ts).
 */
import { z } from 'zod';
import { Runbook } from '../runbooks/schema.js';
import type { ChainFields } from './hash-chain.js';

const FailureData = z.object({ class: z.string(), advice: z.string() });
const Outputs = z.record(z.string(), z.unknown());

/** Data of each event type. Schemas hold no defaults or transforms, so a read event equals what was hashed. */
const eventDataSchemas = {
  SessionStarted: z.object({
    runbookId: z.string(),
    runbookTitle: z.string(),
    /** "sha256:<hex>" of the canonical JSON of `runbook`. */
    runbookHash: z.string(),
    /** The pinned copy of the runbook the session runs, whatever happens to the file later. */
    runbook: Runbook,
    runbooksFile: z.string().nullable(),
    env: z.string(),
    /** The environment's settings as written in the file (secrets are `${VAR}` references). */
    environment: z.record(z.string(), z.unknown()),
    protected: z.boolean(),
    drill: z.boolean(),
    incident: z.string().nullable(),
    operator: z.string(),
    productVersion: z.string(),
    /** Section the operator asked to start at (`--at`), or null for the beginning. */
    startSection: z.string().nullable(),
    /** Runbook inputs given at start (`--set`); secret ones appear as "[redacted]". */
    inputs: z.record(z.string(), z.unknown()),
  }),
  StepOpened: z.object({ attempt: z.number().int() }),
  CheckPassed: z.object({
    observed: z.unknown(),
    expected: z.string().nullable(),
    detail: z.string(),
    durationMs: z.number(),
    outputs: Outputs,
    params: z.unknown(),
  }),
  CheckFailed: z.object({
    observed: z.unknown(),
    expected: z.string().nullable(),
    detail: z.string(),
    durationMs: z.number(),
    outputs: Outputs,
    params: z.unknown(),
    failure: FailureData.nullable(),
  }),
  InputProvided: z.object({
    /** Runbook input name, or null for an input step's value. */
    name: z.string().nullable(),
    value: z.unknown(),
    label: z.string().nullable(),
    secret: z.boolean(),
    /** The answers file of a headless run the value came from (absent when typed). */
    answeredFrom: z.string().optional(),
  }),
  ActionPreviewed: z.object({
    attempt: z.number().int(),
    params: z.unknown(),
    summary: z.string(),
    details: z.array(z.object({ label: z.string(), value: z.string() })),
    dryRun: z.object({ ok: z.boolean(), detail: z.string() }).nullable(),
    confirmValue: z.string().nullable(),
    durationMs: z.number(),
  }),
  ActionConfirmed: z.object({
    attempt: z.number().int(),
    /** Exactly what the operator typed. */
    typed: z.string(),
  }),
  /**
   * The action's preview needs another operator's approval before it may run. The envelope's
   * actor (and on a shared store its dbRole) is the requester, who may not approve it.
   */
  ApprovalRequested: z.object({
    attempt: z.number().int(),
    /** previewHash of the preview it asks about (src/state/preview-hash.ts). */
    hash: z.string(),
    required: z.number().int(),
    /** How long each approval stays valid. */
    expiresInMs: z.number(),
    /** The setting that asks for it, in words. */
    because: z.string(),
  }),
  /** Another operator approved the preview with this hash (appended by the approver's process, without the driver's lease). */
  ActionApproved: z.object({
    hash: z.string(),
    reason: z.string().nullable(),
    /** What the approver typed to confirm (a protected environment's name), or null. */
    typed: z.string().nullable(),
    /** When the approval stops counting. */
    expiresAt: z.string(),
  }),
  /** Another operator refused the preview with this hash: the action may not run on it. */
  ActionRejected: z.object({
    hash: z.string(),
    reason: z.string(),
  }),
  ActionIntended: z.object({
    attempt: z.number().int(),
    provider: z.string(),
    params: z.unknown(),
    idempotencyKey: z.string(),
  }),
  ActionSucceeded: z.object({
    attempt: z.number().int(),
    outputs: Outputs,
    observed: z.unknown(),
    detail: z.string(),
    durationMs: z.number(),
    artifacts: z.array(z.string()),
  }),
  ActionFailed: z.object({
    attempt: z.number().int(),
    error: z.string(),
    failure: FailureData.nullable(),
    outputs: Outputs,
    durationMs: z.number(),
  }),
  ActionReconciled: z.object({
    attempt: z.number().int(),
    idempotencyKey: z.string(),
    /** "found": the effect exists; "not-found": safe to re-run; "unsupported": the provider cannot look it up. */
    outcome: z.enum(['found', 'not-found', 'unsupported', 'error']),
    outputs: Outputs,
    detail: z.string(),
  }),
  StepCompleted: z.object({
    note: z.string().nullable(),
    /** Why the operator went on although the step's check or action failed. */
    overrideReason: z.string().nullable(),
    drill: z
      .object({ restoreEnds: z.boolean(), recoveryPoint: z.string().nullable(), recoveryTarget: z.string().nullable() })
      .nullable(),
    /** The answers file of a headless run the note came from (absent when typed). */
    answeredFrom: z.string().optional(),
  }),
  StepSkipped: z.object({ reason: z.string(), automatic: z.boolean() }),
  NoteAdded: z.object({ text: z.string() }),
  SessionInterrupted: z.object({ reason: z.string() }),
  SessionResumed: z.object({
    /** How the previous driver ended: it recorded an interruption, or it died without one. */
    previous: z.enum(['interrupted', 'crashed']),
    runbookChanged: z.boolean(),
    changes: z.array(z.string()),
    pid: z.number().int(),
  }),
  /** The session passes from one operator to another: explicitly (runbook handoff), or implicitly when another operator resumes it. */
  SessionHandedOff: z.object({
    /** The operator (user@host) who drove it until now. */
    from: z.string(),
    /** Whom it is handed to, when named (runbook handoff --to); the operator resuming it, when implicit. */
    to: z.string().nullable(),
    note: z.string().nullable(),
    /** Recorded because another operator resumed it, not by a hand-off command. */
    implicit: z.boolean(),
  }),
  /** The shared store could not be reached, and the operator chose to go on in this machine's local log (to push later). */
  SwitchedToLocalLog: z.object({
    /** The shared store, without its password. */
    store: z.string(),
    reason: z.string(),
    /** The local log the session goes on in (this machine's SQLite file). */
    localLog: z.string(),
  }),
  LockTakenOver: z.object({
    pid: z.number().int(),
    host: z.string(),
    since: z.string(),
    heartbeatAt: z.string(),
    reason: z.string(),
  }),
  SessionCompleted: z.object({
    drill: z
      .object({
        rtoMs: z.number().nullable(),
        recoveryPoint: z.string().nullable(),
        recoveryTarget: z.string().nullable(),
        failedSteps: z.array(z.string()),
        passed: z.boolean(),
      })
      .nullable(),
  }),
  SessionAborted: z.object({ reason: z.string() }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** The envelope every stored event has. */
export interface EventEnvelope {
  readonly seq: number;
  /** ISO-8601 time of the append. */
  readonly at: string;
  readonly stepId: string | null;
  /** user@host of the operator who caused it. */
  readonly actor: string;
  readonly prevHash: string;
  readonly hash: string;
  /**
   * The database role that wrote it, filled in by the shared store's server (a client cannot
   * set it); absent in the SQLite file. Not part of the hash: the chain is the same on both stores.
   */
  readonly dbRole?: string;
}

/** One event of a session's log, discriminated by `type`. */
export type SessionEvent = { [T in EventType]: EventEnvelope & { readonly type: T; readonly data: EventData<T> } }[EventType];

/** An event before it is appended (the store assigns seq, prevHash and hash). */
export type NewEvent = { [T in EventType]: { readonly type: T; readonly stepId: string | null; readonly data: EventData<T> } }[EventType];

/** A stored row as it is, without validation: what verification recomputes. */
export interface RawEvent extends ChainFields {
  readonly hash: string;
  /** See EventEnvelope.dbRole. */
  readonly dbRole?: string;
}

/** An event read from the log does not have the shape its type requires (a bug or an edited database). */
export class InvalidEventError extends Error {
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(`event ${seq}: ${message}`);
    this.name = 'InvalidEventError';
  }
}

/** Validates a raw row as a SessionEvent; returns the row itself (validation never changes data). */
export function validateEvent(raw: RawEvent): SessionEvent {
  const schema = (eventDataSchemas as Record<string, z.ZodType>)[raw.type];
  if (!schema) throw new InvalidEventError(raw.seq, `unknown event type "${raw.type}"`);
  if (!Number.isInteger(raw.seq) || typeof raw.at !== 'string' || typeof raw.actor !== 'string') {
    throw new InvalidEventError(raw.seq, 'malformed envelope');
  }
  const result = schema.safeParse(raw.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidEventError(raw.seq, `${raw.type} data is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return raw as SessionEvent;
}

/** Builds a new event with its data type checked against its type. */
export function newEvent<T extends EventType>(type: T, stepId: string | null, data: EventData<T>): NewEvent {
  return { type, stepId, data } as NewEvent;
}
