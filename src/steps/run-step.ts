/**
 * Runs one automated step's provider: validate the resolved parameters against the provider's
 * schema, bound the call, and turn anything thrown into a classified result. Used by the session
 * engine and by the headless `runbook check`, so both behave the same.
 */
import { providerDefinitions, loadProvider } from './catalog.js';
import type { Provider, StepContext, StepResult } from './provider.js';
import { deadline, failureResult, ProviderFailure, toFailureResult } from './support/call.js';
import { parseDurationSeconds } from './params.js';

/** Default bounds when a step gives no `timeout:`. */
export const defaultTimeoutMs = { check: 30_000, wait: 600_000, action: 600_000, input: 30_000 } as const;

/** The bound in milliseconds for a step: its `timeout:` or the default for its kind. */
export function stepTimeoutMs(kind: keyof typeof defaultTimeoutMs, timeout: string | undefined): number {
  const seconds = timeout ? parseDurationSeconds(timeout) : undefined;
  return seconds !== undefined ? seconds * 1000 : defaultTimeoutMs[kind];
}

export type ProviderLoader = (name: string) => Promise<Provider<unknown>>;

/** Validates `rawParams` (already template-resolved) for provider `uses`; a ProviderFailure when invalid. */
export function validateParams(uses: string, rawParams: unknown): unknown {
  const definition = providerDefinitions.get(uses);
  if (!definition) {
    throw new ProviderFailure('invalid-input', `unknown provider "${uses}"`, 'run "runbook lint" and fix the step\'s "uses:"');
  }
  const parsed = definition.params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `with.${issue.path.join('.')}` : 'with';
    throw new ProviderFailure('invalid-input', `${where}: ${issue.message}`, 'fix the value (or the template that produced it) and re-run');
  }
  return parsed.data;
}

export interface ProviderCall {
  readonly uses: string;
  readonly params: unknown;
  /** Everything but the signal and bound, which this function sets. */
  readonly context: Omit<StepContext, 'signal' | 'timeoutMs'>;
  readonly timeoutMs: number;
  /** Cancellation from the operator. */
  readonly signal?: AbortSignal;
  readonly load?: ProviderLoader;
}

/** Runs the provider's `run` with validation, a deadline and classification; never throws. */
export async function runProvider(call: ProviderCall): Promise<StepResult & { durationMs: number }> {
  const started = performance.now();
  const finish = (result: StepResult) => ({ ...result, durationMs: Math.round(performance.now() - started) });
  try {
    const params = validateParams(call.uses, call.params);
    const provider = await (call.load ?? loadProvider)(call.uses);
    const signal = deadline(call.timeoutMs, call.signal);
    return finish(await provider.run(params, { ...call.context, signal, timeoutMs: call.timeoutMs }));
  } catch (error) {
    if (error instanceof ProviderFailure) return finish(failureResult(error));
    return finish(toFailureResult(error, call.uses));
  }
}
