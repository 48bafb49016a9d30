/**
 * Synchronous SQL against the shared store's server. The session engine's appends are
 * synchronous, so that the fold, the screen and the log never disagree about what is durable;
 * the shared store keeps that contract by sending each statement to a worker thread that owns
 * the connection and waiting (Atomics.wait, with a bound) for its answer. A server that does not
 * answer within the bound is "unreachable": the caller is told at once, never left hanging.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { OperatorError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';

export interface SqlResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

export interface SqlStatement {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/** The server said no (a constraint, a permission, a refused append): its SQLSTATE and words. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly detail: string | null,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/** The shared store did not answer: say so at once, with what to do. Exit 1. */
export class StoreUnreachableError extends OperatorError {
  constructor(readonly location: string, readonly reason: string) {
    super(`the shared session store ${location} is unreachable (${reason}); what is recorded stays recorded there: check the server and the network, or go on with the local log`, ExitCode.failed);
    this.name = 'StoreUnreachableError';
  }
}

export interface SyncSqlOptions {
  /** libpq URL; the PG* environment variables fill in what it leaves out. */
  readonly url: string;
  /** How it is named in messages (without a password). */
  readonly location: string;
  /** Longest wait for one call, connecting included. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** One connection, used synchronously. */
export class SyncSql {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly timeoutMs: number;

  constructor(private readonly options: SyncSqlOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Runs one statement. */
  query(sql: string, params: readonly unknown[] = []): SqlResult {
    return this.call({ sql, params }) as SqlResult;
  }

  /** Runs statements in one transaction; all or nothing. */
  transaction(statements: readonly SqlStatement[]): SqlResult[] {
    return (this.call({ transaction: statements }) as { results: SqlResult[] }).results;
  }

  close(): void {
    if (!this.worker || !this.port) return;
    try {
      this.send({ close: true }, 2_000);
    } catch {
      // Closing an unreachable store: nothing to flush.
    }
    void this.worker.terminate();
    this.worker = undefined;
    this.port = undefined;
  }

  private call(request: object): unknown {
    const answer = this.send(request, this.timeoutMs) as { result?: unknown; error?: { message: string; code: string | null; detail: string | null } };
    if (answer.error) {
      // No SQLSTATE, a connection or shutdown class, or Node's socket errors (ECONNREFUSED, ETIMEDOUT…).
      if (answer.error.code === null || /^(08|57P|53|E[A-Z]+$)/.test(answer.error.code)) {
        throw new StoreUnreachableError(this.options.location, answer.error.message);
      }
      throw new SqlError(answer.error.message, answer.error.code, answer.error.detail);
    }
    return answer.result;
  }

  private send(request: object, timeoutMs: number): unknown {
    const port = this.start();
    Atomics.store(this.flag, 0, 0);
    port.postMessage(request);
    const waited = Atomics.wait(this.flag, 0, 0, timeoutMs);
    if (waited === 'timed-out') {
      // The worker may be stuck on a dead connection: start afresh next time.
      void this.worker?.terminate();
      this.worker = undefined;
      this.port = undefined;
      throw new StoreUnreachableError(this.options.location, `no answer within ${Math.round(timeoutMs / 1000)} s`);
    }
    const message = receiveMessageOnPort(port);
    if (!message) throw new Error('bug: the store worker woke the caller without an answer');
    return message.message;
  }

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    const connection = {
      connectionString: this.options.url,
      connectionTimeoutMillis: Math.max(1_000, this.timeoutMs - 500),
      query_timeout: this.timeoutMs,
      // Statements of the store are short; a hung one must not hold the driver's log.
      statement_timeout: this.timeoutMs,
    };
    this.worker = new Worker(workerFile(), { workerData: { port: port2, flag: this.flag.buffer, connection }, transferList: [port2] });
    this.worker.unref();
    port1.unref();
    this.port = port1;
    return port1;
  }
}

/** The worker script: beside this module in the sources, beside the entry in the bundle. */
function workerFile(): string {
  const candidates = [new URL('./sync-sql-worker.mjs', import.meta.url), new URL('../pg-sync-worker.js', import.meta.url), new URL('./pg-sync-worker.js', import.meta.url)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  throw new Error(`bug: the store worker script is missing (looked for ${candidates.map((url) => fileURLToPath(url)).join(', ')})`);
}
