/**
 * Snapshots of a session's folded state (schema 2), a cache that lets resume fold only the tail
 * of a long log. A snapshot is keyed by (session, seq) and carries the hash of event
 * `seq`; it is used only while that event still has that hash, its fold version is this build's
 * and its checksum matches. Anything else is ignored and the events are folded instead: deleting
 * every snapshot changes nothing but speed. Export and verify never read them.
 *
 * A snapshot holds nothing the events do not: the state is a fold of redacted events.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { NoteList, SessionState } from './session-state.js';

/**
 * Version of the fold's output. Bump it whenever `evolve` gives a different state for the same
 * events or SessionState changes shape, so that snapshots written by an older build are ignored.
 * test/state/snapshot-format.test.ts fails when the fold's output changes without a bump.
 */
export const FOLD_VERSION = 6;

/** Fewest events between two snapshots of a session. */
export const SNAPSHOT_MIN_INTERVAL = 1000;

/** Snapshots kept per session (the newest); older ones are deleted when a new one is written. */
const KEPT = 2;

/**
 * Whether a session at `seq` whose newest snapshot is at `snapshotSeq` (0: none) is due a new
 * one: every SNAPSHOT_MIN_INTERVAL events, and then every tenth of the log, so the state (which
 * grows with the log, e.g. its notes) is rewritten a bounded number of times per event and the
 * tail a resume folds stays under a tenth of the log.
 */
export function snapshotDue(snapshotSeq: number, seq: number): boolean {
  return seq - snapshotSeq >= Math.max(SNAPSHOT_MIN_INTERVAL, Math.floor(seq / 10));
}

/** A stored snapshot's key, without its (large) state. */
export interface SnapshotKey {
  readonly seq: number;
  readonly eventHash: string;
  readonly foldVersion: number;
}

/** The snapshots table of one database. */
export class SnapshotTable {
  private readonly selectKeys: Database.Statement;
  private readonly selectState: Database.Statement;
  private readonly selectLatestSeq: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly deleteOlder: Database.Statement;
  private readonly deleteSession: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.selectKeys = db.prepare(
      'SELECT seq, event_hash AS eventHash, fold_version AS foldVersion FROM snapshots WHERE session_id = ? ORDER BY seq DESC',
    );
    this.selectState = db.prepare('SELECT state, checksum FROM snapshots WHERE session_id = ? AND seq = ?');
    this.selectLatestSeq = db.prepare('SELECT max(seq) AS seq FROM snapshots WHERE session_id = ?').pluck();
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO snapshots (session_id, seq, event_hash, fold_version, state, checksum) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.deleteOlder = db.prepare(
      'DELETE FROM snapshots WHERE session_id = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE session_id = ? ORDER BY seq DESC LIMIT ?)',
    );
    this.deleteSession = db.prepare('DELETE FROM snapshots WHERE session_id = ?');
  }

  /** The session's snapshots, newest first. */
  keys(sessionId: string): SnapshotKey[] {
    return this.selectKeys.all(sessionId) as SnapshotKey[];
  }

  /** Seq of the session's newest snapshot, 0 when it has none. */
  latestSeq(sessionId: string): number {
    return (this.selectLatestSeq.get(sessionId) as number | null) ?? 0;
  }

  /** The state stored under `key` when its checksum matches; undefined otherwise. */
  load(sessionId: string, key: SnapshotKey): SessionState | undefined {
    const row = this.selectState.get(sessionId, key.seq) as { state: string; checksum: string } | undefined;
    if (!row || row.checksum !== snapshotChecksum(sessionId, key, row.state)) return undefined;
    try {
      return decodeState(row.state);
    } catch {
      return undefined;
    }
  }

  /** Stores `state` (folded up to its lastSeq) and drops older snapshots beyond the newest few. */
  write(state: SessionState): void {
    if (state.lastSeq < 1 || state.lastHash === null) return;
    const key: SnapshotKey = { seq: state.lastSeq, eventHash: state.lastHash, foldVersion: FOLD_VERSION };
    const text = encodeState(state);
    this.db.transaction(() => {
      this.insert.run(state.id, key.seq, key.eventHash, key.foldVersion, text, snapshotChecksum(state.id, key, text));
      this.deleteOlder.run(state.id, state.id, KEPT);
    })();
  }

  /** Deletes every snapshot of a session (they are a cache: nothing but speed changes). */
  deleteAll(sessionId: string): void {
    this.deleteSession.run(sessionId);
  }
}

/**
 * Binds the state text to its key, so a snapshot edited or copied under another session, seq or
 * event is not used. Not a secret-keyed MAC: whoever can rewrite the database can rewrite the
 * events too (verify against an exported head catches that), so it guards against corruption and
 * stale or hand-edited rows, not against a forger.
 */
export function snapshotChecksum(sessionId: string, key: SnapshotKey, text: string): string {
  return createHash('sha256').update(`${sessionId}\n${key.seq}\n${key.eventHash}\n${key.foldVersion}\n`).update(text).digest('hex');
}

/** JSON of the state; the notes list becomes an array (oldest first), as a deep list would overflow JSON.stringify. */
export function encodeState(state: SessionState): string {
  const notes: NoteList['note'][] = new Array(state.noteCount);
  let index = state.noteCount;
  for (let node = state.notes; node; node = node.previous) notes[--index] = node.note;
  if (index !== 0) throw new Error(`bug: noteCount ${state.noteCount} does not match the notes list`);
  return JSON.stringify({ ...state, notes });
}

/** The inverse of encodeState. */
export function decodeState(text: string): SessionState {
  const decoded = JSON.parse(text) as Omit<SessionState, 'notes'> & { notes: NoteList['note'][] };
  if (!decoded || typeof decoded !== 'object' || !Array.isArray(decoded.notes) || decoded.notes.length !== decoded.noteCount) {
    throw new Error('not a snapshot of a session state');
  }
  let notes: NoteList | null = null;
  for (const note of decoded.notes) notes = { note, previous: notes };
  return { ...decoded, notes };
}
