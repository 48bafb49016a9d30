/**
 * Opening the store only to read: nothing is created, migrated or appended, and files that are
 * not session databases are named in one OperatorError. (Reading what the user cannot write is
 * tested through the binary as an unprivileged user in test/cli/read-only-db.test.ts.)
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { openEventStore } from '../../src/state/event-store.js';
import { SCHEMA_VERSION } from '../../src/state/migrations.js';
import { openStoreReadOnly, requireStoreReadOnly } from '../../src/state/open-store.js';
import { generatedEvents, sessionStarted } from './generated-events.js';
import { tempDir } from './support.js';

function databaseWithOneSession(): string {
  const path = join(tempDir(), 'sessions.db');
  const store = openEventStore(path);
  store.append('S-1', [sessionStarted(), ...generatedEvents(7, 20)], { expectedLastSeq: 0, actor: 'gen@host', at: '2024-05-01T10:00:00.000Z' });
  store.close();
  return path;
}

describe('openStoreReadOnly', () => {
  it('creates nothing where there is no database', () => {
    const dir = tempDir();
    const path = join(dir, 'state', 'sessions.db');
    expect(openStoreReadOnly(path)).toBeUndefined();
    expect(() => requireStoreReadOnly(path)).toThrow(new OperatorError(`no session database at ${path}; start a session first, or point --db / RUNBOOK_DB at the right file`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads every event and refuses to append', () => {
    const path = databaseWithOneSession();
    const before = readFileSync(path);
    const store = openStoreReadOnly(path)!;
    try {
      expect(store.readOnly).toBe(true);
      expect(store.read('S-1')).toHaveLength(21);
      expect(store.sessions().map((row) => row.id)).toEqual(['S-1']);
      expect(() => store.append('S-1', generatedEvents(8, 1), { expectedLastSeq: 21, actor: 'x@y', at: '2024-05-01T11:00:00.000Z' })).toThrow('opened read-only');
    } finally {
      store.close();
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('upgrades an older schema only in memory and tells the caller', () => {
    const path = databaseWithOneSession();
    const old = new Database(path);
    old.exec('DROP TABLE check_results; ALTER TABLE locks DROP COLUMN epoch; ALTER TABLE locks DROP COLUMN operator; PRAGMA user_version = 2;');
    old.close();
    const notices: string[] = [];
    const store = openStoreReadOnly(path, (notice) => notices.push(notice))!;
    try {
      expect(store.db.prepare('SELECT count(*) FROM check_results').pluck().get()).toBe(0);
      expect(store.read('S-1')).toHaveLength(21);
    } finally {
      store.close();
    }
    expect(notices).toEqual([
      `the session database ${path} has schema 2, older than this runbook's ${SCHEMA_VERSION}; read through an upgraded copy in memory. Run a command that writes (e.g. "runbook check") once to upgrade the file`,
    ]);
    const file = new Database(path, { readonly: true });
    expect(file.pragma('user_version', { simple: true })).toBe(2);
    expect(file.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'check_results'").pluck().get()).toBe(0);
    file.close();
  });

  it('reads an empty file (a first write that never happened) as a database without sessions', () => {
    const path = join(tempDir(), 'sessions.db');
    writeFileSync(path, '');
    const notices: string[] = [];
    const store = openStoreReadOnly(path, (notice) => notices.push(notice))!;
    expect(store.sessions()).toEqual([]);
    store.close();
    expect(notices).toEqual([]);
    expect(readFileSync(path).length).toBe(0);
  });

  it('names a file that is not a session database, or one from a newer runbook', () => {
    const text = join(tempDir(), 'notes.db');
    writeFileSync(text, 'these are not the sessions you are looking for\n'.repeat(100));
    expect(() => openStoreReadOnly(text)).toThrow(OperatorError);
    expect(() => openStoreReadOnly(text)).toThrow(`cannot open the session database ${text}: file is not a database`);

    const foreign = join(tempDir(), 'other.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => openStoreReadOnly(foreign)).toThrow(`${foreign} is not a runbook session database`);

    const newer = join(tempDir(), 'newer.db');
    copyFileSync(databaseWithOneSession(), newer);
    const bump = new Database(newer);
    bump.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    bump.close();
    expect(() => openStoreReadOnly(newer)).toThrow(`was written by a newer runbook (schema ${SCHEMA_VERSION + 1}, this build knows ${SCHEMA_VERSION}); upgrade runbook`);
  });
});
