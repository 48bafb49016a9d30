/**
 * Shared mechanics for provider calls: a deadline that aborts, retries for throttling and
 * transient errors only (never silently for anything else), and results for failures that
 * carry their class and one sentence of advice.
 */
import type { Failure, FailureClass, StepResult } from '../provider.js';

/** An error a provider raises when a call fails in a known way. */
export class ProviderFailure extends Error {
  constructor(
    readonly failureClass: FailureClass,
    message: string,
    readonly advice: string,
  ) {
    super(message);
    this.name = 'ProviderFailure';
  }

  get failure(): Failure {
    return { class: this.failureClass, advice: this.advice };
  }
}

/** A signal that aborts when `parent` aborts or after `timeoutMs`, whichever comes first. */
export function deadline(timeoutMs: number, parent?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return parent ? AbortSignal.any([parent, timeout]) : timeout;
}

/** Rejects with a timeout or cancellation failure when `signal` aborts before `work` settles. */
export async function bounded<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) throw abortFailure(signal, what);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortFailure(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** The failure for an aborted signal: a timeout, or the operator's cancellation. */
export function abortFailure(signal: AbortSignal, what: string): ProviderFailure {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') {
    return new ProviderFailure('timeout', `${what} timed out`, 'check that the target is reachable and responsive, or raise the step\'s timeout');
  }
  return new ProviderFailure('cancelled', `${what} was cancelled`, 'nothing more was sent; re-run the step when ready');
}

export interface RetryOptions {
  readonly signal: AbortSignal;
  /** Attempts in all, including the first. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Only these are retried: throttling and transient server errors. */
  readonly isRetryable: (error: unknown) => boolean;
  /** Told about each retry, so it is visible rather than silent. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Runs `call`, retrying retryable errors with exponential backoff and jitter. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !options.isRetryable(error) || options.signal.aborted) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.onRetry?.(attempt, delay, error);
      await sleep(delay, options.signal);
    }
  }
}

/** Sleeps, waking early (with a rejection) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortFailure(signal, 'wait'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortFailure(signal!, 'wait'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The result of a call that failed in a classified way. */
export function failureResult(error: ProviderFailure, extra: Partial<StepResult> = {}): StepResult {
  return { ok: false, outputs: {}, detail: `${error.message}. ${error.advice}`, failure: error.failure, ...extra };
}

/** Turns anything thrown into a classified failure result (unknown errors are "internal"). */
export function toFailureResult(error: unknown, what: string): StepResult {
  if (error instanceof ProviderFailure) return failureResult(error);
  const message = error instanceof Error ? error.message : String(error);
  return failureResult(new ProviderFailure('internal', `${what} failed: ${message}`, 'this looks like a bug in runbook; the error above is the detail to report'));
}
