/**
 * One HTTP exchange with node's fetch: the response status, the latency up to the end of the
 * (capped) body, and errors sorted into what may be retried (throttling, unavailable, connection
 * reset) and what may not (refused, unknown host, bad certificate, timeout, cancellation).
 */
import { abortFailure, ProviderFailure } from '../support/call.js';

/** Most a check reads of a body: enough for a pattern or a JSON path, bounded in memory. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Statuses that say "try again later" rather than "no". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface HttpExchange {
  readonly status: number;
  readonly statusText: string;
  readonly latencyMs: number;
  readonly body: string;
  readonly bodyTruncated: boolean;
}

/** A retryable status, thrown so `withRetry` tries again; carries the exchange for the last report. */
export class RetryableStatus extends Error {
  constructor(readonly exchange: HttpExchange) {
    super(`HTTP ${exchange.status}${exchange.statusText ? ` ${exchange.statusText}` : ''}`);
    this.name = 'RetryableStatus';
  }
}

/** A dropped connection: transient, retried. */
export class TransientNetworkError extends Error {
  constructor(readonly code: string) {
    super(`the connection was reset (${code})`);
    this.name = 'TransientNetworkError';
  }
}

export interface AttemptOptions {
  readonly url: string;
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  /** Statuses the step expects: never retried, even when otherwise retryable. */
  readonly accepted: readonly number[];
}

/** Performs one request; throws RetryableStatus, TransientNetworkError or a ProviderFailure. */
export async function attempt(options: AttemptOptions): Promise<HttpExchange> {
  const started = performance.now();
  let response: Response;
  try {
    const { url, headers } = credentialsAsHeader(options.url, options.headers);
    response = await fetch(url, { method: options.method, headers, signal: options.signal, redirect: 'follow' });
  } catch (error) {
    throw classifyFetchError(error, options);
  }
  let body: { text: string; truncated: boolean };
  try {
    body = await readBody(response);
  } catch (error) {
    throw classifyFetchError(error, options);
  }
  const exchange: HttpExchange = {
    status: response.status,
    statusText: response.statusText,
    latencyMs: Math.round(performance.now() - started),
    body: body.text,
    bodyTruncated: body.truncated,
  };
  if (RETRYABLE_STATUSES.has(exchange.status) && !options.accepted.includes(exchange.status)) throw new RetryableStatus(exchange);
  return exchange;
}

/** A URL fit for display: without user and password. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * fetch refuses URLs with `user:password@`; send them as Basic authentication instead (as curl
 * does), unless the step gives its own Authorization header.
 */
function credentialsAsHeader(url: string, headers: Readonly<Record<string, string>> | undefined): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  const result: Record<string, string> = { ...headers };
  if (parsed.username === '' && parsed.password === '') return { url, headers: result };
  const hasAuthorization = Object.keys(result).some((name) => name.toLowerCase() === 'authorization');
  if (!hasAuthorization) {
    const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    result.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: result };
}

async function readBody(response: Response): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= MAX_BODY_BYTES) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  return { text: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'), truncated };
}

function classifyFetchError(error: unknown, options: AttemptOptions): Error {
  const where = `${options.method} ${displayUrl(options.url)}`;
  if (options.signal.aborted) return abortFailure(options.signal, where);
  const code = errorCode(error);
  const host = hostOf(options.url);
  switch (code) {
    case 'ECONNREFUSED':
      return new ProviderFailure('unreachable', `${where}: connection refused`, `nothing listens at ${host}; check the URL and that the service is running`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProviderFailure('unreachable', `${where}: host not found`, `check the host name in the URL and this machine's DNS`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ProviderFailure('unreachable', `${where}: no route to ${host}`, 'check the network path (VPN, firewall, security groups) to the service');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new TransientNetworkError(code);
    default:
      break;
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED/i.test(code)) {
    return new ProviderFailure('unreachable', `${where}: TLS failed (${code})`, 'check the server certificate, or use the URL the certificate is issued for');
  }
  const message = error instanceof Error ? (causeMessage(error) ?? error.message) : String(error);
  return new ProviderFailure('unreachable', `${where} failed: ${message}`, 'check the URL and that the service is reachable from this machine');
}

/** undici wraps the system error: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(error: Error): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
