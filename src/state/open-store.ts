/** Opening the session database for the read-side commands, which never create one. */
import { existsSync } from 'node:fs';
import { OperatorError } from '../errors.js';
import { openEventStore, type EventStore } from './event-store.js';

/** The existing database at `path`, or undefined when there is none yet. */
export function openExistingStore(path: string): EventStore | undefined {
  return existsSync(path) ? openEventStore(path) : undefined;
}

/** The existing database at `path`; an OperatorError naming the path when there is none. */
export function requireStore(path: string): EventStore {
  const store = openExistingStore(path);
  if (!store) throw new OperatorError(`no session database at ${path}; start a session first, or point --db / RUNBOOK_DB at the right file`);
  return store;
}
