/**
 * Where an action stands with its four-eyes approval at a moment: the rule `decide` enforces
 * before an intent, and what the screen, the headless run and `runbook approvals` show. Pure:
 * the moment is given, so expiry is tested without waiting.
 */
import type { ApprovalRule } from '../runbooks/approval-rule.js';
import type { ApprovalDecision, ApprovalRequest, StepState } from './session-state.js';

export type ApprovalStatus =
  | { readonly kind: 'not-required' }
  /** Needed, but no request asks about the current preview (none yet, or the last one was used by a run). */
  | { readonly kind: 'not-requested'; readonly rule: ApprovalRule }
  | {
      readonly kind: 'pending';
      readonly rule: ApprovalRule;
      readonly request: ApprovalRequest;
      /** Approvals that count now (one per operator, the newest). */
      readonly approvals: readonly ApprovalDecision[];
      /** Approvals that counted once and have expired. */
      readonly expired: readonly ApprovalDecision[];
    }
  | {
      readonly kind: 'approved';
      readonly rule: ApprovalRule;
      readonly request: ApprovalRequest;
      readonly approvals: readonly ApprovalDecision[];
      /** When fewer than the required approvals will still count. */
      readonly expiresAt: string;
    }
  | { readonly kind: 'rejected'; readonly rule: ApprovalRule; readonly request: ApprovalRequest; readonly rejection: ApprovalDecision };

/**
 * The step's approval status at `now`. `driver`, the operator driving the session now, is left
 * out of the count: an approver who took the session over since does not approve their own run.
 */
export function approvalStatus(step: StepState, now: Date, driver?: string): ApprovalStatus {
  const rule = step.approvalRule;
  if (rule === null) return { kind: 'not-required' };
  const request = currentRequest(step);
  if (!request) return { kind: 'not-requested', rule };
  const rejection = request.decisions.find((decision) => decision.kind === 'rejected' && decision.void === null);
  if (rejection) return { kind: 'rejected', rule, request, rejection };
  // One per operator: the newest of each counts (approving again renews it).
  const newest = new Map<string, ApprovalDecision>();
  for (const decision of request.decisions) {
    if (decision.kind === 'approved' && decision.void === null && decision.by !== driver) newest.set(decision.role ?? decision.by, decision);
  }
  const at = now.getTime();
  const approvals = [...newest.values()].filter((decision) => Date.parse(decision.expiresAt ?? '') > at);
  const expired = [...newest.values()].filter((decision) => !approvals.includes(decision));
  if (approvals.length < request.required) return { kind: 'pending', rule, request, approvals, expired };
  const expiries = approvals.map((decision) => decision.expiresAt!).sort().reverse();
  return { kind: 'approved', rule, request, approvals, expiresAt: expiries[request.required - 1]! };
}

/** The request that asks about the step's current preview and has not been used by a run yet, if any. */
export function currentRequest(step: StepState): ApprovalRequest | null {
  const request = step.approval;
  if (!request || step.previewHash === null || request.hash !== step.previewHash) return null;
  if (request.usedAt !== null || request.attempt !== step.attempt) return null;
  return request;
}

/** True while the step may not be confirmed and run yet because of its approval (waiting, rejected, expired, or not asked). */
export function blockedByApproval(step: StepState, now: Date): boolean {
  const kind = approvalStatus(step, now).kind;
  return kind !== 'not-required' && kind !== 'approved';
}
