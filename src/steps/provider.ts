/**
 * The runtime side of a provider: one function that talks to the outside world and returns a
 * result. A provider knows neither the screen nor the log; it gets resolved parameters and a
 * context, and returns data. The session engine records intents and results around it.
 */
import type { ResolvedEnvironment } from '../runbooks/environment.js';

/** Why a call failed, so the operator knows whether to retry, fix credentials, or escalate. */
export type FailureClass =
  | 'unreachable'
  | 'authentication'
  | 'permission'
  | 'not-found'
  | 'throttled'
  | 'invalid-input'
  | 'timeout'
  | 'cancelled'
  | 'conflict'
  | 'expectation'
  | 'internal';

export interface Failure {
  readonly class: FailureClass;
  /** One sentence saying what to do about it. */
  readonly advice: string;
}

/** What a provider returns from `run` (and, for inputs, alongside a chosen value). */
export interface StepResult {
  /** Did the check hold / did the action succeed. */
  readonly ok: boolean;
  /** The value observed, JSON-serialisable (shown as "observed"). */
  readonly observed?: unknown;
  /** The expectation in words, e.g. "age <= 26h" (shown as "expected"). */
  readonly expected?: string;
  /** Named outputs for templates; keys are the definition's `outputs`. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** One or a few human sentences. */
  readonly detail: string;
  /** Present when `ok` is false because something went wrong (not just an unmet expectation). */
  readonly failure?: Failure;
  /** Files written under the context's artifacts directory, relative to it. */
  readonly artifacts?: readonly string[];
  /** Waiting longer cannot change this result (the server waited for has exited): a wait ends at once. */
  readonly final?: boolean;
}

/** A preview of an action: every resolved value, and the dry-run result where the API has one. */
export interface ActionPreview {
  /** One line: what will happen. */
  readonly summary: string;
  /** Resolved values as label → value, shown before confirmation (SQL with bound params, argv list…). */
  readonly details: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  /** A real dry-run (EC2 DryRun, a read-only diff) when there is one. */
  readonly dryRun?: { readonly ok: boolean; readonly detail: string };
  /** What the operator must type to confirm, beyond the environment name (e.g. a row count). */
  readonly confirmValue?: string;
}

/** Outcome of looking up an in-flight action's effect by its idempotency key after a crash. */
export interface Reconciliation {
  /** The effect exists (completed or still progressing). */
  readonly found: boolean;
  /** When found and complete, the outputs as `run` would have returned them. */
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly detail: string;
}

/** A choice offered by an input step fed from a live list. */
export interface Choice {
  readonly value: string;
  readonly label: string;
  /** Extra columns: start time, state, size… */
  readonly hint?: string;
  /** e.g. "last known good". */
  readonly marked?: string;
  readonly disabled?: boolean;
}

export interface StepContext {
  readonly sessionId: string;
  readonly stepId: string;
  readonly envName: string;
  readonly environment: ResolvedEnvironment;
  /** Derived from session and step; EC2 ClientToken, tags, marker rows use it. */
  readonly idempotencyKey: string;
  /** Aborts on cancellation or timeout; every call honours it. */
  readonly signal: AbortSignal;
  /** The bound for this call, already applied to `signal`. */
  readonly timeoutMs: number;
  /** Where artifacts of this session go (created by the caller). */
  readonly artifactsDir: string;
  readonly now: () => Date;
  /** Progress for waits and long actions; the UI renders it. */
  readonly onProgress?: (progress: { readonly message: string; readonly fraction?: number }) => void;
  /** Live output (shell); callers cap what they keep. */
  readonly onOutput?: (chunk: string) => void;
}

export interface Provider<Params = unknown> {
  run(params: Params, context: StepContext): Promise<StepResult>;
  /** Actions: describe exactly what `run` will do, with a dry-run where the API has one. */
  preview?(params: Params, context: StepContext): Promise<ActionPreview>;
  /** Actions: look the effect up by the context's idempotency key. */
  reconcile?(params: Params, context: StepContext): Promise<Reconciliation>;
  /** Input steps fed from a live list. */
  choices?(params: Params, context: StepContext): Promise<Choice[]>;
}
