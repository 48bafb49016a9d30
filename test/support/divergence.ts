/**
 * A session that diverged on a shared store, made the way it happens: Alice's laptop has a copy
 * of the session's log as the store had it and goes on with it in its local log (recording
 * SwitchedToLocalLog), Bob meanwhile goes on with it on the store, then the laptop pushes and
 * its log is kept beside the store's as a branch. No network tricks: the copy is an import.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { pushSession } from '../../src/services/push/push-session.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import type { RawEvent } from '../../src/state/events.js';
import { definitions, providers, runbooksFile, tempDir } from '../state/support.js';
import type { TestStoreServer } from './pg-store.js';

export interface Divergence {
  readonly id: string;
  /** The last event the laptop's log and the store's share. */
  readonly forkSeq: number;
  /** The laptop's SQLite file. */
  readonly localPath: string;
  /** The laptop's events after the fork, as hashed there. */
  readonly laptopEvents: readonly RawEvent[];
  /** The name the push kept the laptop's log under. */
  readonly branch: string;
}

export function testService(store: EventStore, operator: string, localFallback?: { store: string; reason: string; localLog: string }): SessionService {
  return new SessionService({ store, definitions, providers: async (name) => providers[name]!, operator, processEnv: { PGPASS: 'p' }, productVersion: 't', ...(localFallback ? { localFallback } : {}) });
}

/** Alice starts on the store; her laptop copies the log and goes on locally while Bob goes on on the store; the laptop pushes (as alice). */
export async function divergedSession(server: TestStoreServer): Promise<Divergence> {
  const dir = tempDir('runbook-divergence-');
  writeFileSync(join(dir, 'probe.txt'), 'present');
  const localPath = join(dir, 'local', 'sessions.db');
  const alice = testService(server.open('alice'), 'alice@laptop');
  const session = await alice.start({ runbooks: runbooksFile(dir), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-9' } });
  session.completeStep('announce', { note: 'posted' });
  const id = session.id;
  const copy = openEventStore(localPath);
  copy.importEvents(id, alice.store.readRaw(id));
  const forkSeq = copy.session(id)!.lastSeq;
  copy.close();
  // Its lease on the store given back, so Bob takes the session without waiting for it to go stale.
  session.release();
  alice.close();

  const shared = server.open('alice');
  const laptop = testService(openEventStore(localPath), 'alice@laptop', { store: shared.location, reason: 'the store could not be reached', localLog: localPath });
  const onLaptop = await laptop.open(id);
  onLaptop.addNote('went on from the laptop');
  onLaptop.interrupt();
  laptop.close();

  const bob = testService(server.open('bob'), 'bob@desk');
  const onStore = await bob.open(id);
  onStore.addNote('bob went on on the store');
  onStore.interrupt();
  bob.close();

  const local = openEventStore(localPath);
  try {
    const laptopEvents = local.readRaw(id).slice(forkSeq);
    const pushed = pushSession(local, shared, id, 'laptop');
    expect(pushed).toMatchObject({ outcome: 'diverged', forkSeq });
    return { id, forkSeq, localPath, laptopEvents, branch: (pushed as { branch: string }).branch };
  } finally {
    local.close();
    shared.close();
  }
}

/** The branch's events as the store keeps them, and a way to replace them (as the store's owner: tampering). */
export async function branchEvents(server: TestStoreServer, id: string): Promise<RawEvent[]> {
  return JSON.parse((await server.admin('SELECT events FROM runbook.branches WHERE session_id = $1', [id]))[0].events);
}

export async function replaceBranchEvents(server: TestStoreServer, id: string, events: readonly RawEvent[]): Promise<void> {
  await server.admin('UPDATE runbook.branches SET events = $2 WHERE session_id = $1', [id, JSON.stringify(events)]);
}
