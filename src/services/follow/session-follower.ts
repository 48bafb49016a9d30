/**
 * Following a session driven elsewhere (`runbook follow S`): the follower reads the log only,
 * never the lease. Whenever it is told something changed (a notification, a poll) and whenever it
 * connects again, it catches up by sequence number (every event after the last one it folded), so
 * a lost notification costs a moment, never an event.
 */
import type { EventStore } from '../../state/event-store.js';
import type { SessionEvent } from '../../state/events.js';
import { loadSessionState } from '../../state/resume.js';
import { foldFrom, type SessionState } from '../../state/session-state.js';

/** Something that says when the log may have grown; it returns how to stop listening. */
export type ChangeSignal = (onChange: () => void, onProblem: (problem: string | null) => void) => () => void;

export class SessionFollower {
  private current: SessionState;
  private readonly listeners = new Set<(state: SessionState, events: readonly SessionEvent[], problem: string | null) => void>();
  private stopSignal: (() => void) | undefined;
  private problem: string | null = null;

  constructor(
    private readonly store: EventStore,
    readonly sessionId: string,
    private readonly signal: ChangeSignal,
  ) {
    this.current = loadSessionState(store, sessionId);
  }

  get state(): SessionState {
    return this.current;
  }

  subscribe(listener: (state: SessionState, events: readonly SessionEvent[], problem: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.stopSignal) return;
    this.stopSignal = this.signal(
      () => this.catchUp(),
      (problem) => {
        this.problem = problem;
        // A reconnect clears the problem: catch up on what was missed meanwhile.
        if (problem === null) this.catchUp();
        else this.tell([]);
      },
    );
    this.catchUp();
  }

  stop(): void {
    this.stopSignal?.();
    this.stopSignal = undefined;
  }

  /** Folds every event after the last one seen. */
  catchUp(): void {
    let events: SessionEvent[];
    try {
      events = this.store.readAfter(this.sessionId, this.current.lastSeq);
    } catch (error) {
      this.problem = `cannot read the log: ${(error as Error).message}`;
      this.tell([]);
      return;
    }
    if (events.length === 0) return;
    this.current = foldFrom(this.current, events);
    this.tell(events);
  }

  private tell(events: readonly SessionEvent[]): void {
    for (const listener of this.listeners) listener(this.current, events, this.problem);
  }
}

/** For the SQLite file: look again every `intervalMs`. */
export function pollingSignal(intervalMs = 250): ChangeSignal {
  return (onChange) => {
    const timer = setInterval(onChange, intervalMs);
    return () => clearInterval(timer);
  };
}
