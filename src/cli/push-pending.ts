/**
 * The next command on a shared store uploads what went on in this machine's local log while the
 * store could not be reached: each such session is pushed fast-forward only, and one that someone
 * continued on the store meanwhile keeps both branches (said once, when the branch is kept).
 * Nothing here fails the command it runs before; `runbook push` says more.
 */
import { existsSync } from 'node:fs';
import { describePush, pushSession } from '../services/push/push-session.js';
import { openStoreReadOnly } from '../state/open-store.js';
import { currentHost } from '../state/operator.js';
import type { PostgresEventStore } from '../state/postgres/pg-event-store.js';
import { serverAddress } from '../state/postgres/store-location.js';
import { writeLine, type CliIO } from './io.js';

/** Pushes the sessions of the local log at `localLog` that went on there instead of `shared`. */
export function pushPendingSessions(localLog: string, shared: PostgresEventStore, io: CliIO): void {
  if (!existsSync(localLog)) return;
  let local;
  try {
    local = openStoreReadOnly(localLog);
  } catch {
    return;
  }
  if (!local) return;
  try {
    for (const { sessionId, store } of local.sessionsContinuedHere()) {
      if (!sameStore(store, shared.location)) continue;
      const result = pushSession(local, shared, sessionId, currentHost());
      if (result.outcome === 'up-to-date' || (result.outcome === 'diverged' && result.keptBefore)) continue;
      writeLine(io.stderr, `runbook: ${describePush(result)}`);
    }
  } catch (error) {
    writeLine(io.stderr, `runbook: the sessions that went on in the local log ${localLog} were not all pushed (${(error as Error).message}); run "runbook push --all"`);
  } finally {
    local.close();
  }
}

/** The same server and database, whichever role the URL logs in as. */
function sameStore(a: string, b: string): boolean {
  return serverAddress(a) !== undefined && serverAddress(a) === serverAddress(b) && databaseOf(a) === databaseOf(b);
}

function databaseOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
