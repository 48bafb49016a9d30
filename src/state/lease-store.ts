/**
 * One driver per session: a lease with a heartbeat and an epoch (a fencing token). The store keeps
 * it beside the log, takes it in one transaction (so two processes racing cannot both win), and
 * every append checks, in its own transaction, that the appender still holds it.
 */

/** Who holds a session's lease. */
export interface LeaseHolder {
  readonly pid: number;
  readonly host: string;
  /** user@host of the operator, when the store records it. */
  readonly operator: string | null;
  readonly since: string;
  readonly heartbeatAt: string;
  /** How long ago the last heartbeat was, by the store's own clock (the server's for a shared store). */
  readonly ageMs: number;
  /** Raised on every take: appends under an older epoch are refused. */
  readonly epoch: number;
}

export interface LeaseRequest {
  readonly pid: number;
  readonly host: string;
  readonly operator: string;
  /** A random token naming this holder. */
  readonly token: string;
  /** The caller's clock; a shared store uses its server's instead, as machines' clocks differ. */
  readonly now: Date;
}

/** Whether a holder still counts: a reason it is gone, or undefined while it is alive. */
export type StaleCheck = (holder: LeaseHolder) => string | undefined;

export interface TakenLease {
  readonly epoch: number;
  /** The holder taken over, with why it no longer counted. */
  readonly takenOver?: LeaseHolder & { readonly reason: string };
}

/** The leases of one store. */
export interface LeaseStore {
  /** The live holder (`now`: the caller's clock, for a store without one of its own). */
  holder(sessionId: string, now: Date): LeaseHolder | undefined;
  /** Takes the lease: free, or held by a holder `stale` says is gone; a live holder makes it throw SessionLockedError. */
  take(sessionId: string, request: LeaseRequest, stale: StaleCheck): TakenLease;
  /** Refreshes the heartbeat; false when the lease is no longer this token's. */
  heartbeat(sessionId: string, token: string, now: Date): boolean;
  /** True while `token` holds the lease (appends ask this inside their transaction). */
  isHeld(sessionId: string, token: string): boolean;
  release(sessionId: string, token: string): void;
}
