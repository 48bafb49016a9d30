/**
 * A session that diverged, on a real PostgreSQL store: Alice's laptop went on with it in its local
 * log while Bob continued it on the store; her push kept the laptop's log as a branch beside the
 * store's. Exports (md, html, json) show the branch, where it leaves the log, who pushed it and
 * when, its own events and whether its chain continues the store's event it forks from; the
 * session's state stays the store's; the listing counts branches in one read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/state/event-store.js';
import type { RawEvent } from '../../src/state/events.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { eventHash } from '../../src/state/hash-chain.js';
import { defaultLockOptions } from '../../src/state/lock.js';
import { listSessions } from '../../src/state/sessions.js';
import { branchEvents, divergedSession, replaceBranchEvents, testService as service, type Divergence } from '../support/divergence.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { runbooksFile, tempDir } from './support.js';

let server: TestStoreServer;
beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob'] });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

let diverged: Divergence;
let plainId: string;
beforeAll(async () => {
  diverged = await divergedSession(server);
  const dir = tempDir('runbook-divergence-plain-');
  const alice = service(server.open('alice'), 'alice@desk');
  const session = await alice.start({ runbooks: runbooksFile(dir), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-10' } });
  plainId = session.id;
  session.interrupt();
  alice.close();
}, 120_000);

describe('a diverged session on the shared store', () => {
  it('its audit record keeps the branch beside the log: fork point, push, role, its events, a chain that continues the shared event; the state is the store\'s', () => {
    const store = server.open('bob');
    try {
      const { id, forkSeq, laptopEvents, branch } = diverged;
      const record = loadAuditRecord(store, id);
      const fork = store.readRaw(id)[forkSeq - 1]!;
      expect(record.branches).toEqual([
        {
          name: branch,
          forkSeq,
          forkEvent: { seq: forkSeq, type: fork.type, at: fork.at },
          pushedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          dbRole: 'alice',
          events: laptopEvents,
          verified: true,
          problem: null,
        },
      ]);
      expect(laptopEvents.map((event) => event.type)).toEqual(expect.arrayContaining(['SwitchedToLocalLog', 'NoteAdded', 'SessionInterrupted']));
      // Never merged: the state is the store's log's alone.
      expect(JSON.stringify(record.state)).toContain('bob went on on the store');
      expect(JSON.stringify(record.state)).not.toContain('went on from the laptop');

      const md = renderExport(record, 'md');
      const [main, divergence] = md.split('## Divergence');
      expect(divergence).toBeDefined();
      expect(main).toContain('**Diverged:** 1 branch kept beside this log, not merged');
      expect(main).not.toContain('went on from the laptop');
      expect(divergence).toContain('kept beside the log as a branch, whole and not merged');
      expect(divergence).toContain(`### Branch ${branch}`);
      expect(divergence).toContain(`- **Leaves this log:** after event ${forkSeq} (${fork.type} at ${fork.at})`);
      expect(divergence).toMatch(/- \*\*Pushed:\*\* \d{4}-\S+ by database role alice/);
      expect(divergence).toContain(`- **Hash chain:** verified: its first event continues the hash of this log's event ${forkSeq} and each of its ${laptopEvents.length} events hashes to what it says`);
      for (const event of laptopEvents) expect(divergence).toContain(`| ${event.seq} | ${event.at} |`);
      expect(divergence).toContain('| note: went on from the laptop | alice@laptop |');
      expect(divergence).toContain('went on in the local log');

      const html = renderExport(record, 'html');
      expect(html).toContain('<p class="diverged"><strong>Diverged:</strong> 1 branch kept beside this log');
      expect(html).toContain('<h2 id="divergence">Divergence</h2>');
      expect(html).toContain(`<section class="branch" data-branch="${branch}">`);
      expect(html).toContain(`<dt>Leaves this log</dt><dd>after event ${forkSeq} (${fork.type} at ${fork.at})</dd>`);
      expect(html).toContain('went on from the laptop');
      // The timeline marks where it leaves the log.
      expect(html).toContain(`<g class="marker marker-diverged" data-seq="${forkSeq}"><title>diverged: diverged here: branch ${branch}`);
      expect(html).toContain(`(event ${forkSeq}): diverged here: branch ${branch} (${laptopEvents.length} events of a local log, kept beside this log, not merged)`);

      const json = JSON.parse(renderExport(record, 'json'));
      expect(json.branches).toEqual([{ name: branch, forkSeq, pushedAt: record.branches[0]!.pushedAt, dbRole: 'alice', verified: true, problem: null, events: laptopEvents }]);
      expect(json.events.map((event: RawEvent) => event.hash)).toEqual(store.readRaw(id).map((event) => event.hash));
    } finally {
      store.close();
    }
  });

  it('a session without branches exports no divergence', () => {
    const store = server.open('bob');
    try {
      const record = loadAuditRecord(store, plainId);
      expect(record.branches).toEqual([]);
      expect(renderExport(record, 'md')).not.toContain('Divergence');
      expect(renderExport(record, 'html')).not.toContain('marker-diverged');
      expect(JSON.parse(renderExport(record, 'json')).branches).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('lists the branch count of every session in one read: the diverged one has 1, the other none', () => {
    const store = server.open('bob');
    try {
      expect(store.branchCounts()).toEqual(new Map([[diverged.id, 1]]));
      const listed = listSessions(store, defaultLockOptions('test-host', {}), { all: true });
      expect(Object.fromEntries(listed.map((session) => [session.id, session.branches]))).toEqual({ [diverged.id]: 1, [plainId]: 0 });
    } finally {
      store.close();
    }
  });

  it('the local log\'s own export marks where the session went on in it', () => {
    const local = openEventStore(diverged.localPath);
    try {
      const html = renderExport(loadAuditRecord(local, diverged.id), 'html');
      expect(html).toContain('<g class="marker marker-local"');
      expect(html).toContain(`went on in the local log ${diverged.localPath}: the shared store`);
      expect(html).toContain('<span class="kind">local log</span>');
    } finally {
      local.close();
    }
  });
});

describe('a kept branch that does not verify', () => {
  const events = (id: string) => branchEvents(server, id);
  const replace = (id: string, list: readonly RawEvent[]) => replaceBranchEvents(server, id, list);

  it('names an event whose content was changed after it was written', async () => {
    const divergence = await divergedSession(server);
    const list = await events(divergence.id);
    const index = list.findIndex((event) => event.type === 'NoteAdded');
    list[index] = { ...list[index]!, data: { ...(list[index]!.data as object), text: 'edited' } };
    await replace(divergence.id, list);
    const store = server.open('bob');
    try {
      const record = loadAuditRecord(store, divergence.id);
      const problem = `event ${list[index]!.seq} (NoteAdded) was changed after it was written: its hash does not match its content`;
      expect(record.branches[0]).toMatchObject({ verified: false, problem });
      expect(renderExport(record, 'md')).toContain(`- **Hash chain:** does NOT verify: ${problem}`);
      expect(renderExport(record, 'html')).toContain(`<dt>Hash chain</dt><dd class="failed">does NOT verify: ${problem}</dd>`);
      expect(JSON.parse(renderExport(record, 'json')).branches[0]).toMatchObject({ verified: false, problem });
    } finally {
      store.close();
    }
  });

  it('names a first event that hashes well but does not continue the shared event it forks from', async () => {
    const divergence = await divergedSession(server);
    const list = await events(divergence.id);
    // Rehashed throughout, so only the link to the store's event is wrong.
    let prevHash = 'f'.repeat(64);
    const relinked = list.map((event) => {
      const moved = { ...event, prevHash };
      const hash = eventHash(divergence.id, moved);
      prevHash = hash;
      return { ...moved, hash };
    });
    await replace(divergence.id, relinked);
    const store = server.open('bob');
    try {
      const record = loadAuditRecord(store, divergence.id);
      expect(record.branches[0]).toMatchObject({
        verified: false,
        problem: `its first event ${divergence.forkSeq + 1} does not continue the log's event ${divergence.forkSeq}: its previous-hash is not that event's hash`,
      });
    } finally {
      store.close();
    }
  });
});
