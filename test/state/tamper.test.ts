/** Tampering with the log is found: edit, delete, reorder and insert, on the database and on an exported JSON. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { eventHash } from '../../src/state/hash-chain.js';
import { verifyExportFile, verifyStoredSession } from '../../src/state/verify.js';
import { fixture, type Fixture } from './support.js';

let f: Fixture;
let id: string;

beforeEach(async () => {
  f = fixture();
  const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
  session.completeStep('announce', { note: 'n' });
  await session.runCheck('probe');
  for (let n = 0; n < 5; n++) session.addNote(`note ${n}`);
  session.interrupt();
  id = session.id;
});

describe('verify on the database', () => {
  it('passes on an untouched log', () => {
    expect(verifyStoredSession(f.store, id)).toEqual({ ok: true, sessionId: id, events: 12, head: f.store.session(id)!.lastHash });
  });
  it('finds an edited event', () => {
    f.store.db.prepare("UPDATE events SET data = replace(data, 'note 2', 'note X') WHERE session_id = ? AND seq = 9").run(id);
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 9 });
  });
  it('finds an edit whose hash was recomputed, at the next event', () => {
    const row = f.store.readRaw(id)[7]!;
    const data = { text: 'note X' };
    f.store.db.prepare('UPDATE events SET data = ?, hash = ? WHERE session_id = ? AND seq = 8').run(JSON.stringify(data), eventHash(id, { ...row, data }), id);
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 9 });
  });
  it('finds a removed event', () => {
    f.store.db.prepare('DELETE FROM events WHERE session_id = ? AND seq = 5').run(id);
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'event 5 is missing (the next event found is 6)' });
  });
  it('finds removed trailing events through the recorded head', () => {
    f.store.db.prepare('DELETE FROM events WHERE session_id = ? AND seq >= 11').run(id);
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 11 });
  });
  it('finds reordered events', () => {
    f.store.db.prepare('UPDATE events SET seq = 1000 WHERE session_id = ? AND seq = 6').run(id);
    f.store.db.prepare('UPDATE events SET seq = 6 WHERE session_id = ? AND seq = 7').run(id);
    f.store.db.prepare('UPDATE events SET seq = 7 WHERE session_id = ? AND seq = 1000').run(id);
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 6 });
  });
  it('finds an inserted event', () => {
    f.store.db.prepare('UPDATE events SET seq = seq + 100 WHERE session_id = ? AND seq >= 4').run(id);
    f.store.db.prepare('UPDATE events SET seq = seq - 99 WHERE session_id = ? AND seq >= 104').run(id);
    const prev = f.store.readRaw(id)[2]!;
    const forged = { seq: 4, at: prev.at, type: 'NoteAdded', stepId: null, data: { text: 'forged' }, actor: prev.actor, prevHash: prev.hash };
    f.store.db
      .prepare('INSERT INTO events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash) VALUES (?, 4, ?, ?, NULL, ?, ?, ?, ?)')
      .run(id, forged.at, forged.type, JSON.stringify(forged.data), forged.actor, forged.prevHash, eventHash(id, forged));
    expect(verifyStoredSession(f.store, id)).toMatchObject({ ok: false, firstBadSeq: 5 });
  });
});

describe('verify on an exported JSON', () => {
  function exported(): { path: string; document: any } {
    const path = join(f.dir, 'audit.json');
    writeFileSync(path, renderExport(loadAuditRecord(f.store, id), 'json'));
    return { path, document: JSON.parse(readFileSync(path, 'utf8')) };
  }
  const rewrite = (path: string, document: unknown) => writeFileSync(path, JSON.stringify(document));

  it('passes on an untouched export', () => {
    const { path } = exported();
    expect(verifyExportFile(path)).toMatchObject({ ok: true, events: 12 });
  });
  it('finds an edited event', () => {
    const { path, document } = exported();
    document.events[6].data.text = 'edited';
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 7 });
  });
  it('finds an edited actor or time', () => {
    const { path, document } = exported();
    document.events[2].actor = 'mallory@host';
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
  it('finds a removed event', () => {
    const { path, document } = exported();
    document.events.splice(3, 1);
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 4 });
  });
  it('finds reordered events', () => {
    const { path, document } = exported();
    [document.events[4], document.events[5]] = [document.events[5], document.events[4]];
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 5 });
  });
  it('finds reordered events even when renumbered', () => {
    const { path, document } = exported();
    [document.events[4], document.events[5]] = [document.events[5], document.events[4]];
    document.events[4].seq = 5;
    document.events[5].seq = 6;
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 5 });
  });
  it('finds an inserted event', () => {
    const { path, document } = exported();
    const prev = document.events[2];
    const forged = { seq: 4, at: prev.at, type: 'NoteAdded', stepId: null, data: { text: 'forged' }, actor: prev.actor, prevHash: prev.hash };
    document.events.splice(3, 0, { ...forged, hash: eventHash(id, forged) });
    rewrite(path, document);
    expect(verifyExportFile(path)).toMatchObject({ ok: false, firstBadSeq: 5 });
  });
  it('refuses a file that is not an audit record', () => {
    const path = join(f.dir, 'other.json');
    writeFileSync(path, '{"hello": 1}');
    expect(() => verifyExportFile(path)).toThrow('is not a runbook audit record');
  });
});
