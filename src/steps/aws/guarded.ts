/** Runs a provider body, turning anything it throws into a classified failure result. */
import type { StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';

/** `work()`, with ProviderFailure → its failure result and anything else → an internal failure. */
export async function guarded(what: string, work: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await work();
  } catch (error) {
    return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, what);
  }
}
