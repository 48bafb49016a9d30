/**
 * Store access for one driven session: every append is redacted, capped, checked against the
 * lock inside its own transaction (a process that lost the session writes nothing more), made
 * durable, and folded; listeners hear of it only after that.
 */
import { OperatorError } from '../../errors.js';
import { toPlainJson } from '../../state/canonical-json.js';
import { LeaseLostError, type EventStore } from '../../state/event-store.js';
import type { NewEvent, SessionEvent } from '../../state/events.js';
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
}

/** The durable event stream of a session this process drives. */
export class SessionLog {
  private closed = false;

  constructor(private readonly options: SessionLogOptions) {}

  /** Redacts and appends events durably after `state`, and returns the state folded over them with the stored events. */
  append(state: SessionState, events: readonly NewEvent[]): { readonly state: SessionState; readonly stored: readonly SessionEvent[] } {
    if (this.closed) throw new OperatorError(`session ${state.id} is no longer driven by this process`);
    const { store, lock, redactor } = this.options;
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
    return { state: folded, stored };
  }

  /** The session as the log holds it now, written by whichever process drives it (read only). */
  current(sessionId: string): SessionState {
    return loadSessionState(this.options.store, sessionId);
  }

  /** Why this process may no longer write (another took the session over), or null while it may. */
  get lost(): SessionTakenOverError | null {
    return this.options.lock.lost;
  }

  /** Calls `listener` when the session is found taken over (at a heartbeat or a refused append). */
  onLost(listener: (error: SessionTakenOverError) => void): () => void {
    return this.options.lock.onLost(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Gives the lock up; nothing more is written. */
  close(): void {
    this.closed = true;
    this.options.lock.release();
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
