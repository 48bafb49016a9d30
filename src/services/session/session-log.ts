/**
 * Store access for one driven session: every append is redacted, capped, checked against the
 * lock inside its own transaction (a process that lost the session writes nothing more), made
 * durable, and folded; listeners hear of it only after that. On a shared store the log also keeps
 * a copy of every event it has seen, so that when the store becomes unreachable the session can
 * go on in this machine's local log from exactly where it was (`moveTo`).
 */
import { OperatorError } from '../../errors.js';
import { toPlainJson } from '../../state/canonical-json.js';
import { LeaseLostError, type EventStore, type SqliteEventStore } from '../../state/event-store.js';
import type { NewEvent, RawEvent, SessionEvent } from '../../state/events.js';
import type { SessionLock, SessionTakenOverError } from '../../state/lock.js';
import type { Redactor } from '../../state/redact.js';
import { loadSessionState } from '../../state/resume.js';
import { evolve, type SessionState } from '../../state/session-state.js';

/** Longest string kept in an event (shell output is capped; the artifact holds the rest). */
const MAX_STRING = 64 * 1024;

export interface SessionLogOptions {
  readonly store: EventStore;
  readonly lock: SessionLock;
  readonly redactor: Redactor;
  readonly actor: string;
  readonly now: () => Date;
  /** The session's events as stored when it was opened (kept only on a shared store; see `moveTo`). */
  readonly events?: readonly RawEvent[];
}

/** The durable event stream of a session this process drives. */
export class SessionLog {
  private closed = false;
  private storeNow: EventStore;
  private lock: SessionLock;
  /** Every event of the session this process has seen, as stored: null on the local file, which needs no copy. */
  private seen: RawEvent[] | null;
  private readonly lostListeners = new Set<(error: SessionTakenOverError) => void>();
  private unsubscribeLock: () => void;

  constructor(private readonly options: SessionLogOptions) {
    this.storeNow = options.store;
    this.lock = options.lock;
    this.seen = options.store.kind === 'postgres' ? [...(options.events ?? [])] : null;
    this.unsubscribeLock = this.listenTo(options.lock);
  }

  /** The store the log writes to now. */
  get store(): EventStore {
    return this.storeNow;
  }

  /** Redacts and appends events durably after `state`, and returns the state folded over them with the stored events. */
  append(state: SessionState, events: readonly NewEvent[]): { readonly state: SessionState; readonly stored: readonly SessionEvent[] } {
    if (this.closed) throw new OperatorError(`session ${state.id} is no longer driven by this process`);
    const { redactor } = this.options;
    const store = this.storeNow;
    const lock = this.lock;
    const clean = events.map((event) => ({ ...event, data: capStrings(redactor.redact(toPlainJson(event.data))) }) as NewEvent);
    let folded = state;
    let stored: SessionEvent[];
    try {
      stored = store.append(state.id, clean, {
        expectedLastSeq: state.lastSeq,
        expectedLastHash: state.lastHash,
        actor: this.options.actor,
        at: this.options.now().toISOString(),
        lease: lock.lease,
        fold: (appended) => {
          for (const event of appended) folded = evolve(folded, event);
          return folded;
        },
      });
    } catch (error) {
      // Another process took the session over: say who, and write nothing more.
      if (error instanceof LeaseLostError) throw lock.lostNow();
      throw error;
    }
    this.seen?.push(...stored);
    return { state: folded, stored };
  }

  /** The events other processes appended after `afterSeq` (approvers do, without the lease). */
  readAfter(sessionId: string, afterSeq: number): SessionEvent[] {
    const events = this.storeNow.readAfter(sessionId, afterSeq);
    if (this.seen && events.length > 0 && events[0]!.seq === this.seen.length + 1) this.seen.push(...events);
    return events;
  }

  /** Every event of the session as the store holds it now. */
  read(sessionId: string): SessionEvent[] {
    return this.storeNow.read(sessionId);
  }

  /**
   * Goes on in `local` (this machine's SQLite file) because the shared store cannot be reached:
   * copies the events seen so far into it as they were hashed, and holds `lock` there from now
   * on. The shared store's lease is left to go stale (the store cannot be told). A local file
   * that already has a different copy of the session (an earlier branch not pushed) is refused.
   */
  moveTo(local: SqliteEventStore, lock: SessionLock, sessionId: string): void {
    if (!this.seen) throw new OperatorError(`session ${sessionId} is already in the local log ${this.storeNow.location}`);
    const head = local.session(sessionId);
    if (head && (head.lastSeq > this.seen.length || this.seen[head.lastSeq - 1]?.hash !== head.lastHash)) {
      throw new OperatorError(
        `the local log ${local.location} already holds another copy of session ${sessionId} (it left the shared store's log before event ${head.lastSeq}); push it first with "runbook push ${sessionId}" or name another local log with --db`,
      );
    }
    local.importEvents(sessionId, this.seen.slice(head?.lastSeq ?? 0));
    this.lock.abandon();
    this.unsubscribeLock();
    this.storeNow = local;
    this.lock = lock;
    this.unsubscribeLock = this.listenTo(lock);
    this.seen = null;
  }

  /** The session as the log holds it now, written by whichever process drives it (read only). */
  current(sessionId: string): SessionState {
    return loadSessionState(this.storeNow, sessionId);
  }

  /** Why this process may no longer write (another took the session over), or null while it may. */
  get lost(): SessionTakenOverError | null {
    return this.lock.lost;
  }

  /** Calls `listener` when the session is found taken over (at a heartbeat or a refused append). */
  onLost(listener: (error: SessionTakenOverError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private listenTo(lock: SessionLock): () => void {
    return lock.onLost((error) => {
      for (const listener of this.lostListeners) listener(error);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Gives the lock up; nothing more is written. */
  close(): void {
    this.closed = true;
    this.lock.release();
  }
}

function capStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… [${value.length - MAX_STRING} more characters not recorded]` : value;
  if (Array.isArray(value)) return value.map(capStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item)]));
  }
  return value;
}
