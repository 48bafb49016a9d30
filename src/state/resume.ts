/**
 * Loading a session's state for resume: the newest snapshot that still matches the log, with
 * the events after it folded on; the whole log folded when no snapshot matches. Both give the
 * state `foldEvents(id, store.read(id))` gives (test/state/snapshot.test.ts checks it).
 */
import type { EventStore } from './event-store.js';
import { foldEvents, foldFrom, type SessionState } from './session-state.js';
import { FOLD_VERSION, type SnapshotKey } from './snapshots.js';

/** The session's folded state as of its last event (lastSeq 0 when it has no events). */
export function loadSessionState(store: EventStore, sessionId: string): SessionState {
  return resumeState(store, sessionId).state;
}

/** A loaded state and where it came from. */
export interface ResumedState {
  readonly state: SessionState;
  /** Seq of the snapshot the tail was folded onto; null when the whole log was folded. */
  readonly snapshotSeq: number | null;
  /** How many events were folded. */
  readonly folded: number;
}

/** Like loadSessionState, and says whether a snapshot was used (for tests and the benchmark). */
export function resumeState(store: EventStore, sessionId: string): ResumedState {
  for (const key of store.snapshots.keys(sessionId)) {
    const snapshot = matchingSnapshot(store, sessionId, key);
    if (!snapshot) continue;
    const tail = store.readAfter(sessionId, key.seq);
    return { state: foldFrom(snapshot, tail), snapshotSeq: key.seq, folded: tail.length };
  }
  const events = store.read(sessionId);
  return { state: foldEvents(sessionId, events), snapshotSeq: null, folded: events.length };
}

/**
 * The snapshot's state when it is still a fold of this log: written by this fold version, its
 * event still has the hash it was taken at (so nothing up to it was edited, removed or
 * replaced without the chain breaking there), its checksum matches and it describes that event.
 */
function matchingSnapshot(store: EventStore, sessionId: string, key: SnapshotKey): SessionState | undefined {
  if (key.foldVersion !== FOLD_VERSION) return undefined;
  if (store.eventHash(sessionId, key.seq) !== key.eventHash) return undefined;
  const state = store.snapshots.load(sessionId, key);
  if (!state || state.id !== sessionId || state.lastSeq !== key.seq || state.lastHash !== key.eventHash) return undefined;
  return state;
}
