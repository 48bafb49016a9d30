/**
 * Hand-off between operators: `handOff` records who hands the session to whom, with a note, and
 * leaves it interrupted; the operator it was handed to resumes it at the exact step with no second
 * hand-off recorded; anyone else resuming it is an implicit hand-off; a live driver is never
 * handed over behind its back. On the SQLite file and on the shared PostgreSQL store alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionService } from '../../src/services/session/session-service.js';
import type { EventStore } from '../../src/state/event-store.js';
import { openEventStore } from '../../src/state/event-store.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { SessionLockedError } from '../../src/state/lock.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { join } from 'node:path';
import { definitions, providers, runbooksFile, tempDir } from '../state/support.js';

let server: TestStoreServer;
beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob', 'carol'] });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

const stores: Record<string, (role: string) => EventStore> = {
  'the SQLite file': (() => {
    const path = join(tempDir(), 'sessions.db');
    return () => openEventStore(path);
  })(),
  'the shared store': (role: string) => server.open(role),
};

for (const [where, open] of Object.entries(stores)) {
  describe(`hand-off on ${where}`, () => {
    const service = (role: string) =>
      new SessionService({ store: open(role), definitions, providers: async (name) => providers[name]!, operator: `${role}@${role}-host`, processEnv: { PGPASS: 'p' }, productVersion: 't' });

    it('records who, to whom, when and the note; the named operator picks it up at the exact step; anyone else is an implicit hand-off', async () => {
      const alice = service('alice');
      const session = await alice.start({ runbooks: runbooksFile(tempDir()), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-7' } });
      session.completeStep('announce', { note: 'posted' });

      expect(() => service('bob').handOff(session.id, { to: 'bob@bob-host' })).toThrow(SessionLockedError);
      session.release();

      const handed = alice.handOff(session.id, { to: 'bob@bob-host', note: 'waiting for the probe to pass' });
      expect(handed.handoffs).toEqual([{ at: expect.any(String), from: 'alice@alice-host', to: 'bob@bob-host', note: 'waiting for the probe to pass', implicit: false }]);
      expect(handed.interrupted).toBe(true);

      const bob = service('bob');
      const picked = await bob.open(session.id);
      expect(picked.state.currentStepId).toBe('probe');
      expect(picked.state.handoffs).toHaveLength(1);
      expect(picked.state.driver).toBe('bob@bob-host');
      picked.interrupt();

      const carol = service('carol');
      const taken = await carol.open(session.id);
      expect(taken.state.handoffs.at(-1)).toEqual({ at: expect.any(String), from: 'bob@bob-host', to: 'carol@carol-host', note: null, implicit: true });
      taken.release();

      const types = carol.store.read(session.id).map((event) => event.type);
      expect(types.filter((type) => type === 'SessionHandedOff')).toHaveLength(2);
      // The audit record says it, in every format.
      const record = loadAuditRecord(carol.store, session.id);
      expect(renderExport(record, 'md')).toContain('handed off by alice@alice-host to bob@bob-host: waiting for the probe to pass');
      expect(renderExport(record, 'md')).toContain('handed off by bob@bob-host to carol@carol-host (resumed by them)');
      expect(renderExport(record, 'html')).toContain('marker marker-handoff');
      expect(JSON.parse(renderExport(record, 'json')).events.filter((event: { type: string }) => event.type === 'SessionHandedOff')).toHaveLength(2);
      alice.store.close();
      bob.store.close();
      carol.store.close();
    });
  });
}
