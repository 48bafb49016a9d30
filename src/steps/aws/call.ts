/**
 * One AWS request as a provider makes it: bounded by the step's signal, retried (visibly) only
 * for throttling and transient errors, and turned into a classified failure otherwise. Also the
 * EC2 DryRun preview, where DryRunOperation means "would have succeeded".
 */
import type { StepContext } from '../provider.js';
import { bounded, withRetry } from '../support/call.js';
import { awsErrorCode, classifyAwsError, isRetryableAwsError } from './errors.js';

function retrying<T>(context: StepContext, what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  return withRetry(() => bounded(send(context.signal), context.signal, what), {
    signal: context.signal,
    isRetryable: isRetryableAwsError,
    onRetry: (attempt, delayMs, error) =>
      context.onProgress?.({
        message: `${what}: ${awsErrorCode(error) ?? 'transient error'}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt + 1})`,
      }),
  });
}

/** Runs `send` (given the abort signal to pass to the SDK) with retries and classification. */
export async function awsCall<T>(context: StepContext, what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await retrying(context, what, send);
  } catch (error) {
    throw classifyAwsError(error, what, context.signal);
  }
}

/** Sends a mutating EC2 call with DryRun: DryRunOperation → ok; anything else → not ok with why. */
export async function ec2DryRun(context: StepContext, what: string, send: (abortSignal: AbortSignal) => Promise<unknown>): Promise<{ ok: boolean; detail: string }> {
  try {
    await retrying(context, `${what} (dry run)`, send);
    return { ok: false, detail: `${what}: the endpoint accepted a DryRun request instead of answering DryRunOperation; not proceeding blind` };
  } catch (error) {
    if (awsErrorCode(error) === 'DryRunOperation') return { ok: true, detail: `${what}: AWS says the request would succeed (DryRun)` };
    const failure = classifyAwsError(error, `${what} (dry run)`, context.signal);
    return { ok: false, detail: `${failure.message}. ${failure.advice}` };
  }
}
