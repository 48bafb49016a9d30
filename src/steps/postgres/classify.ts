/**
 * Maps errors from pg (SQLSTATE codes) and from Node's socket layer to a failure class with one
 * sentence of advice, and says which are worth retrying (throttling and transient errors only).
 */
import type { FailureClass } from '../provider.js';
import { ProviderFailure } from '../support/call.js';

export interface Classified {
  readonly failure: ProviderFailure;
  /** Throttling or a transient condition: retried with backoff. */
  readonly retryable: boolean;
}

interface Rule {
  readonly test: (code: string) => boolean;
  readonly failureClass: FailureClass;
  readonly advice: string;
  readonly retryable?: boolean;
}

const exact = (...codes: string[]) => (code: string) => codes.includes(code);
const prefix = (start: string) => (code: string) => code.startsWith(start);

// Order matters: the first matching rule wins (specific codes before their SQLSTATE class).
const SQLSTATE_RULES: readonly Rule[] = [
  { test: exact('28P01', '28000'), failureClass: 'authentication', advice: 'check the user and password (set PGPASSWORD, or a ${ENV_VAR} reference in the URL) and the server\'s pg_hba.conf' },
  { test: exact('42501'), failureClass: 'permission', advice: 'grant the connecting role the privilege it needs, or connect as a role that has it' },
  { test: exact('42P01', '3D000', '3F000', '42883', '42703', '42704'), failureClass: 'not-found', advice: 'check the name (table, schema, column or database) and that you are connected to the right database' },
  { test: exact('57014'), failureClass: 'timeout', advice: 'the statement ran longer than the step allows: raise the step\'s timeout or make the query cheaper' },
  { test: exact('53300', '57P03', '40001', '40P01', '55P03'), failureClass: 'throttled', advice: 'the server is busy (too many connections, starting up, or a lock conflict): wait and re-run the step', retryable: true },
  { test: prefix('53'), failureClass: 'throttled', advice: 'the server is short of resources: wait, or ask the DBA to free connections, memory or disk', retryable: true },
  { test: exact('25006'), failureClass: 'conflict', advice: 'the database is read-only (writes frozen or a standby): unfreeze it or target the primary' },
  { test: exact('57P01', '57P02'), failureClass: 'unreachable', advice: 'the server is shutting down or restarting: wait until it is up and re-run the step', retryable: true },
  { test: prefix('08'), failureClass: 'unreachable', advice: 'the connection broke: check the server and the network path to it, then re-run the step', retryable: true },
  { test: prefix('22'), failureClass: 'invalid-input', advice: 'a value does not fit the column or parameter type: check the step\'s parameters' },
  { test: prefix('42'), failureClass: 'invalid-input', advice: 'fix the SQL or the names in the step (a syntax error or a wrong type)' },
  { test: prefix('23'), failureClass: 'conflict', advice: 'a constraint refused the change: compare the rows with the target and decide which to keep' },
];

const NETWORK_RULES: Record<string, Omit<Rule, 'test'>> = {
  ECONNREFUSED: { failureClass: 'unreachable', advice: 'nothing listens at that host and port: check that the server is running and the URL\'s host and port' },
  ENOTFOUND: { failureClass: 'unreachable', advice: 'the host name does not resolve: check the host in the URL' },
  EAI_AGAIN: { failureClass: 'unreachable', advice: 'DNS did not answer: check name resolution and re-run the step', retryable: true },
  EHOSTUNREACH: { failureClass: 'unreachable', advice: 'no route to the host: check the network path and security groups' },
  ENETUNREACH: { failureClass: 'unreachable', advice: 'the network is unreachable: check the network path' },
  ECONNRESET: { failureClass: 'unreachable', advice: 'the connection was reset: check the server and re-run the step', retryable: true },
  EPIPE: { failureClass: 'unreachable', advice: 'the connection was closed: check the server and re-run the step', retryable: true },
  ETIMEDOUT: { failureClass: 'timeout', advice: 'the server did not answer in time: check the network path and that the server is up' },
  ENOENT: { failureClass: 'unreachable', advice: 'the Unix socket does not exist: check that the server is running and the socket directory' },
};

/** Classifies anything thrown by a pg call; `what` names the call for the message. */
export function classifyPgError(error: unknown, what: string): Classified {
  if (error instanceof ProviderFailure) return { failure: error, retryable: false };
  const err = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  const message = typeof err.message === 'string' ? err.message : String(error);
  const make = (rule: Omit<Rule, 'test'>) => ({
    failure: new ProviderFailure(rule.failureClass, `${what} failed: ${message}${code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`, rule.advice),
    retryable: rule.retryable ?? false,
  });

  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57014' && /user request/.test(message)) {
      return make({ failureClass: 'cancelled', advice: 'the statement was cancelled; re-run the step when ready' });
    }
    const rule = SQLSTATE_RULES.find((candidate) => candidate.test(code));
    if (rule) return make(rule);
  }
  const network = NETWORK_RULES[code];
  if (network) return make(network);
  if (/connection timeout|timeout expired|Query read timeout/i.test(message)) {
    return make({ failureClass: 'timeout', advice: 'the server did not answer in time: check that it is up and reachable, or raise the step\'s timeout' });
  }
  if (/client password must be a string|SASL|password authentication/i.test(message)) {
    return make({ failureClass: 'authentication', advice: 'the server asks for a password: set PGPASSWORD, or add a ${ENV_VAR} reference for it to the URL' });
  }
  if (/Connection terminated unexpectedly|server closed the connection/i.test(message)) {
    return make({ failureClass: 'unreachable', advice: 'the server closed the connection: check that it is up and re-run the step', retryable: true });
  }
  if (/self[- ]signed|certificate|SSL|ssl/i.test(message)) {
    return make({ failureClass: 'authentication', advice: 'the TLS handshake failed: check sslmode and the server certificate in the URL' });
  }
  return make({ failureClass: 'internal', advice: 'this looks like a bug in runbook; the error above is the detail to report' });
}
