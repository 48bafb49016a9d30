/**
 * Snapshots are a cache for resume: resume from one equals the full fold, a snapshot
 * that no longer matches the log (edited, stale, another fold version) is ignored, and deleting
 * them changes nothing but the path taken. Real SQLite files in temp dirs.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore, type SqliteEventStore as EventStore } from '../../src/state/event-store.js';
import type { NewEvent } from '../../src/state/events.js';
import { loadSessionState, resumeState } from '../../src/state/resume.js';
import { foldEvents, foldFrom, initialState, notesOf, type SessionState } from '../../src/state/session-state.js';
import { decodeState, encodeState, FOLD_VERSION, SNAPSHOT_MIN_INTERVAL, snapshotDue } from '../../src/state/snapshots.js';
import { generatedEvents, generatedLog, sessionStarted } from './generated-events.js';
import { fixture, tempDir } from './support.js';

const opened: EventStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function newStore(): EventStore {
  const store = openEventStore(join(tempDir(), 'sessions.db'));
  opened.push(store);
  return store;
}

let clock = Date.parse('2024-05-01T10:00:00Z');

/** Appends in batches handing the store the caller's fold, as DrivenSession does; returns the final state. */
function appendWithFold(store: EventStore, id: string, events: readonly NewEvent[], batch: number, from: SessionState = initialState(id)): SessionState {
  let state = from;
  for (let index = 0; index < events.length; index += batch) {
    clock += 1000;
    store.append(id, events.slice(index, index + batch), {
      expectedLastSeq: state.lastSeq,
      actor: 'gen@host',
      at: new Date(clock).toISOString(),
      fold: (stored) => (state = foldFrom(state, stored)),
    });
  }
  return state;
}

/** A session of 3,501 events appended 100 at a time: snapshots are taken at 1000, 2000 and 3000. */
function longSession(store: EventStore, id = 'S-long'): SessionState {
  return appendWithFold(store, id, [sessionStarted(), ...generatedEvents(11, 3500)], 100);
}

function fullFold(store: EventStore, id: string): SessionState {
  return foldEvents(id, store.read(id));
}

describe('resume from a snapshot', () => {
  it('a long log gets snapshots as it is appended; only the newest two are kept', () => {
    const store = newStore();
    longSession(store);
    expect(store.snapshots.keys('S-long')).toEqual([
      { seq: 3000, eventHash: store.eventHash('S-long', 3000), foldVersion: FOLD_VERSION },
      { seq: 2000, eventHash: store.eventHash('S-long', 2000), foldVersion: FOLD_VERSION },
    ]);
  });

  it('resume folds only the tail onto the newest snapshot and equals the full fold', () => {
    const store = newStore();
    const driven = longSession(store);
    const resumed = resumeState(store, 'S-long');
    expect(resumed.snapshotSeq).toBe(3000);
    expect(resumed.folded).toBe(501);
    const full = fullFold(store, 'S-long');
    expect(full.lastSeq).toBe(3501);
    expect(resumed.state).toStrictEqual(full);
    expect(resumed.state).toStrictEqual(driven);
    expect(notesOf(resumed.state)).toStrictEqual(notesOf(full));
  });

  it('equals the full fold at every length of tail, snapshot or not', () => {
    const store = newStore();
    let state = appendWithFold(store, 'S-grow', [sessionStarted({ startSection: 'second' })], 1);
    const events = generatedEvents(12, 2400);
    for (let index = 0; index < events.length; index += 300) {
      state = appendWithFold(store, 'S-grow', events.slice(index, index + 300), 300, state);
      const resumed = resumeState(store, 'S-grow');
      expect(resumed.snapshotSeq).toBe(state.lastSeq >= SNAPSHOT_MIN_INTERVAL ? store.snapshots.keys('S-grow')[0]!.seq : null);
      expect(resumed.state).toStrictEqual(fullFold(store, 'S-grow'));
    }
    expect(state.lastSeq).toBe(2401);
  });

  it('deleting the snapshots changes nothing but the path taken', () => {
    const store = newStore();
    longSession(store);
    const withSnapshot = resumeState(store, 'S-long');
    store.snapshots.deleteAll('S-long');
    const without = resumeState(store, 'S-long');
    expect(withSnapshot.snapshotSeq).toBe(3000);
    expect(without.snapshotSeq).toBeNull();
    expect(without.folded).toBe(3501);
    expect(without.state).toStrictEqual(withSnapshot.state);
  });

  it('a driven session that crashed opens from its snapshot exactly where it was', async () => {
    const f = fixture();
    opened.push(f.store);
    const service = f.service();
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    session.completeStep('announce', { note: 'told the channel' });
    await session.runCheck('probe');
    for (let index = 0; index < SNAPSHOT_MIN_INTERVAL + 20; index++) session.addNote(`poll ${index}`, index % 2 ? 'probe' : null);
    const before = session.state;
    session.release(); // dies without recording an interruption

    const snapshot = resumeState(f.store, session.id);
    expect(snapshot.snapshotSeq).toBeGreaterThanOrEqual(SNAPSHOT_MIN_INTERVAL);
    expect(snapshot.state).toStrictEqual(before);

    const resumed = await service.open(session.id);
    expect(resumed.state).toStrictEqual(fullFold(f.store, session.id));
    expect(resumed.state.currentStepId).toBe('probe');
    expect(resumed.state.noteCount).toBe(SNAPSHOT_MIN_INTERVAL + 20);
    expect(resumed.state.steps.announce!.status).toBe('done');
    expect(resumed.state.steps.probe!.status).toBe('passed');
    expect(f.store.read(session.id).at(-1)).toMatchObject({ type: 'SessionResumed', data: { previous: 'crashed' } });
    resumed.interrupt();
  });
});

describe('a snapshot that does not match the log is ignored', () => {
  it('when the event it was taken at has another hash now (the log was edited)', () => {
    const store = newStore();
    longSession(store);
    const expected = fullFold(store, 'S-long');
    store.db.prepare("UPDATE events SET hash = 'edited' WHERE session_id = 'S-long' AND seq = 3000").run();
    expect(resumeState(store, 'S-long').snapshotSeq).toBe(2000);
    expect(loadSessionState(store, 'S-long')).toStrictEqual(expected);
    store.db.prepare("UPDATE events SET hash = 'edited' WHERE session_id = 'S-long' AND seq = 2000").run();
    const resumed = resumeState(store, 'S-long');
    expect(resumed.snapshotSeq).toBeNull();
    expect(resumed.state).toStrictEqual(expected);
  });

  it('when events up to it were removed (a stale snapshot beyond the log)', () => {
    const store = newStore();
    longSession(store);
    store.db.prepare("DELETE FROM events WHERE session_id = 'S-long' AND seq > 2500").run();
    const resumed = resumeState(store, 'S-long');
    expect(resumed.snapshotSeq).toBe(2000);
    expect(resumed.state.lastSeq).toBe(2500);
    expect(resumed.state).toStrictEqual(fullFold(store, 'S-long'));
  });

  it('when its state was edited (the checksum does not match)', () => {
    const store = newStore();
    longSession(store);
    const edit = store.db
      .prepare(`UPDATE snapshots SET state = replace(state, '"status":"open"', '"status":"aborted"') WHERE session_id = 'S-long' AND seq = 3000`)
      .run();
    expect(edit.changes).toBe(1);
    const text = store.db.prepare("SELECT state FROM snapshots WHERE session_id = 'S-long' AND seq = 3000").pluck().get() as string;
    expect(text).toContain('"status":"aborted"');
    const resumed = resumeState(store, 'S-long');
    expect(resumed.snapshotSeq).toBe(2000);
    expect(resumed.state.status).toBe('open');
    expect(resumed.state).toStrictEqual(fullFold(store, 'S-long'));
  });

  it('when another fold version wrote it', () => {
    const store = newStore();
    longSession(store);
    store.db.prepare(`UPDATE snapshots SET fold_version = ${FOLD_VERSION + 1} WHERE session_id = 'S-long'`).run();
    const resumed = resumeState(store, 'S-long');
    expect(resumed.snapshotSeq).toBeNull();
    expect(resumed.state).toStrictEqual(fullFold(store, 'S-long'));
  });

  it('when it is not JSON of a state', () => {
    const store = newStore();
    longSession(store);
    store.db.prepare("UPDATE snapshots SET state = 'not json', checksum = 'x' WHERE session_id = 'S-long'").run();
    expect(resumeState(store, 'S-long').snapshotSeq).toBeNull();
  });
});

describe('when snapshots are written', () => {
  it('every 1,000 events, then every tenth of the log', () => {
    expect([snapshotDue(0, 999), snapshotDue(0, 1000), snapshotDue(1000, 1999), snapshotDue(1000, 2000)]).toEqual([false, true, false, true]);
    expect([snapshotDue(10_000, 11_100), snapshotDue(10_000, 11_112), snapshotDue(90_000, 99_998), snapshotDue(90_000, 100_000)]).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });

  it('never from an append without the caller fold, nor from a fold that is not of the stored events', () => {
    const store = newStore();
    const events = [sessionStarted(), ...generatedEvents(13, 1200)];
    store.append('S-plain', events, { expectedLastSeq: 0, actor: 'gen@host', at: '2024-05-01T10:00:00.000Z' });
    expect(store.snapshots.keys('S-plain')).toEqual([]);
    store.append('S-wrong', events, {
      expectedLastSeq: 0,
      actor: 'gen@host',
      at: '2024-05-01T10:00:00.000Z',
      fold: (stored) => foldFrom(initialState('S-wrong'), stored.slice(0, -1)),
    });
    expect(store.snapshots.keys('S-wrong')).toEqual([]);
    expect(resumeState(store, 'S-plain').state).toStrictEqual(fullFold(store, 'S-plain'));
  });
});

describe('snapshot encoding', () => {
  it('round-trips a state with 25,000 notes (a list too deep for plain JSON.stringify)', () => {
    const events = generatedLog(14, 300);
    let state = foldEvents('S', events);
    const notes = Array.from({ length: 25_000 }, (_, index) => ({
      ...events[0]!,
      seq: events.length + index + 1,
      type: 'NoteAdded' as const,
      stepId: 'check',
      data: { text: `note ${index}` },
    }));
    state = foldFrom(state, notes);
    const decoded = decodeState(encodeState(state));
    // Compared without the list itself: a recursive deep-equal overflows on 25,000 links as JSON.stringify does.
    expect({ ...decoded, notes: null }).toStrictEqual({ ...state, notes: null });
    expect(notesOf(decoded)).toStrictEqual(notesOf(state));
    expect(notesOf(decoded).length).toBe(25_000 + foldEvents('S', events).noteCount);
    expect(notesOf(decoded, 'check').at(-1)!.text).toBe('note 24999');
  });

  it('the fold output is pinned to FOLD_VERSION: change the fold, bump it and update this hash', () => {
    // Snapshots written by an older fold would otherwise be trusted by a build whose fold differs.
    // The pinned runbook is left out: the fold copies it from the event as it is, and schema
    // defaults of the generated runbook may change without the fold changing. This hash is also
    // what the copy-per-event fold this replaced gave for the same log.
    const state = foldEvents('S', generatedLog(42, 2000, { end: 'completed' }));
    const text = encodeState({ ...state, runbook: null });
    const fingerprint = createHash('sha256').update(text).digest('hex');
    expect({ FOLD_VERSION, fingerprint }).toEqual({ FOLD_VERSION: 6, fingerprint: 'e980306f419bfc17bb58ce095634a92a765bf8b6d95e7236c91c6d5c5e498666' });
  });
});
