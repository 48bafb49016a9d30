/**
 * The session service for the commands that drive sessions (start, resume, run, the home
 * screen). On the shared store it can go on in this machine's local log at any time: when the
 * store cannot be reached as the command starts, the operator is told at once and asked (a y on
 * the terminal, or --continue-locally without one); the choice is recorded in the session. The
 * same local log takes a session over mid-session (DrivenSession.continueLocally).
 */
import { createInterface } from 'node:readline/promises';
import { OperatorError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { RunbooksFile } from '../runbooks/schema.js';
import { SessionService } from '../services/session/session-service.js';
import { openEventStore } from '../state/event-store.js';
import { requireStore } from '../state/open-store.js';
import { StoreUnreachableError } from '../state/postgres/sync-sql.js';
import { openCommandStore, requireCommandStore } from './command-store.js';
import { writeLine, type CliIO } from './io.js';
import type { ParsedCommand } from './spec.js';

export interface DrivingServiceOptions {
  /** Resume: the store must exist already (the SQLite file is not created). */
  readonly existing?: boolean;
  /** The session a resume names, so an unreachable store can be said to hold the only copy of it. */
  readonly sessionId?: string;
  /** False for commands that only change a session's record on the store (handoff): they wait for it. */
  readonly mayContinueLocally?: boolean;
}

/** The session service on the command's store, or on the local log when the operator chose to go on there. */
export async function drivingService(command: ParsedCommand, io: CliIO, options: DrivingServiceOptions = {}): Promise<SessionService> {
  const localLog = () => openEventStore(command.db);
  try {
    const store = options.existing ? await requireCommandStore(command, io) : await openCommandStore(command, io);
    return new SessionService({ store, processEnv: io.env, ...(command.store ? { localLog } : {}) });
  } catch (error) {
    if (!(error instanceof StoreUnreachableError) || options.mayContinueLocally === false) throw error;
    writeLine(io.stderr, `runbook: ${error.message}`);
    if (!(await agreesToContinueLocally(command, io))) {
      throw new OperatorError(
        `nothing was ${options.existing ? 'resumed' : 'started'}; to go on with this machine's local log ${command.db} instead, answer y at a terminal or give --continue-locally (the choice is recorded, and "runbook push" uploads the session once the store is back)`,
        ExitCode.failed,
      );
    }
    const store = options.existing ? requireStore(command.db) : openEventStore(command.db);
    if (options.sessionId !== undefined && store.idsWithPrefix(options.sessionId).length === 0) {
      store.close();
      throw new OperatorError(
        `session ${options.sessionId} is not in this machine's local log ${command.db}: only the shared store has it, and that cannot be reached now; wait for it, or start a new session with --continue-locally`,
        ExitCode.failed,
      );
    }
    writeLine(io.stderr, `runbook: going on in the local log ${command.db}; "runbook push" uploads the session to the shared store once it is back`);
    return new SessionService({ store, processEnv: io.env, localFallback: { store: error.location, reason: error.reason, localLog: command.db } });
  }
}

async function agreesToContinueLocally(command: ParsedCommand, io: CliIO): Promise<boolean> {
  if (command.options['continue-locally'] === true) return true;
  if (!io.interactive) return false;
  const prompt = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await prompt.question(`Go on in this machine's local log ${command.db}? The choice is recorded in the session. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * Says so when the shared store lives on a PostgreSQL server that environment `env` connects
 * to: restoring that server would roll the session log back with it, the record of the very
 * restore included.
 */
export async function warnWhenStoreOnTarget(command: ParsedCommand, file: RunbooksFile, env: string | undefined, io: CliIO): Promise<void> {
  if (!command.store || env === undefined) return;
  const { environmentsOnServer } = await import('../services/store-admin.js');
  if (!environmentsOnServer(file, command.store).includes(env)) return;
  writeLine(
    io.stderr,
    `runbook: warning: the shared store is on the same PostgreSQL server as a database of environment "${env}"; a restore of that server would roll the session log back with it: keep the store on a server no runbook restores`,
  );
}
