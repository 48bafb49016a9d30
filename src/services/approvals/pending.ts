/**
 * The approval requests waiting for a decision, across every open session of a store: what
 * `runbook approvals` lists and what `approve` / `reject` look up. Read only: it folds each
 * open session's log and never touches a lease.
 */
import { OperatorError } from '../../errors.js';
import { approvalStatus, type ApprovalStatus } from '../../state/approval-status.js';
import type { EventStore } from '../../state/event-store.js';
import { loadSessionState } from '../../state/resume.js';
import type { ApprovalDecision, ApprovalRequest, SessionState, StepState } from '../../state/session-state.js';
import { resolveSessionId } from '../../state/sessions.js';
import { approveCommand } from './approve-command.js';

/** One request waiting for a decision. */
export interface PendingApproval {
  readonly session: string;
  readonly runbook: string;
  readonly env: string;
  readonly protected: boolean;
  readonly incident: string | null;
  readonly step: string;
  readonly title: string;
  readonly hash: string;
  readonly summary: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly required: number;
  readonly because: string;
  /** Approvals that count now. */
  readonly approvals: readonly ApprovalDecision[];
  /** Approvals that counted and have expired. */
  readonly expired: readonly ApprovalDecision[];
  /** The line that approves it. */
  readonly command: string;
}

/** A step whose request waits for a decision, as its session's fold has it. */
export interface ApprovalTarget {
  readonly state: SessionState;
  readonly step: StepState;
  readonly request: ApprovalRequest;
  readonly status: Extract<ApprovalStatus, { kind: 'pending' }>;
}

/** Every waiting request of the store's open sessions, oldest first. */
export function pendingApprovals(store: EventStore, now: Date): PendingApproval[] {
  const pending: PendingApproval[] = [];
  for (const row of store.sessions()) {
    if (row.state !== 'open') continue;
    const state = loadSessionState(store, row.id);
    for (const target of waitingIn(state, now)) pending.push(describe(store, target));
  }
  return pending.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.session.localeCompare(b.session));
}

/**
 * The request `approve S [STEP]` / `reject S STEP` decides: the step named, or the session's only
 * waiting one. An OperatorError (exit 2) says what is waiting instead when that is not one request.
 */
export function findApprovalTarget(store: EventStore, typedSession: string, stepId: string | undefined, now: Date): ApprovalTarget {
  const id = resolveSessionId(store, typedSession);
  const state = loadSessionState(store, id);
  if (state.status !== 'open') throw new OperatorError(`session ${id} is ${state.status}: nothing in it waits for approval`);
  const waiting = waitingIn(state, now);
  if (stepId !== undefined) {
    const step = state.steps[stepId];
    if (!step) throw new OperatorError(`runbook "${state.runbook?.id}" of session ${id} has no step "${stepId}"`);
    const found = waiting.find((target) => target.step.id === stepId);
    if (found) return found;
    throw new OperatorError(`step "${stepId}" of session ${id} does not wait for approval (${notWaiting(step, now)})${waitingList(waiting)}`);
  }
  if (waiting.length === 1) return waiting[0]!;
  if (waiting.length === 0) throw new OperatorError(`nothing in session ${id} waits for approval; list every request with "runbook approvals"`);
  throw new OperatorError(`session ${id} has ${waiting.length} actions waiting for approval: name the step${waitingList(waiting)}`);
}

function waitingIn(state: SessionState, now: Date): ApprovalTarget[] {
  const targets: ApprovalTarget[] = [];
  for (const id of state.order) {
    const step = state.steps[id]!;
    if (step.status === 'done' || step.status === 'skipped') continue;
    const status = approvalStatus(step, now, state.driver);
    if (status.kind === 'pending') targets.push({ state, step, request: status.request, status });
  }
  return targets;
}

function describe(store: EventStore, { state, step, request, status }: ApprovalTarget): PendingApproval {
  return {
    session: state.id,
    runbook: state.runbook?.id ?? '',
    env: state.env,
    protected: state.protected,
    incident: state.incident,
    step: step.id,
    title: step.title,
    hash: request.hash,
    summary: step.preview?.summary ?? '',
    requestedBy: request.requester,
    requestedAt: request.requestedAt,
    required: request.required,
    because: request.because,
    approvals: status.approvals,
    expired: status.expired,
    command: approveCommand(store, state.id, step.id),
  };
}

function notWaiting(step: StepState, now: Date): string {
  const status = approvalStatus(step, now);
  switch (status.kind) {
    case 'not-required':
      return 'it needs no approval';
    case 'not-requested':
      return 'no request asks about its current preview';
    case 'approved':
      return `approved by ${status.approvals.map((decision) => decision.by).join(', ')}`;
    case 'rejected':
      return `rejected by ${status.rejection.by}`;
    case 'pending':
      return 'it waits';
  }
}

function waitingList(waiting: readonly ApprovalTarget[]): string {
  return waiting.length === 0 ? '' : `; waiting: ${waiting.map((target) => target.step.id).join(', ')}`;
}
