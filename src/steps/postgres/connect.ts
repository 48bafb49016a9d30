/**
 * Connections to the environment's Postgres servers: one short-lived pg Client per call, built
 * from the connection's URL (pg fills what the URL leaves out from PGUSER, PGPASSWORD, PGHOST…,
 * as libpq does), bounded by the step's timeout and cancellation, always closed.
 */
import pg from 'pg';
import type { StepContext } from '../provider.js';
import { bounded, ProviderFailure, withRetry } from '../support/call.js';
import { classifyPgError } from './classify.js';

export type PostgresConnectionSettings = NonNullable<StepContext['environment']['postgres']>[string];

/** The named connection of the environment; an unknown name is an invalid-input failure. */
export function connectionFor(name: string, context: StepContext): PostgresConnectionSettings {
  const connection = context.environment.postgres?.[name];
  if (!connection) {
    const known = Object.keys(context.environment.postgres ?? {});
    throw new ProviderFailure(
      'invalid-input',
      `environment "${context.envName}" has no postgres connection "${name}"`,
      known.length > 0
        ? `use one of ${known.map((k) => `"${k}"`).join(', ')} or add "${name}" under environments.${context.envName}.postgres`
        : `add "${name}" under environments.${context.envName}.postgres in the runbooks file`,
    );
  }
  return connection;
}

/** The URL with any password replaced by `***`, for screens, logs and outputs. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    const query = parsed.searchParams;
    if (query.has('password')) query.set('password', '***');
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/password=[^&\s]*/gi, 'password=***');
  }
}

/** Removes the environment's secrets and the connection's password from a text meant for people. */
export function redact(text: string, context: StepContext, extraSecrets: readonly string[] = []): string {
  const secrets = [...(context.environment.secrets ?? []), ...extraSecrets, process.env.PGPASSWORD ?? '']
    .filter((secret) => secret.length >= 3)
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('***');
  return result;
}

export interface ClientOptions {
  /** Return every value as Postgres's text form (no Date/number conversion): faithful row copies. */
  readonly rawText?: boolean;
  /** Names the call in failure messages. */
  readonly what?: string;
  /** Retry throttling and transient errors (default true). */
  readonly retry?: boolean;
}

const RAW_TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** The database name a client for this connection would use (URL path, else PGDATABASE, else the user). */
export function databaseNameOf(connection: PostgresConnectionSettings): string {
  const client = new pg.Client({ connectionString: connection.url });
  return client.database ?? '';
}

/** The port a client for this connection would use. */
export function portOf(connection: PostgresConnectionSettings): number {
  const client = new pg.Client({ connectionString: connection.url });
  return client.port;
}

/**
 * Connects to the named database, runs `work`, and closes the connection whatever happens.
 * Throttling and transient failures are retried with backoff (reported through progress);
 * everything else is thrown as a classified ProviderFailure.
 */
export async function withClient<T>(
  name: string,
  context: StepContext,
  work: (client: pg.Client) => Promise<T>,
  options: ClientOptions = {},
): Promise<T> {
  const connection = connectionFor(name, context);
  const what = options.what ?? `postgres "${name}"`;
  const attempt = async (): Promise<T> => {
    const client = new pg.Client({
      connectionString: connection.url,
      connectionTimeoutMillis: Math.max(1, context.timeoutMs),
      statement_timeout: Math.max(1, context.timeoutMs),
      application_name: 'runbook',
      ...(options.rawText ? { types: RAW_TEXT_TYPES } : {}),
    });
    // A connection lost while idle emits 'error'; the pending call rejects on its own.
    client.on('error', () => undefined);
    const closeOnAbort = () => void client.end().catch(() => undefined);
    context.signal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      await bounded(client.connect(), context.signal, what);
      return await bounded(work(client), context.signal, what);
    } catch (error) {
      throw asFailure(error, context, what);
    } finally {
      context.signal.removeEventListener('abort', closeOnAbort);
      await client.end().catch(() => undefined);
    }
  };
  if (options.retry === false) return attempt();
  return withRetry(attempt, {
    signal: context.signal,
    isRetryable: (error) => retryable.has(error as object),
    onRetry: (n, delayMs, error) =>
      context.onProgress?.({
        message: `${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delayMs)} ms (attempt ${n + 1})`,
      }),
  });
}

// Failures worth retrying, remembered by identity so withRetry can ask without re-classifying.
const retryable = new WeakSet<object>();

function asFailure(error: unknown, context: StepContext, what: string): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  if (context.signal.aborted) {
    const reason = context.signal.reason as { name?: string } | undefined;
    return reason?.name === 'TimeoutError'
      ? new ProviderFailure('timeout', `${what} timed out`, 'check that the server is reachable and responsive, or raise the step\'s timeout')
      : new ProviderFailure('cancelled', `${what} was cancelled`, 'nothing more was sent; re-run the step when ready');
  }
  const classified = classifyPgError(error, what);
  const failure = new ProviderFailure(classified.failure.failureClass, redact(classified.failure.message, context), classified.failure.advice);
  if (classified.retryable) retryable.add(failure);
  return failure;
}
