/**
 * One process drives a session at a time. The lock is the store's lease (lease-store.ts), taken in
 * a write transaction so two processes racing for it cannot both win. A lease whose process is
 * gone (same host, pid not running) or whose heartbeat is older than a bound is taken over.
 */
import { randomUUID } from 'node:crypto';
import { OperatorError } from '../errors.js';
import type { EventStore } from './event-store.js';
import type { LeaseHolder } from './lease-store.js';

/** Who holds a session's lock. */
export type LockHolder = Pick<LeaseHolder, 'pid' | 'host' | 'since' | 'heartbeatAt'> & Partial<Pick<LeaseHolder, 'operator' | 'epoch'>>;

export interface LockOptions {
  readonly pid: number;
  readonly host: string;
  readonly now: () => Date;
  /** A heartbeat older than this means the holder is gone (another host, a hung or reused pid). */
  readonly staleAfterMs: number;
  /** How often the holder refreshes its heartbeat. */
  readonly heartbeatMs: number;
  /** Whether a process with this pid runs on this host. */
  readonly isAlive: (pid: number) => boolean;
}

/** The session is driven by another live process. Exit 2. */
export class SessionLockedError extends OperatorError {
  constructor(
    sessionId: string,
    readonly holder: LockHolder,
  ) {
    super(
      `session ${sessionId} is open in pid ${holder.pid} on host ${holder.host} since ${holder.since}; continue there, or end that process and run "runbook resume ${sessionId}"`,
    );
    this.name = 'SessionLockedError';
  }
}

/** This process drove the session, but another took it over (its heartbeat had gone stale). */
export class SessionTakenOverError extends OperatorError {
  constructor(
    sessionId: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `session ${sessionId} was taken over by pid ${holder.pid} on host ${holder.host} at ${holder.since}; this process no longer drives it and wrote nothing more; continue there`
        : `session ${sessionId} is no longer held by this process (its lock was released elsewhere); reopen it with "runbook resume ${sessionId}"`,
    );
    this.name = 'SessionTakenOverError';
  }
}

/** True when a process with `pid` exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Default bounds: stale after 60 s (RUNBOOK_LOCK_STALE_SECONDS sets another, e.g. for links that
 * drop for longer), a heartbeat every 5 s or a quarter of that bound when it is shorter.
 */
export function defaultLockOptions(host: string, processEnv: NodeJS.ProcessEnv = {}): LockOptions {
  const seconds = Number(processEnv.RUNBOOK_LOCK_STALE_SECONDS);
  const staleAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
  return { pid: process.pid, host, now: () => new Date(), staleAfterMs, heartbeatMs: Math.min(5_000, staleAfterMs / 4), isAlive: processAlive };
}

/** Why a holder no longer counts, or undefined while it is alive. */
export function staleReason(holder: LockHolder & { readonly ageMs?: number }, options: LockOptions): string | undefined {
  if (holder.host === options.host && !options.isAlive(holder.pid)) return `process ${holder.pid} on ${holder.host} is no longer running`;
  const age = holder.ageMs ?? options.now().getTime() - Date.parse(holder.heartbeatAt);
  if (age > options.staleAfterMs) return `its heartbeat is ${Math.round(age / 1000)}s old (bound ${Math.round(options.staleAfterMs / 1000)}s)`;
  return undefined;
}

/** The current holder of a session's lock, if any (alive or not). */
export function lockHolder(store: EventStore, sessionId: string, now: Date = new Date()): LeaseHolder | undefined {
  return store.leases.holder(sessionId, now);
}

/** A held lock: keeps its heartbeat fresh until released. */
export class SessionLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private lostTo: LockHolder | undefined | null = null;
  private readonly lostListeners = new Set<(error: SessionTakenOverError) => void>();

  constructor(
    private readonly store: EventStore,
    readonly sessionId: string,
    private readonly token: string,
    private readonly options: LockOptions,
    /** The dead holder this lock was taken from, if any. */
    readonly takenOver: (LockHolder & { readonly reason: string }) | undefined,
    /** The lease's epoch: raised by every take, so a later holder's appends fence this one's. */
    readonly epoch: number = 0,
  ) {
    this.timer = setInterval(() => this.heartbeat(), options.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Refreshes the heartbeat; false when the lock is no longer ours, and then tells the listeners
   * who holds the session now. A process paused past the bound learns it here, one heartbeat
   * after it runs again.
   */
  heartbeat(): boolean {
    if (this.released || this.lostTo !== null) return false;
    let held: boolean;
    try {
      held = this.store.leases.heartbeat(this.sessionId, this.token, this.options.now());
    } catch {
      // A busy database delays one heartbeat; the bound allows for many.
      return true;
    }
    if (!held) this.markLost();
    return held;
  }

  /** What an append presents: the store checks it inside the append's transaction. */
  get lease(): { readonly token: string; readonly epoch: number } {
    return { token: this.token, epoch: this.epoch };
  }

  /** Records that the store refused this lease (an append found it taken) and returns the error naming who holds it now. */
  lostNow(): SessionTakenOverError {
    this.markLost();
    return new SessionTakenOverError(this.sessionId, this.lostTo ?? undefined);
  }

  /** The error saying who took the session over, once this process has lost it (else null). */
  get lost(): SessionTakenOverError | null {
    return this.lostTo === null ? null : new SessionTakenOverError(this.sessionId, this.lostTo);
  }

  /** Calls `listener` once when the lock is found lost; returns the unsubscribe. */
  onLost(listener: (error: SessionTakenOverError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private markLost(): void {
    if (this.lostTo !== null) return;
    this.lostTo = lockHolder(this.store, this.sessionId, this.options.now());
    if (this.timer) clearInterval(this.timer);
    const error = new SessionTakenOverError(this.sessionId, this.lostTo);
    // Deferred: assertHeld runs inside an append's transaction, and listeners may read the store.
    queueMicrotask(() => {
      for (const listener of this.lostListeners) listener(error);
    });
  }

  /** Stops the heartbeat without a word to the store, which cannot be reached: the lease goes stale there and is taken over after its bound. */
  abandon(): void {
    this.released = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Gives the session up. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    if (this.lostTo === null) {
      try {
        this.store.leases.release(this.sessionId, this.token);
      } catch {
        // A closed or unreachable store: the lease goes stale and is taken over after its bound.
      }
    }
  }
}

/** Takes a session's lock, taking over a dead holder's; throws SessionLockedError when a live process holds it. */
export function acquireLock(store: EventStore, sessionId: string, options: LockOptions & { readonly operator?: string }): SessionLock {
  const token = randomUUID();
  const request = { pid: options.pid, host: options.host, operator: options.operator ?? '', token, now: options.now() };
  const taken = store.leases.take(sessionId, request, (holder) => staleReason(holder, options));
  return new SessionLock(store, sessionId, token, options, taken.takenOver, taken.epoch);
}
