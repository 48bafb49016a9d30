/**
 * The shared store on a real PostgreSQL cluster: the session engine runs on it unchanged (the
 * fold, resume, verify), events are append-only by grants and a trigger, each records the role
 * that wrote it as the server saw it, and migrations are idempotent and safe when two run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionService } from '../../src/services/session/session-service.js';
import { PG_SCHEMA_VERSION, migrate, schemaVersion } from '../../src/state/postgres/schema.js';
import { SyncSql } from '../../src/state/postgres/sync-sql.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { definitions, providers, runbooksFile, tempDir } from './support.js';

let server: TestStoreServer;

beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob'] });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

function service(role: string, operator: string) {
  const store = server.open(role);
  return {
    store,
    sessions: new SessionService({
      store,
      definitions,
      providers: async (name) => providers[name]!,
      operator,
      processEnv: { PGPASS: 'pg-Secret-Pass-123' },
      productVersion: '0.0.0-test',
    }),
  };
}

describe('the shared store on PostgreSQL', () => {
  it('runs a session as the SQLite file does: appends, resume by fold, verify; each event names the role that wrote it', async () => {
    const dir = tempDir();
    const { store, sessions } = service('alice', 'alice@laptop');
    const session = await sessions.start({ runbooks: runbooksFile(dir), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-1' } });
    session.completeStep('announce', { note: 'posted' });
    session.interrupt();
    const events = store.read(session.id);
    expect(events.map((event) => event.type).slice(0, 4)).toEqual(['SessionStarted', 'StepSkipped', 'StepOpened', 'StepCompleted']);
    expect(new Set(events.map((event) => event.dbRole))).toEqual(new Set(['alice']));
    expect(verifyStoredSession(store, session.id).ok).toBe(true);

    const bob = service('bob', 'bob@desk');
    const reopened = await bob.sessions.open(session.id);
    expect(reopened.state.steps.announce!.status).toBe('done');
    expect(reopened.state.currentStepId).toBe('probe');
    reopened.release();
    expect(bob.store.read(session.id).slice(-2)).toMatchObject([
      { type: 'SessionResumed', actor: 'bob@desk', dbRole: 'bob' },
      { type: 'SessionHandedOff', data: { from: 'alice@laptop', to: 'bob@desk', implicit: true }, dbRole: 'bob' },
    ]);
    expect(bob.store.sessions().map((row) => row.id)).toContain(session.id);
    store.close();
    bob.store.close();
  });

  it('refuses UPDATE and DELETE of events from the tool\'s role (grants) and from the owner (trigger)', async () => {
    const dir = tempDir();
    const { store, sessions } = service('alice', 'alice@laptop');
    const session = await sessions.start({ runbooks: runbooksFile(dir), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-2' } });
    session.release();
    for (const statement of [`UPDATE runbook.events SET data = '{}' WHERE session_id = $1`, 'DELETE FROM runbook.events WHERE session_id = $1']) {
      expect(() => store.sql.query(statement, [session.id])).toThrow(/permission denied for table events/);
      await expect(server.admin(statement, [session.id])).rejects.toThrow(/runbook events are append-only/);
    }
    await expect(server.admin('TRUNCATE runbook.events CASCADE')).rejects.toThrow(/append-only/);
    // The role a client claims cannot be forged: the server stamps its own.
    expect(() =>
      store.sql.query(`INSERT INTO runbook.events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash, db_role, written_at) VALUES ($1, 999, 'x', 'NoteAdded', NULL, '{"text":"x"}', 'x', 'x', 'x', 'postgres', now())`, [session.id]),
    ).not.toThrow();
    expect((await server.admin('SELECT db_role FROM runbook.events WHERE session_id = $1 AND seq = 999', [session.id]))[0].db_role).toBe('alice');
    expect(verifyStoredSession(store, session.id).ok).toBe(false);
    store.close();
  });

  it('migrates an empty store, and a second migration finds nothing to do', async () => {
    await server.cluster.query('CREATE DATABASE fresh');
    const url = server.cluster.urlFor('fresh', 'postgres');
    const first = new SyncSql({ url, location: 'fresh' });
    const second = new SyncSql({ url, location: 'fresh' });
    try {
      expect(schemaVersion(first)).toBe(0);
      expect(migrate(first)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, index) => index + 1));
      expect(migrate(second)).toEqual([]);
      expect(schemaVersion(first)).toBe(PG_SCHEMA_VERSION);
      expect(migrate(first)).toEqual([]);
    } finally {
      first.close();
      second.close();
    }
  });
});
