/** A session database written by a schema-1 build opens, migrates to the snapshot table, and resumes. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/state/event-store.js';
import { SCHEMA_VERSION } from '../../src/state/migrations.js';
import { loadSessionState, resumeState } from '../../src/state/resume.js';
import { foldEvents, foldFrom } from '../../src/state/session-state.js';
import { newEvent } from '../../src/state/events.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { generatedEvents, sessionStarted } from './generated-events.js';
import { tempDir } from './support.js';

/** Schema 1 exactly as the first release created it (history: never edit). */
const SCHEMA_1 = `CREATE TABLE events (
     session_id TEXT NOT NULL,
     seq INTEGER NOT NULL CHECK (seq >= 1),
     at TEXT NOT NULL,
     type TEXT NOT NULL,
     step_id TEXT,
     data TEXT NOT NULL,
     actor TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     runbook TEXT NOT NULL,
     env TEXT NOT NULL,
     drill INTEGER NOT NULL,
     operator TEXT NOT NULL,
     started_at TEXT NOT NULL,
     last_event_at TEXT NOT NULL,
     last_seq INTEGER NOT NULL,
     last_hash TEXT NOT NULL,
     state TEXT NOT NULL,
     current_step TEXT
   );
   CREATE TABLE locks (
     session_id TEXT PRIMARY KEY,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     since TEXT NOT NULL,
     heartbeat_at TEXT NOT NULL,
     token TEXT NOT NULL
   );`;

/** A schema-1 database holding one session of 1,501 events with a real hash chain. */
function schemaOneDatabase(): string {
  const dir = tempDir();
  const source = openEventStore(join(dir, 'source.db'));
  source.append('S-old', [sessionStarted(), ...generatedEvents(21, 1500)], { expectedLastSeq: 0, actor: 'gen@host', at: '2024-05-01T10:00:00.000Z' });
  source.close();
  const path = join(dir, 'old.db');
  const db = new Database(path);
  db.exec(SCHEMA_1);
  db.pragma('user_version = 1');
  db.exec(`ATTACH DATABASE '${join(dir, 'source.db')}' AS source`);
  db.exec('INSERT INTO events SELECT * FROM source.events; INSERT INTO sessions SELECT * FROM source.sessions; DETACH DATABASE source');
  db.close();
  return path;
}

describe('migration from schema 1', () => {
  it('adds the snapshot table and keeps every event, the chain and the listing', () => {
    const path = schemaOneDatabase();
    const store = openEventStore(path);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const columns = (store.db.prepare('PRAGMA table_info(snapshots)').all() as { name: string }[]).map((column) => column.name);
      expect(columns).toEqual(['session_id', 'seq', 'event_hash', 'fold_version', 'state', 'checksum']);
      expect(store.read('S-old').length).toBe(1501);
      expect(verifyStoredSession(store, 'S-old')).toMatchObject({ ok: true, events: 1501 });
      expect(store.session('S-old')).toMatchObject({ lastSeq: 1501, runbook: 'gen', state: 'open' });
      const resumed = resumeState(store, 'S-old');
      expect(resumed.snapshotSeq).toBeNull();
      expect(resumed.state).toStrictEqual(foldEvents('S-old', store.read('S-old')));
    } finally {
      store.close();
    }
  });

  it('the first append after migration keeps a snapshot and the next resume uses it', () => {
    const path = schemaOneDatabase();
    const store = openEventStore(path);
    try {
      let state = loadSessionState(store, 'S-old');
      store.append('S-old', [newEvent('NoteAdded', null, { text: 'resumed on a new build' })], {
        expectedLastSeq: state.lastSeq,
        actor: 'gen@host',
        at: '2024-05-02T10:00:00.000Z',
        fold: (stored) => (state = foldFrom(state, stored)),
      });
      expect(store.snapshots.keys('S-old').map((key) => key.seq)).toEqual([1502]);
      const resumed = resumeState(store, 'S-old');
      expect(resumed).toMatchObject({ snapshotSeq: 1502, folded: 0 });
      expect(resumed.state).toStrictEqual(foldEvents('S-old', store.read('S-old')));
      expect(verifyStoredSession(store, 'S-old')).toMatchObject({ ok: true, events: 1502 });
    } finally {
      store.close();
    }
    // Opening a migrated database again changes nothing.
    const again = openEventStore(path);
    try {
      expect(again.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(again.snapshots.keys('S-old').map((key) => key.seq)).toEqual([1502]);
    } finally {
      again.close();
    }
  });
});
