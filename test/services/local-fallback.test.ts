/**
 * Never blocking an incident on the shared store, against a real PostgreSQL cluster and real
 * SQLite files: the store stopped mid-session, the session goes on in the local log from exactly
 * where it was (a check's result the store did not take is recorded there), and is pushed
 * fast-forward once the store is back; a partition that lets another operator continue the
 * session on the store leaves both branches kept and the store's log untouched; a local log
 * whose chain does not verify is not pushed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSession } from '../../src/services/push/push-session.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { openPostgresStore } from '../../src/state/postgres/pg-event-store.js';
import { StoreUnreachableError } from '../../src/state/postgres/sync-sql.js';
import { loadSessionState } from '../../src/state/resume.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { definitions, providers, runbooksFile, tempDir } from '../state/support.js';

let server: TestStoreServer;
beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob'] });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

function service(store: EventStore, operator: string, localPath?: string, staleAfterMs?: number) {
  return new SessionService({
    store,
    definitions,
    providers: async (name) => providers[name]!,
    operator,
    processEnv: { PGPASS: 'p' },
    productVersion: 't',
    ...(localPath ? { localLog: () => openEventStore(localPath) } : {}),
    ...(staleAfterMs ? { lock: { staleAfterMs, heartbeatMs: 100 } } : {}),
  });
}

function workspace() {
  const dir = tempDir('runbook-fallback-');
  writeFileSync(join(dir, 'probe.txt'), 'present');
  return { dir, localPath: join(dir, 'local', 'sessions.db'), runbooks: runbooksFile(dir) };
}

describe('going on in the local log when the shared store goes away', () => {
  it('continues from exactly where it was, records the choice and the unrecorded check, and pushes fast-forward once the store is back', async () => {
    const { localPath, runbooks } = workspace();
    const alice = service(server.open('alice', { timeoutMs: 3_000 }), 'alice@laptop', localPath);
    const session = await alice.start({ runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-1' } });
    session.completeStep('announce', { note: 'posted' });
    if (session.state.steps.probe!.status === 'pending') session.openStep('probe');
    const onStore = session.state.lastSeq;

    await server.cluster.stop();
    try {
      await expect(session.runCheck('probe')).rejects.toThrow(StoreUnreachableError);
      expect(session.state.lastSeq).toBe(onStore);
      expect(session.canContinueLocally).toBe(true);

      const state = session.continueLocally('the store stopped');
      expect(state.localFallback).toEqual({ at: expect.any(String), store: expect.stringContaining(`127.0.0.1:${server.cluster.port}/sessions`), reason: 'the store stopped', localLog: localPath });
      // The check ran before the store went away: its result is recorded locally, not lost.
      expect(state.steps.probe!.status).toBe('passed');
      expect(session.canContinueLocally).toBe(false);
      session.completeStep('probe');
      session.interrupt();
    } finally {
      await server.cluster.start();
    }

    const local = openEventStore(localPath);
    const shared = server.open('alice');
    try {
      expect(verifyStoredSession(local, session.id).ok).toBe(true);
      const localEvents = local.readRaw(session.id);
      expect(localEvents.slice(onStore).map((event) => event.type)).toEqual(['SwitchedToLocalLog', 'CheckPassed', 'StepCompleted', 'SessionInterrupted']);
      expect(shared.session(session.id)!.lastSeq).toBe(onStore);

      const pushed = pushSession(local, shared, session.id, 'laptop');
      expect(pushed).toEqual({ sessionId: session.id, outcome: 'pushed', events: localEvents.length - onStore, after: onStore });
      expect(shared.readRaw(session.id).map((event) => event.hash)).toEqual(localEvents.map((event) => event.hash));
      expect(verifyStoredSession(shared, session.id).ok).toBe(true);
      // The server stamps who pushed the events.
      expect(shared.read(session.id).slice(onStore).every((event) => event.dbRole === 'alice')).toBe(true);
      const onShared = loadSessionState(shared, session.id);
      expect(onShared.localFallback?.reason).toBe('the store stopped');
      expect(onShared.currentStepId).toBe('target');
      expect(pushSession(local, shared, session.id, 'laptop')).toEqual({ sessionId: session.id, outcome: 'up-to-date' });

      // Bob picks it up on the store at the exact step, once the lease Alice's process could not give back there is stale.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const bob = service(server.open('bob'), 'bob@desk', undefined, 500);
      const picked = await bob.open(session.id);
      expect(picked.state.currentStepId).toBe('target');
      expect(picked.state.handoffs.at(-1)).toMatchObject({ from: 'alice@laptop', to: 'bob@desk', implicit: true });
      picked.release();
      bob.close();
    } finally {
      local.close();
      shared.close();
      alice.close();
    }
  }, 60_000);

  it('keeps both branches when another operator continued the session on the store during a partition', async () => {
    const { localPath, runbooks } = workspace();
    const proxy = await startTcpProxy(server.cluster.port);
    const throughProxy = server.url('alice').replace(`:${server.cluster.port}/`, `:${proxy.port}/`);
    const alice = service(openPostgresStore({ url: throughProxy, localDirectory: tempDir(), timeoutMs: 3_000 }), 'alice@laptop', localPath, 500);
    const session = await alice.start({ runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-2' } });
    session.completeStep('announce', { note: 'posted' });
    const fork = session.state.lastSeq;

    await proxy.cut();
    expect(() => session.addNote('still here')).toThrow(StoreUnreachableError);
    session.continueLocally('the VPN dropped');
    session.addNote('going on locally');
    session.interrupt();

    // Bob still reaches the store: once Alice's lease is stale he takes the session over there.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const bob = service(server.open('bob'), 'bob@desk', undefined, 500);
    const taken = await bob.open(session.id);
    taken.addNote('bob continues');
    taken.interrupt();
    bob.close();

    const local = openEventStore(localPath);
    const shared = server.open('alice');
    try {
      const storeHead = shared.session(session.id)!;
      const storeEvents = shared.readRaw(session.id);
      const localEvents = local.readRaw(session.id);
      const result = pushSession(local, shared, session.id, 'laptop');
      expect(result).toMatchObject({ outcome: 'diverged', forkSeq: fork, localAfter: localEvents.length - fork, storeAfter: storeEvents.length - fork, keptBefore: false });
      // The store's log is untouched.
      expect(shared.session(session.id)).toEqual(storeHead);
      expect(shared.readRaw(session.id).map((event) => event.hash)).toEqual(storeEvents.map((event) => event.hash));
      expect(verifyStoredSession(shared, session.id).ok).toBe(true);
      // The local log is kept whole beside it.
      const [branch] = shared.branches(session.id);
      expect(branch).toMatchObject({ forkSeq: fork, dbRole: 'alice', branch: (result as { branch: string }).branch });
      expect(branch!.events.map((event) => event.hash)).toEqual(localEvents.slice(fork).map((event) => event.hash));
      expect(pushSession(local, shared, session.id, 'laptop')).toMatchObject({ outcome: 'diverged', keptBefore: true });
      expect(shared.branches(session.id)).toHaveLength(1);
    } finally {
      local.close();
      shared.close();
      alice.close();
      await proxy.close();
    }
  }, 60_000);

  it('pushes only local sessions whose chain verifies', async () => {
    const { localPath, runbooks } = workspace();
    const local = openEventStore(localPath);
    const onLocal = service(local, 'alice@laptop');
    const good = await onLocal.start({ runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-3' } });
    good.completeStep('announce', { note: 'posted' });
    good.interrupt();
    const bad = await onLocal.start({ runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-4' } });
    bad.completeStep('announce', { note: 'posted' });
    bad.interrupt();
    local.db.prepare("UPDATE events SET data = replace(data, 'posted', 'edited') WHERE session_id = ? AND type = 'StepCompleted'").run(bad.id);

    const shared = server.open('alice');
    try {
      expect(pushSession(local, shared, good.id, 'laptop')).toMatchObject({ outcome: 'pushed', after: 0 });
      const refused = pushSession(local, shared, bad.id, 'laptop');
      expect(refused).toMatchObject({ outcome: 'refused' });
      expect((refused as { reason: string }).reason).toContain('does not verify');
      expect(shared.session(bad.id)).toBeUndefined();
      expect(verifyStoredSession(shared, good.id).ok).toBe(true);
    } finally {
      shared.close();
      local.close();
    }
  }, 60_000);
});
