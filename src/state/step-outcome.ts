/**
 * What the session records of a provider call, in the core's own words. Providers return richer
 * types (src/steps/provider.ts) that fit these shapes; the core never imports the providers.
 */

/** Why a call failed and what to do about it. */
export interface RecordedFailure {
  readonly class: string;
  readonly advice: string;
}

/** The outcome of a check, a wait or an action's run. */
export interface RecordedResult {
  readonly ok: boolean;
  readonly observed?: unknown;
  readonly expected?: string;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly detail: string;
  readonly failure?: RecordedFailure;
  readonly artifacts?: readonly string[];
}

/** What an action will do, shown before it is confirmed. */
export interface RecordedPreview {
  readonly summary: string;
  readonly details: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly dryRun?: { readonly ok: boolean; readonly detail: string };
  readonly confirmValue?: string;
}

/** What looking an in-flight action's effect up by its idempotency key found. */
export interface RecordedReconciliation {
  readonly found: boolean;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly detail: string;
}
