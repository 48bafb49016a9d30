/** Turns a provider body into a StepResult: classified failures become `ok: false` results, redacted. */
import type { StepContext, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import { redact } from './connect.js';

/** Runs `body`; any thrown failure becomes a result carrying its class and advice, with secrets removed. */
export async function guarded(what: string, context: StepContext, body: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await body();
  } catch (error) {
    const result = error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, what);
    return { ...result, detail: redact(result.detail, context) };
  }
}

/** Throws a classified failure when `condition` is false (bad parameters, missing files…). */
export function invalidInput(message: string, advice: string): never {
  throw new ProviderFailure('invalid-input', message, advice);
}

/** Formats seconds as "3h 2m", "45s", "2d 4h" for details. */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const s = Math.round(seconds);
  if (Math.abs(s) < 60) return `${s}s`;
  if (Math.abs(s) < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (Math.abs(s) < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
