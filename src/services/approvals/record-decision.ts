/**
 * An approver's decision, appended to the session's own log by the approver's process.
 *
 * Why the same event stream, appended without the driver's lease: the decision belongs in the
 * session's hash chain, so the audit trail proves who approved which preview and nothing can be
 * slipped in or removed beside it; on a shared store the server stamps it with the approver's
 * database role, which is what tells approver and requester apart. The driver keeps its lease
 * (an approver never drives the session): the store orders the two writers with its
 * expected-sequence check in the append's transaction, so a decision and a driver's append
 * never both get the same seq. Whichever loses reads the other's event and decides again — here
 * by refolding the log; the driver's DrivenSession does the same, and while it waits for a
 * decision it reads its store every half second (DrivenSession.refresh / awaitApproval). A
 * separate approvals table would have needed a second, unchained record and a second
 * implementation per store, for no gain in ordering.
 */
import { decide, type Command } from '../../state/decide.js';
import { approvalStatus, type ApprovalStatus } from '../../state/approval-status.js';
import { ConcurrentAppendError, type EventStore } from '../../state/event-store.js';
import type { SessionEvent } from '../../state/events.js';
import { foldEvents, type ApprovalDecision, type SessionState } from '../../state/session-state.js';
import { CommandRefusedError } from '../session/driven-session.js';

/** What the approver decided, on the preview hash they were shown. */
export type Decision =
  | { readonly kind: 'approve'; readonly typed: string | null; readonly reason: string | null }
  | { readonly kind: 'reject'; readonly reason: string };

export interface DecisionRequest {
  readonly sessionId: string;
  readonly stepId: string;
  /** The preview hash shown to the approver: a preview changed since then is refused. */
  readonly hash: string;
  readonly decision: Decision;
  /** user@host of the approver. */
  readonly actor: string;
  readonly now?: () => Date;
}

export interface RecordedDecision {
  /** The session folded from its log as stored, the decision included. */
  readonly state: SessionState;
  readonly event: SessionEvent;
  /** The decision as the fold counts it. */
  readonly decision: ApprovalDecision | undefined;
  /** The step's approval status after it. */
  readonly status: ApprovalStatus;
}

/** Appends the decision (no lease; retried when another writer appended first) and reads it back. */
export function recordDecision(store: EventStore, request: DecisionRequest): RecordedDecision {
  const now = request.now ?? (() => new Date());
  for (let tries = 1; ; tries++) {
    const state = foldEvents(request.sessionId, store.read(request.sessionId));
    const at = now().toISOString();
    const command: Command =
      request.decision.kind === 'approve'
        ? { type: 'ApproveAction', stepId: request.stepId, hash: request.hash, by: request.actor, reason: request.decision.reason, typed: request.decision.typed, at }
        : { type: 'RejectAction', stepId: request.stepId, hash: request.hash, by: request.actor, reason: request.decision.reason };
    const decision = decide(state, command);
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    let stored: SessionEvent[];
    try {
      stored = store.append(request.sessionId, decision.events, { expectedLastSeq: state.lastSeq, expectedLastHash: state.lastHash, actor: request.actor, at });
    } catch (error) {
      // The driver (or another approver) appended first: decide again on the log as it is now.
      if (error instanceof ConcurrentAppendError && tries < 5) continue;
      throw error;
    }
    const event = stored[0]!;
    // Read back as stored: on a shared store the server stamped the role that decides whether it counts.
    const after = foldEvents(request.sessionId, store.read(request.sessionId));
    const step = after.steps[request.stepId]!;
    return {
      state: after,
      event,
      decision: step.approval?.decisions.find((candidate) => candidate.seq === event.seq),
      status: approvalStatus(step, now(), after.driver),
    };
  }
}
