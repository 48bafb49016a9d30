/** Opening a session database that must already exist: to drive a session (resume), or only to read it (sessions, export, verify, evidence). */
import { existsSync } from 'node:fs';
import { OperatorError } from '../errors.js';
import { SqliteEventStore, openEventStore } from './event-store.js';
import { openReadOnlyDatabase } from './read-only-database.js';

/** The existing database at `path`, or undefined when there is none yet. */
function openExistingStore(path: string): SqliteEventStore | undefined {
  return existsSync(path) ? openEventStore(path) : undefined;
}

/** The existing database at `path`; an OperatorError naming the path when there is none. */
export function requireStore(path: string): SqliteEventStore {
  const store = openExistingStore(path);
  if (!store) throw missingStore(path);
  return store;
}

/**
 * The existing database at `path` opened only to read, for commands that never write
 * (sessions, export, verify, evidence): it works on a file or directory the user cannot write,
 * and never creates, migrates or changes anything. `onNotice` hears of a schema older than this
 * build (read through an upgraded copy in memory). Undefined when there is no database yet.
 */
export function openStoreReadOnly(path: string, onNotice?: (notice: string) => void): SqliteEventStore | undefined {
  if (!existsSync(path)) return undefined;
  const { db, notice } = openReadOnlyDatabase(path);
  if (notice) onNotice?.(notice);
  return new SqliteEventStore(path, db);
}

/** Like `openStoreReadOnly`, with an OperatorError naming the path when there is no database. */
export function requireStoreReadOnly(path: string, onNotice?: (notice: string) => void): SqliteEventStore {
  const store = openStoreReadOnly(path, onNotice);
  if (!store) throw missingStore(path);
  return store;
}

function missingStore(path: string): OperatorError {
  return new OperatorError(`no session database at ${path}; start a session first, or point --db / RUNBOOK_DB at the right file`);
}
