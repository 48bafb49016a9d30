/**
 * `http.request`: call an endpoint, retrying throttling and transient errors with backoff (each
 * retry reported through progress), then check status, latency, body pattern and a JSON value.
 * A status the step does not expect is classified: 401 authentication, 403 permission, 404 not
 * found; any other is an unmet expectation.
 */
import type { Provider, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult, withRetry } from '../support/call.js';
import { checkJson, checkPattern, combineChecks, parseJson, type ExpectationCheck } from '../shell/expect.js';
import { attempt, displayUrl, RetryableStatus, TransientNetworkError, type HttpExchange } from './attempt.js';
import type { HttpRequestParams } from './definitions.js';

/** Body kept in the outputs. */
const BODY_OUTPUT_CHARS = 4096;

/** Retry schedule; tests shorten it through `createHttpRequest`. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Builds the provider with a retry policy. */
export function createHttpRequest(retry: RetryPolicy = DEFAULT_RETRY): Provider<HttpRequestParams> {
  return {
    async run(params, context) {
      const accepted = params.expect?.status ?? [200];
      const where = `${params.method} ${displayUrl(params.url)}`;
      try {
        const exchange = await withRetry(
          () => attempt({ url: params.url, method: params.method, headers: params.headers, signal: context.signal, accepted }),
          {
            signal: context.signal,
            attempts: retry.attempts,
            baseDelayMs: retry.baseDelayMs,
            maxDelayMs: retry.maxDelayMs,
            isRetryable: (error) => error instanceof RetryableStatus || error instanceof TransientNetworkError,
            onRetry: (number, delayMs, error) =>
              context.onProgress?.({
                message: `${where}: ${(error as Error).message}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${number + 1} of ${retry.attempts})`,
              }),
          },
        );
        return evaluate(params, exchange, accepted, where);
      } catch (error) {
        return exhausted(error, where, retry) ?? toFailureResult(error, 'http.request');
      }
    },
  };
}

/** The `http.request` provider with the default retry policy. */
export const httpRequest = createHttpRequest();

function evaluate(params: HttpRequestParams, exchange: HttpExchange, accepted: readonly number[], where: string): StepResult {
  const outputs = outputsOf(exchange);
  const statusCheck: ExpectationCheck = {
    ok: accepted.includes(exchange.status),
    expected: accepted.length === 1 ? `status ${accepted[0]}` : `status in [${accepted.join(', ')}]`,
    observed: `status ${exchange.status}`,
  };
  if (!statusCheck.ok) {
    const failure = statusFailure(exchange.status, where);
    if (failure) return failureResult(failure, { outputs, observed: statusCheck.observed, expected: statusCheck.expected });
  }
  const checks: ExpectationCheck[] = [statusCheck];
  const maxLatency = params.expect?.maxLatency;
  if (maxLatency !== undefined) {
    const limitMs = Math.round(maxLatency * 1000);
    checks.push({ ok: exchange.latencyMs <= limitMs, expected: `latency <= ${limitMs} ms`, observed: `latency ${exchange.latencyMs} ms` });
  }
  if (params.expect?.bodyMatches !== undefined) checks.push(checkPattern('body', params.expect.bodyMatches, exchange.body));
  if (params.expect?.json) checks.push(...checkJson(params.expect.json, parseJson(exchange.body)));
  const combined = combineChecks(checks);
  const note = exchange.bodyTruncated ? ' (only the first 1 MiB of the body was read)' : '';
  return {
    ok: combined.ok,
    observed: `${combined.observed}; ${exchange.latencyMs} ms`,
    expected: combined.expected,
    outputs,
    detail: combined.ok
      ? `${where} answered ${exchange.status} in ${exchange.latencyMs} ms${note}.`
      : `${where}: expected ${combined.failed.map((check) => check.expected).join('; ')}, observed ${combined.failed.map((check) => check.observed).join('; ')}${note}.`,
  };
}

function outputsOf(exchange: HttpExchange): Record<string, unknown> {
  return { status: exchange.status, latencyMs: exchange.latencyMs, body: exchange.body.slice(0, BODY_OUTPUT_CHARS) };
}

/** Statuses that name their own cause when the step did not expect them. */
function statusFailure(status: number, where: string): ProviderFailure | undefined {
  switch (status) {
    case 401:
      return new ProviderFailure('authentication', `${where} answered 401 Unauthorized`, 'give credentials in "headers" (e.g. an Authorization header from a ${ENV_VAR}) or check that they are still valid');
    case 403:
      return new ProviderFailure('permission', `${where} answered 403 Forbidden`, 'use credentials allowed to read this endpoint, or ask its owner for access');
    case 404:
      return new ProviderFailure('not-found', `${where} answered 404 Not Found`, 'check the URL path, or expect 404 in "expect.status" if its absence is the point');
    default:
      return undefined;
  }
}

/** Retries ran out on a throttled or transient answer: classify it with what was last seen. */
function exhausted(error: unknown, where: string, retry: RetryPolicy): StepResult | undefined {
  if (error instanceof RetryableStatus) {
    const { exchange } = error;
    const throttled = exchange.status === 429;
    const failure = throttled
      ? new ProviderFailure('throttled', `${where} answered 429 Too Many Requests ${retry.attempts} times`, 'wait before re-running, or poll less often (raise the wait step\'s interval)')
      : new ProviderFailure('unreachable', `${where} answered ${exchange.status} ${exchange.statusText} ${retry.attempts} times`, 'the service is unavailable; check its health and re-run when it is back');
    return failureResult(failure, { outputs: outputsOf(exchange), observed: `status ${exchange.status}` });
  }
  if (error instanceof TransientNetworkError) {
    return failureResult(
      new ProviderFailure('unreachable', `${where}: ${error.message} on each of ${retry.attempts} attempts`, 'check that the service is stable and reachable from this machine'),
    );
  }
  if (error instanceof ProviderFailure) return failureResult(error);
  return undefined;
}
