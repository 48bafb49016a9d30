/** Polling a described resource until it reaches a state, within the step's signal. */
import type { StepContext } from '../provider.js';
import { sleep } from '../support/call.js';

/** What one poll saw: done, failed fast (with why), or still going (with a progress line). */
export type PollOutcome<T> = { done: T } | { failed: string } | { waiting: string };

/**
 * Calls `look` until it reports done or failed; backs off from 250 ms to 3 s between looks.
 * The context's signal bounds the whole wait (sleep rejects with a timeout or cancellation).
 */
export async function pollUntil<T>(context: StepContext, look: () => Promise<PollOutcome<T>>): Promise<{ done: T } | { failed: string }> {
  let delay = 250;
  for (;;) {
    const outcome = await look();
    if ('done' in outcome || 'failed' in outcome) return outcome;
    context.onProgress?.({ message: outcome.waiting });
    await sleep(delay, context.signal);
    delay = Math.min(3000, Math.round(delay * 1.5));
  }
}
