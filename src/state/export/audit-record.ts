/**
 * The audit record every export format renders: the session's facts, its events exactly as
 * stored (so a JSON export can be verified), the folded state, and a per-step summary.
 */
import { OperatorError } from '../../errors.js';
import type { EventStore, KeptBranch } from '../event-store.js';
import { drillResult, type DrillResult } from '../drill-result.js';
import { validateEvent, type RawEvent } from '../events.js';
import { evolve, initialState, type SessionState } from '../session-state.js';
import { ApprovalHistory, type ApprovalRecord } from './approval-history.js';
import { branchRecord, type BranchRecord } from './kept-branches.js';

export interface AuditSession {
  readonly id: string;
  readonly runbook: string;
  readonly runbookTitle: string;
  readonly env: string;
  readonly drill: boolean;
  readonly incident: string | null;
  readonly operator: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly status: SessionState['status'];
  readonly runbookHash: string | null;
  readonly productVersion: string;
  readonly lastSeq: number;
  readonly lastHash: string | null;
}

export interface StepSummary {
  readonly id: string;
  readonly title: string;
  readonly section: string;
  readonly kind: string;
  readonly status: 'done' | 'skipped' | 'failed' | 'in-flight' | 'open' | 'pending';
  readonly durationMs: number | null;
}

/** A drill's result as exports show it (src/state/drill-result.ts defines pass/fail). */
export type DrillSummary = DrillResult;

export interface AuditRecord {
  readonly session: AuditSession;
  readonly events: readonly RawEvent[];
  readonly state: SessionState;
  readonly steps: readonly StepSummary[];
  readonly drill: DrillSummary | null;
  /** Every approval request with its decisions, in the order they were made. */
  readonly approvals: readonly ApprovalRecord[];
  /** Local logs kept beside this one after they diverged from it, oldest push first; never folded into `state`. */
  readonly branches: readonly BranchRecord[];
}

/** Reads and folds a session into its audit record. */
export function loadAuditRecord(store: EventStore, sessionId: string): AuditRecord {
  const events = store.readRaw(sessionId);
  if (events.length === 0) throw new OperatorError(`session ${sessionId} has no events`);
  return buildAuditRecord(sessionId, events, store.branches(sessionId));
}

/** Builds the record from a session's stored events and the branches kept beside them. */
export function buildAuditRecord(sessionId: string, events: readonly RawEvent[], branches: readonly KeptBranch[] = []): AuditRecord {
  let state = initialState(sessionId);
  const approvals = new ApprovalHistory();
  for (const event of events) {
    const valid = validateEvent(event);
    state = evolve(state, valid);
    approvals.seen(valid, state);
  }
  const steps: StepSummary[] = state.order.map((id) => {
    const step = state.steps[id]!;
    const status: StepSummary['status'] =
      step.status === 'done' || step.status === 'skipped' || step.status === 'failed' || step.status === 'in-flight' || step.status === 'pending'
        ? step.status
        : 'open';
    return { id, title: step.title, section: step.sectionId, kind: step.kind, status, durationMs: step.durationMs };
  });
  const drill: DrillSummary | null = drillResult(state);
  return {
    session: {
      id: sessionId,
      runbook: state.runbook?.id ?? '',
      runbookTitle: state.runbook?.title ?? '',
      env: state.env,
      drill: state.drill,
      incident: state.incident,
      operator: state.operator,
      startedAt: state.startedAt,
      endedAt: state.endedAt,
      status: state.status,
      runbookHash: state.runbookHash,
      productVersion: state.productVersion,
      lastSeq: state.lastSeq,
      lastHash: state.lastHash,
    },
    events,
    state,
    steps,
    drill,
    approvals: approvals.records(),
    branches: branches.map((branch) => branchRecord(sessionId, branch, events)),
  };
}

/** A duration for people: 850 ms, 12.3 s, 4 min 05 s, 1 h 02 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
