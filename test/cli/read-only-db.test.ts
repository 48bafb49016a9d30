/**
 * The read-only commands (sessions, export, verify, evidence) on a database the user cannot
 * write, through the built binary run as an unprivileged user (root may write any file whatever
 * its mode, so a test as root would prove nothing). Each prints what it prints on a database it
 * could write, and the file is left byte for byte as it was, with no -wal or -shm created.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/state/event-store.js';
import { SCHEMA_VERSION } from '../../src/state/migrations.js';
import { generatedEvents, sessionStarted } from '../state/generated-events.js';
import { requireBinary, runCli, UNPRIVILEGED, writeSessions } from './support/session-db.js';

const runbooksFile = fileURLToPath(new URL('./fixtures/manual.yaml', import.meta.url));
let root: string;
let reference: string;
let ids: string[];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const asNobody = (args: string[]) => runCli(args, { cwd: root, user: UNPRIVILEGED });
const asOwner = (args: string[]) => runCli(args, { cwd: root });

/** A directory nobody may write, holding a copy of the reference database with `mode`. */
function closedCopy(name: string, mode = 0o444): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const path = join(dir, 'sessions.db');
  copyFileSync(reference, path);
  chmodSync(path, mode);
  chmodSync(dir, 0o555);
  return path;
}

/** The commands and what they print, with the one field that names the time of the run taken out. */
function readCommands(db: string) {
  return [
    ['sessions', '--all'],
    ['sessions', '--all', '--json'],
    ['export', ids[0]!],
    ['export', ids[1]!, '--format', 'json'],
    ['verify', ids[0]!],
    ['evidence', '--json', '--file', runbooksFile],
  ].map((args) => [...args, '--db', db]);
}
const comparable = (out: string) => out.replace(/"generatedAt": "[^"]+"/, '"generatedAt": "…"');

beforeAll(() => {
  requireBinary();
  root = mkdtempSync(join(tmpdir(), 'runbook-read-only-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'reference'));
  reference = join(root, 'reference', 'sessions.db');
  ids = writeSessions(reference, 2, 40);
  // Closed cleanly: everything is in the main file, no -wal or -shm beside it.
  expect(readdirSync(join(root, 'reference'))).toEqual(['sessions.db']);
  chmodSync(reference, 0o644);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('read-only commands on a database they cannot write', () => {
  it('read a read-only file in a read-only directory exactly as a writable one, and change nothing', () => {
    const db = closedCopy('closed');
    const before = sha256(db);
    for (const [index, args] of readCommands(db).entries()) {
      const got = asNobody(args);
      const expected = asOwner(readCommands(reference)[index]!);
      expect({ args: args.slice(0, 2), code: got.code, err: got.err }).toEqual({ args: args.slice(0, 2), code: expected.code, err: '' });
      expect(comparable(got.out)).toBe(comparable(expected.out));
    }
    expect(asNobody(['verify', ids[1]!, '--db', db]).out).toContain(`ok: session ${ids[1]}, 41 events, hash chain intact`);
    expect(sha256(db)).toBe(before);
    expect(readdirSync(join(root, 'closed'))).toEqual(['sessions.db']);
  });

  it('leave no -wal or -shm of their own beside a database they may read in a directory they may write', () => {
    const dir = join(root, 'shared');
    mkdirSync(dir);
    const db = join(dir, 'sessions.db');
    copyFileSync(reference, db);
    chmodSync(db, 0o644);
    // Files the reader created would be the reader's: the owner could no longer write its own database.
    chmodSync(dir, 0o777);
    const before = sha256(db);
    for (const args of readCommands(db)) expect(asNobody(args)).toMatchObject({ err: '' });
    expect(readdirSync(dir)).toEqual(['sessions.db']);
    expect(sha256(db)).toBe(before);
  });

  it('see the newest events while a writer holds the database open and they are still only in the write-ahead log', () => {
    const dir = join(root, 'live');
    mkdirSync(dir);
    const db = join(dir, 'sessions.db');
    copyFileSync(reference, db);
    chmodSync(db, 0o644);
    const writer = openEventStore(db);
    try {
      writer.db.pragma('wal_autocheckpoint = 0');
      writer.append('S-LIVE', [sessionStarted(), ...generatedEvents(99, 10)], { expectedLastSeq: 0, actor: 'gen@host', at: '2024-05-02T09:00:00.000Z' });
      expect(readFileSync(`${db}-wal`).length).toBeGreaterThan(0);
      const listed = asNobody(['sessions', '--all', '--json', '--db', db]);
      expect(listed.err).toBe('');
      expect((JSON.parse(listed.out) as { sessions: { id: string }[] }).sessions.map((session) => session.id)).toEqual(['S-LIVE', ...[...ids].reverse()]);
      expect(asNobody(['verify', 'S-LIVE', '--db', db])).toMatchObject({ code: 0, err: '' });
    } finally {
      writer.close();
    }
  });

  it('read an older schema through an upgraded copy in memory, say so once, and leave the file at its version', () => {
    const dir = join(root, 'old');
    mkdirSync(dir);
    const db = join(dir, 'sessions.db');
    copyFileSync(reference, db);
    const old = new Database(db);
    old.exec('DROP TABLE snapshots; DROP TABLE check_results; ALTER TABLE locks DROP COLUMN epoch; ALTER TABLE locks DROP COLUMN operator; PRAGMA user_version = 1;');
    old.close();
    chmodSync(db, 0o444);
    chmodSync(dir, 0o555);
    const before = sha256(db);
    const notice = `runbook: the session database ${db} has schema 1, older than this runbook's ${SCHEMA_VERSION}; read through an upgraded copy in memory. Run a command that writes (e.g. "runbook check") once to upgrade the file\n`;

    const listed = asNobody(['sessions', '--all', '--json', '--db', db]);
    expect({ code: listed.code, err: listed.err }).toEqual({ code: 0, err: notice });
    expect(listed.out).toBe(asOwner(['sessions', '--all', '--json', '--db', reference]).out);
    const evidence = asNobody(['evidence', '--json', '--file', runbooksFile, '--db', db]);
    expect({ code: evidence.code, err: evidence.err }).toEqual({ code: asOwner(['evidence', '--json', '--file', runbooksFile, '--db', reference]).code, err: notice });

    expect(sha256(db)).toBe(before);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    check.close();
  });

  it('refuse a write-ahead log whose index is gone, in a directory they cannot write, in one line saying what to do', () => {
    const dir = join(root, 'orphan-wal');
    mkdirSync(dir);
    const live = join(root, 'live-for-copy.db');
    copyFileSync(reference, live);
    const writer = openEventStore(live);
    try {
      writer.db.pragma('wal_autocheckpoint = 0');
      writer.append('S-WAL', [sessionStarted()], { expectedLastSeq: 0, actor: 'gen@host', at: '2024-05-02T09:00:00.000Z' });
      copyFileSync(live, join(dir, 'sessions.db'));
      copyFileSync(`${live}-wal`, join(dir, 'sessions.db-wal'));
    } finally {
      writer.close();
    }
    chmodSync(join(dir, 'sessions.db'), 0o444);
    chmodSync(join(dir, 'sessions.db-wal'), 0o444);
    chmodSync(dir, 0o555);
    const got = asNobody(['export', 'S-WAL', '--db', join(dir, 'sessions.db')]);
    expect(got.code).toBe(2);
    expect(got.out).toBe('');
    expect(got.err.split('\n')).toHaveLength(2);
    expect(got.err).toContain(`its write-ahead log ${join(dir, 'sessions.db-wal')} has no index`);
    expect(got.err).toContain('copy the database and its -wal file to a writable directory');
    expect(existsSync(join(dir, 'sessions.db-shm'))).toBe(false);
  });

  it('name a database they may not read, in one line', () => {
    const db = closedCopy('unreadable', 0o600);
    const got = asNobody(['sessions', '--db', db]);
    expect(got).toEqual({
      code: 2,
      out: '',
      err: `runbook: cannot read the session database ${db}: permission denied; run as a user who may read it, or point --db / RUNBOOK_DB at a readable copy\n`,
    });
  });
});
