/**
 * Every approval request of a session as the exports list it: the preview hash it was bound to,
 * who asked and why, each decision (approver, database role, reason, how long it waited, whether
 * it counted) and how the request ended. Taken from the fold after each approval event, so the
 * export counts decisions exactly as the rule that let the action run did.
 */
import type { SessionEvent } from '../events.js';
import type { ApprovalDecision, ApprovalRequest, SessionState } from '../session-state.js';

export interface ApprovalRecordDecision extends ApprovalDecision {
  /** From the request to this decision. */
  readonly waitedMs: number;
}

export interface ApprovalRecord {
  readonly step: string;
  readonly hash: string;
  readonly seq: number;
  readonly requestedAt: string;
  readonly requestedBy: string;
  readonly requesterRole: string | null;
  readonly required: number;
  readonly because: string;
  readonly decisions: readonly ApprovalRecordDecision[];
  /**
   * ran: approved and the action ran under it; approved: approved, not run (yet); rejected;
   * superseded: a new preview asked anew before enough approvals came; pending: still waiting.
   */
  readonly outcome: 'ran' | 'approved' | 'rejected' | 'superseded' | 'pending';
  /** When the action's intent was recorded under it, else null. */
  readonly usedAt: string | null;
  /** From the request to the decision that settled it (the last approval needed, or the rejection); null while unsettled. */
  readonly waitedMs: number | null;
}

const APPROVAL_EVENTS: ReadonlySet<string> = new Set(['ApprovalRequested', 'ActionApproved', 'ActionRejected', 'ActionIntended']);

/** Collects the requests while the record folds its events: call `seen` after each event is folded. */
export class ApprovalHistory {
  private readonly requests = new Map<string, { readonly request: ApprovalRequest; superseded: boolean }>();
  private readonly latest = new Map<string, string>();

  seen(event: SessionEvent, state: SessionState): void {
    if (!APPROVAL_EVENTS.has(event.type) || event.stepId === null) return;
    const request = state.steps[event.stepId]?.approval;
    if (!request) return;
    const key = `${event.stepId}#${request.seq}`;
    const previous = this.latest.get(event.stepId);
    if (previous !== undefined && previous !== key) {
      const entry = this.requests.get(previous)!;
      entry.superseded = true;
    }
    this.latest.set(event.stepId, key);
    this.requests.set(key, { request, superseded: this.requests.get(key)?.superseded ?? false });
  }

  /** The requests in the order they were made. */
  records(): ApprovalRecord[] {
    return [...this.requests.entries()].map(([key, { request, superseded }]) => toRecord(key.slice(0, key.lastIndexOf('#')), request, superseded));
  }
}

function toRecord(step: string, request: ApprovalRequest, superseded: boolean): ApprovalRecord {
  const requested = Date.parse(request.requestedAt);
  const decisions = request.decisions.map((decision) => ({ ...decision, waitedMs: Date.parse(decision.at) - requested }));
  const rejection = decisions.find((decision) => decision.kind === 'rejected' && decision.void === null);
  const approvers = new Set<string>();
  let settledBy: ApprovalRecordDecision | undefined = rejection;
  for (const decision of decisions) {
    if (rejection || decision.kind !== 'approved' || decision.void !== null) continue;
    approvers.add(decision.role ?? decision.by);
    if (approvers.size === request.required && !settledBy) settledBy = decision;
  }
  const outcome: ApprovalRecord['outcome'] = rejection
    ? 'rejected'
    : request.usedAt !== null
      ? 'ran'
      : approvers.size >= request.required
        ? 'approved'
        : superseded
          ? 'superseded'
          : 'pending';
  return {
    step,
    hash: request.hash,
    seq: request.seq,
    requestedAt: request.requestedAt,
    requestedBy: request.requester,
    requesterRole: request.requesterRole,
    required: request.required,
    because: request.because,
    decisions,
    outcome,
    usedAt: request.usedAt,
    waitedMs: settledBy ? settledBy.waitedMs : null,
  };
}
