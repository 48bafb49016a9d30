/**
 * Where a command's sessions live: the shared PostgreSQL store when `--store URL` or
 * RUNBOOK_STORE names one, else the embedded SQLite file at `--db` (the default). Every command
 * opens its store here, so each works the same on both.
 */
import { dirname } from 'node:path';
import { openEventStore, type EventStore } from '../state/event-store.js';
import { openStoreReadOnly, requireStore, requireStoreReadOnly } from '../state/open-store.js';
import type { PostgresEventStore } from '../state/postgres/pg-event-store.js';
import { storeLocation } from '../state/postgres/store-location.js';
import type { CliIO } from './io.js';
import type { ParsedCommand } from './spec.js';

/** True when the command works on the shared store. */
export function usesSharedStore(command: ParsedCommand): boolean {
  return command.store !== undefined;
}

/** Opens the store to drive sessions (the SQLite file is created when missing). */
export async function openCommandStore(command: ParsedCommand, io: CliIO): Promise<EventStore> {
  if (command.store) return openShared(command, io);
  return openEventStore(command.db);
}

/** Opens an existing store to drive a session (resume): the SQLite file must exist. */
export async function requireCommandStore(command: ParsedCommand, io: CliIO): Promise<EventStore> {
  if (command.store) return openShared(command, io);
  return requireStore(command.db);
}

/** Opens the store only to read; undefined when the SQLite file does not exist yet. */
export async function readCommandStore(command: ParsedCommand, io: CliIO): Promise<EventStore | undefined> {
  if (command.store) return openShared(command, io);
  return openStoreReadOnly(command.db, notice(io));
}

/** Like readCommandStore; an OperatorError naming the file when there is none. */
export async function requireReadCommandStore(command: ParsedCommand, io: CliIO): Promise<EventStore> {
  if (command.store) return openShared(command, io);
  return requireStoreReadOnly(command.db, notice(io));
}

/** How the command's store is named in messages. */
export function commandStoreLabel(command: ParsedCommand): string {
  return command.store ? storeLocation(command.store) : command.db;
}

function notice(io: CliIO) {
  return (text: string) => io.stderr.write(`runbook: ${text}\n`);
}

/**
 * The PostgreSQL store (`runbook push` opens it here), loaded only when named: pg and the
 * worker never load for the SQLite file.
 */
export async function openSharedStore(command: ParsedCommand): Promise<PostgresEventStore> {
  const { openPostgresStore } = await import('../state/postgres/pg-event-store.js');
  // Artifacts stay on this machine, beside where its local log would be.
  return openPostgresStore({ url: command.store!, localDirectory: dirname(command.db) });
}

/** The shared store, after pushing what went on in the local log while it could not be reached. */
async function openShared(command: ParsedCommand, io: CliIO): Promise<EventStore> {
  const store = await openSharedStore(command);
  const { pushPendingSessions } = await import('./push-pending.js');
  pushPendingSessions(command.db, store, io);
  return store;
}
