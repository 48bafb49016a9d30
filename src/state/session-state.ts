/**
 * A session's state is a pure fold of its events: `events.reduce(evolve, initialState(id))`.
 * Resume is that fold, continued from a snapshot of it when one still matches the log
 * (resume.ts); a snapshot is only a cache of the fold, never a second source of truth.
 */
import { approvalRule, type ApprovalRule } from '../runbooks/approval-rule.js';
import type { Runbook, Step } from '../runbooks/schema.js';
import type { EventData, SessionEvent } from './events.js';
import { previewHash } from './preview-hash.js';
import type { RecordedFailure } from './step-outcome.js';

export type StepStatus =
  /** Not opened yet. */
  | 'pending'
  /** Opened; nothing conclusive yet (or a re-run is offered). */
  | 'open'
  /** A check passed, an input was given, or an action succeeded; waiting for the operator to complete it. */
  | 'passed'
  /** A check or an action failed. */
  | 'failed'
  /** An action's intent is recorded without a result: it may or may not have happened. */
  | 'in-flight'
  | 'done'
  | 'skipped';

export interface CheckOutcome {
  readonly ok: boolean;
  readonly observed: unknown;
  readonly expected: string | null;
  readonly detail: string;
  readonly durationMs: number;
  readonly at: string;
}

/** One operator's decision on an approval request. */
export interface ApprovalDecision {
  readonly kind: 'approved' | 'rejected';
  readonly seq: number;
  readonly at: string;
  /** user@host of the operator who decided. */
  readonly by: string;
  /** The database role that wrote it (a shared store), else null. */
  readonly role: string | null;
  readonly reason: string | null;
  /** Approvals only: when it stops counting. */
  readonly expiresAt: string | null;
  /** Null when it counts; else why not (the requester's own, or a second one by the same operator). */
  readonly void: string | null;
}

/** The approval request for an action's preview, with the decisions on it so far. */
export interface ApprovalRequest {
  readonly seq: number;
  readonly hash: string;
  readonly attempt: number;
  readonly requestedAt: string;
  readonly requester: string;
  readonly requesterRole: string | null;
  readonly required: number;
  readonly expiresInMs: number;
  readonly because: string;
  readonly decisions: readonly ApprovalDecision[];
  /** When an action intent was recorded under it: an approval lets one run, not every later one. */
  readonly usedAt: string | null;
}

export interface StepState {
  readonly id: string;
  readonly sectionId: string;
  readonly kind: Step['kind'];
  readonly title: string;
  readonly status: StepStatus;
  readonly openedAt: string | null;
  readonly completedAt: string | null;
  /** How many times the step was opened. */
  readonly opened: number;
  readonly check: CheckOutcome | null;
  readonly checkRuns: number;
  /** The action attempt in progress (1 first; +1 after a failure the operator re-runs). */
  readonly attempt: number;
  readonly preview: (EventData<'ActionPreviewed'> & { readonly at: string }) | null;
  /** previewHash of `preview`, what an approval is bound to. */
  readonly previewHash: string | null;
  /** Whether this action needs approval, as the pinned environment and runbook say (null: it does not). */
  readonly approvalRule: ApprovalRule | null;
  /** The newest approval request of the step, or null. */
  readonly approval: ApprovalRequest | null;
  readonly confirmation: { readonly typed: string; readonly at: string } | null;
  readonly intent: (EventData<'ActionIntended'> & { readonly at: string }) | null;
  readonly reconciliation: EventData<'ActionReconciled'> | null;
  readonly error: string | null;
  /** What the action's provider said it did, once it succeeded. */
  readonly actionDetail: string | null;
  /** The class and advice of the last failure, kept so a reopened screen can say what to do. */
  readonly failure: RecordedFailure | null;
  /**
   * What the operator must type to confirm the previewed action, or null when any answer will
   * do: on a protected environment its `confirm` value (else its name), then the preview's own
   * value (a row count) when it asks for one, separated by a space.
   */
  readonly requiredConfirmation: string | null;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly input: { readonly value: unknown; readonly label: string | null; readonly secret: boolean } | null;
  readonly skipReason: string | null;
  readonly overrideReason: string | null;
  readonly note: string | null;
  /** The answers file a headless run took this step's value or note from, else null. */
  readonly answeredFrom: string | null;
  /** Drill facts recorded when the step completed (restore end, recovery point). */
  readonly drill: EventData<'StepCompleted'>['drill'];
  /** From first opening to completion or skip. */
  readonly durationMs: number | null;
}

/** Notes as a persistent list (newest first) so adding one stays O(1) in a pure fold. */
export interface NoteList {
  readonly note: { readonly seq: number; readonly at: string; readonly actor: string; readonly stepId: string | null; readonly text: string };
  readonly previous: NoteList | null;
}

export interface SessionState {
  readonly id: string;
  readonly status: 'new' | 'open' | 'completed' | 'aborted';
  readonly runbook: Runbook | null;
  readonly runbookHash: string | null;
  readonly runbooksFile: string | null;
  readonly env: string;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly protected: boolean;
  readonly drill: boolean;
  readonly incident: string | null;
  readonly operator: string;
  readonly productVersion: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly lastSeq: number;
  readonly lastHash: string | null;
  readonly lastEventAt: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Names of runbook inputs declared secret: their values are never in the log. */
  readonly secretInputs: readonly string[];
  readonly steps: Readonly<Record<string, StepState>>;
  /** Step ids in the order the session walks them (from the start section on). */
  readonly order: readonly string[];
  readonly currentStepId: string | null;
  readonly notes: NoteList | null;
  readonly noteCount: number;
  /** The last lifecycle event was SessionInterrupted. */
  readonly interrupted: boolean;
  readonly resumes: number;
  /** The operator who drives the session now (who started or last resumed it). */
  readonly driver: string;
  /** Hand-offs in order: who, to whom, when. */
  readonly handoffs: readonly { readonly at: string; readonly from: string; readonly to: string | null; readonly note: string | null; readonly implicit: boolean }[];
  /** Set while the session goes on in a local log because the shared store was unreachable. */
  readonly localFallback: { readonly at: string; readonly store: string; readonly reason: string; readonly localLog: string } | null;
  readonly completion: EventData<'SessionCompleted'> | null;
  readonly abortReason: string | null;
}

/** The state before any event. */
export function initialState(id: string): SessionState {
  return {
    id,
    status: 'new',
    runbook: null,
    runbookHash: null,
    runbooksFile: null,
    env: '',
    environment: {},
    protected: false,
    drill: false,
    incident: null,
    operator: '',
    productVersion: '',
    startedAt: null,
    endedAt: null,
    lastSeq: 0,
    lastHash: null,
    lastEventAt: null,
    inputs: {},
    secretInputs: [],
    steps: {},
    order: [],
    currentStepId: null,
    notes: null,
    noteCount: 0,
    interrupted: false,
    resumes: 0,
    driver: '',
    handoffs: [],
    localFallback: null,
    completion: null,
    abortReason: null,
  };
}

/** Folds a whole log. */
export function foldEvents(id: string, events: readonly SessionEvent[]): SessionState {
  return foldFrom(initialState(id), events);
}

/**
 * Folds `events` onto `state` (a snapshot, or the state a caller already has). Equal to
 * `events.reduce(evolve, state)`: both run the same transitions (`apply`); only this one lets
 * the draft keep its own steps map across events instead of copying it per event, which is
 * what made resume of long logs slow. `state` itself is never changed.
 */
export function foldFrom(state: SessionState, events: readonly SessionEvent[]): SessionState {
  const draft = newDraft(state);
  for (const event of events) apply(draft, event);
  return draft.state;
}

/** The notes in the order they were added. */
export function notesOf(state: SessionState, stepId?: string | null): NoteList['note'][] {
  const notes: NoteList['note'][] = [];
  for (let node = state.notes; node; node = node.previous) {
    if (stepId === undefined || node.note.stepId === stepId) notes.push(node.note);
  }
  return notes.reverse();
}

/** Steps whose action intent has no result: reconcile them before offering a re-run. */
export function inFlightSteps(state: SessionState): StepState[] {
  return state.order.map((id) => state.steps[id]!).filter((step) => step.status === 'in-flight');
}

/** The pinned runbook's step definition. */
export function stepDefinition(state: SessionState, stepId: string): Step | undefined {
  for (const section of state.runbook?.sections ?? []) {
    const step = section.steps.find((candidate) => candidate.id === stepId);
    if (step) return step;
  }
  return undefined;
}

/** Applies one event. Pure: returns a new state and never mutates its arguments. */
export function evolve(state: SessionState, event: SessionEvent): SessionState {
  const draft = newDraft(state);
  apply(draft, event);
  return draft.state;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A state being folded: a shallow copy the transitions may assign to. Its steps map, and each
 * step in it, stay shared with the state it was copied from until the draft owns them: they are
 * copied before the first write, so a draft never changes a state someone else holds. `evolve`
 * starts a draft per event; `foldFrom` keeps one, so a long log copies each step once, not once
 * per event.
 */
interface Draft {
  readonly state: Mutable<SessionState>;
  ownsSteps: boolean;
  readonly ownedSteps: Set<string>;
}

function newDraft(state: SessionState): Draft {
  return { state: { ...state }, ownsSteps: false, ownedSteps: new Set() };
}

/** The step `stepId`, writable; undefined when the runbook has no such step (the event then changes only the head). */
function draftStep(draft: Draft, stepId: string | null): Mutable<StepState> | undefined {
  if (stepId === null) return undefined;
  const step = draft.state.steps[stepId];
  if (!step) return undefined;
  if (draft.ownedSteps.has(stepId)) return step as Mutable<StepState>;
  if (!draft.ownsSteps) {
    draft.state.steps = { ...draft.state.steps };
    draft.ownsSteps = true;
  }
  const copy: Mutable<StepState> = { ...step };
  (draft.state.steps as Record<string, StepState>)[stepId] = copy;
  draft.ownedSteps.add(stepId);
  return copy;
}

/** The transitions, shared by `evolve` and `foldFrom`: they write to the draft only. */
function apply(draft: Draft, event: SessionEvent): void {
  const state = draft.state;
  state.lastSeq = event.seq;
  state.lastHash = event.hash;
  state.lastEventAt = event.at;
  switch (event.type) {
    case 'SessionStarted':
      started(draft, event.data, event.at);
      return;
    case 'StepOpened': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const finished = step.status === 'done' || step.status === 'skipped';
      if (step.status === 'pending' || finished) step.status = 'open';
      step.openedAt = step.openedAt ?? event.at;
      if (finished) step.completedAt = null;
      step.opened = step.opened + 1;
      state.currentStepId = event.stepId;
      return;
    }
    case 'CheckPassed':
    case 'CheckFailed': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const ok = event.type === 'CheckPassed';
      const { observed, expected, detail, durationMs, outputs } = event.data;
      step.status = ok ? 'passed' : 'failed';
      step.check = { ok, observed, expected, detail, durationMs, at: event.at };
      step.checkRuns = step.checkRuns + 1;
      step.outputs = outputs;
      step.error = ok ? null : detail;
      step.failure = event.type === 'CheckFailed' && event.data.failure ? event.data.failure : null;
      return;
    }
    case 'InputProvided': {
      const { name, value, label, secret } = event.data;
      if (event.stepId === null) {
        if (name !== null) state.inputs = { ...state.inputs, [name]: value };
        return;
      }
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = 'passed';
      step.input = { value, label, secret };
      step.outputs = label === null ? { value } : { value, label };
      step.answeredFrom = event.data.answeredFrom ?? null;
      return;
    }
    case 'ActionPreviewed': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.preview = { ...event.data, at: event.at };
      step.previewHash = previewHash(step.id, event.data);
      step.confirmation = null;
      step.requiredConfirmation = confirmationFor(state, event.data.confirmValue);
      return;
    }
    case 'ActionConfirmed': {
      const step = draftStep(draft, event.stepId);
      if (step) step.confirmation = { typed: event.data.typed, at: event.at };
      return;
    }
    case 'ApprovalRequested': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const { attempt, hash, required, expiresInMs, because } = event.data;
      step.approval = {
        seq: event.seq,
        hash,
        attempt,
        requestedAt: event.at,
        requester: event.actor,
        requesterRole: event.dbRole ?? null,
        required,
        expiresInMs,
        because,
        decisions: [],
        usedAt: null,
      };
      return;
    }
    case 'ActionApproved':
    case 'ActionRejected': {
      const step = draftStep(draft, event.stepId);
      const request = step?.approval;
      // A decision on another preview than the one asked about changes nothing (the export still lists it).
      if (!step || !request || request.hash !== event.data.hash || request.usedAt !== null) return;
      const approved = event.type === 'ActionApproved';
      const decision: ApprovalDecision = {
        kind: approved ? 'approved' : 'rejected',
        seq: event.seq,
        at: event.at,
        by: event.actor,
        role: event.dbRole ?? null,
        reason: event.data.reason,
        expiresAt: approved ? event.data.expiresAt : null,
        void: voidReason(request, event.actor, event.dbRole ?? null, approved ? 'approved' : 'rejected'),
      };
      step.approval = { ...request, decisions: [...request.decisions, decision] };
      return;
    }
    case 'ActionIntended': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      if (step.approval && step.approval.usedAt === null) step.approval = { ...step.approval, usedAt: event.at };
      step.status = 'in-flight';
      step.intent = { ...event.data, at: event.at };
      step.reconciliation = null;
      step.error = null;
      step.failure = null;
      return;
    }
    case 'ActionSucceeded': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      step.status = 'passed';
      step.outputs = event.data.outputs;
      step.error = null;
      step.failure = null;
      step.actionDetail = event.data.detail;
      return;
    }
    case 'ActionFailed': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      // A re-run after a failure is a new attempt: a new idempotency key, a fresh preview and confirmation.
      step.status = 'failed';
      step.error = event.data.error;
      step.failure = event.data.failure;
      step.outputs = event.data.outputs;
      step.attempt = step.attempt + 1;
      step.preview = null;
      step.previewHash = null;
      step.confirmation = null;
      step.requiredConfirmation = null;
      return;
    }
    case 'ActionReconciled': {
      const step = draftStep(draft, event.stepId);
      if (!step) return;
      const found = event.data.outcome === 'found';
      step.status = found ? 'passed' : 'open';
      if (found) step.outputs = event.data.outputs;
      step.reconciliation = event.data;
      // Not found: the same attempt (same key) may be re-run, after a fresh confirmation.
      if (!found) step.confirmation = null;
      return;
    }
    case 'StepCompleted': {
      const step = draftStep(draft, event.stepId);
      if (step) {
        step.status = 'done';
        step.completedAt = event.at;
        step.note = event.data.note;
        step.overrideReason = event.data.overrideReason;
        step.answeredFrom = event.data.answeredFrom ?? step.answeredFrom;
        step.drill = event.data.drill;
        step.durationMs = step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0;
      }
      advance(state, event.stepId);
      return;
    }
    case 'StepSkipped': {
      const step = draftStep(draft, event.stepId);
      if (step) {
        step.status = 'skipped';
        step.completedAt = event.at;
        step.skipReason = event.data.reason;
        step.durationMs = step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0;
      }
      advance(state, event.stepId);
      return;
    }
    case 'NoteAdded':
      state.notes = { note: { seq: event.seq, at: event.at, actor: event.actor, stepId: event.stepId, text: event.data.text }, previous: state.notes };
      state.noteCount = state.noteCount + 1;
      return;
    case 'SessionInterrupted':
      state.interrupted = true;
      return;
    case 'SessionResumed':
      state.interrupted = false;
      state.resumes = state.resumes + 1;
      state.driver = event.actor;
      return;
    case 'SessionHandedOff':
      state.handoffs = [...state.handoffs, { at: event.at, from: event.data.from, to: event.data.to, note: event.data.note, implicit: event.data.implicit }];
      return;
    case 'SwitchedToLocalLog':
      state.localFallback = { at: event.at, store: event.data.store, reason: event.data.reason, localLog: event.data.localLog };
      return;
    case 'LockTakenOver':
      return;
    case 'SessionCompleted':
      state.status = 'completed';
      state.endedAt = event.at;
      state.currentStepId = null;
      state.completion = event.data;
      return;
    case 'SessionAborted':
      state.status = 'aborted';
      state.endedAt = event.at;
      state.abortReason = event.data.reason;
      return;
    default:
      assertNever(event);
  }
}

function started(draft: Draft, data: EventData<'SessionStarted'>, at: string): void {
  const runbook = data.runbook as Runbook;
  const steps: Record<string, StepState> = {};
  const order: string[] = [];
  let reached = data.startSection === null;
  for (const section of runbook.sections) {
    if (section.id === data.startSection) reached = true;
    for (const step of section.steps) {
      steps[step.id] = emptyStep(step, section.id, approvalRule(step, data.environment, data.env));
      if (reached) order.push(step.id);
    }
  }
  const state = draft.state;
  state.status = 'open';
  state.runbook = runbook;
  state.runbookHash = data.runbookHash;
  state.runbooksFile = data.runbooksFile;
  state.env = data.env;
  state.environment = data.environment;
  state.protected = data.protected;
  state.drill = data.drill;
  state.incident = data.incident;
  state.operator = data.operator;
  state.driver = data.operator;
  state.productVersion = data.productVersion;
  state.startedAt = at;
  state.inputs = data.inputs;
  state.secretInputs = Object.entries(runbook.inputs ?? {})
    .filter(([, input]) => input.secret)
    .map(([name]) => name);
  state.steps = steps;
  draft.ownsSteps = true;
  for (const id of Object.keys(steps)) draft.ownedSteps.add(id);
  state.order = order;
  state.currentStepId = order[0] ?? null;
}

function emptyStep(step: Step, sectionId: string, rule: ApprovalRule | null): StepState {
  return {
    id: step.id,
    sectionId,
    kind: step.kind,
    title: step.title,
    status: 'pending',
    openedAt: null,
    completedAt: null,
    opened: 0,
    check: null,
    checkRuns: 0,
    attempt: 1,
    preview: null,
    previewHash: null,
    approvalRule: rule,
    approval: null,
    confirmation: null,
    intent: null,
    reconciliation: null,
    error: null,
    actionDetail: null,
    failure: null,
    requiredConfirmation: null,
    outputs: {},
    input: null,
    skipReason: null,
    overrideReason: null,
    note: null,
    answeredFrom: null,
    drill: null,
    durationMs: null,
  };
}

/** After a step is finished, the current step is the next unfinished one (in order, then from the top). */
function advance(state: Mutable<SessionState>, finished: string | null): void {
  if (finished !== state.currentStepId && state.currentStepId !== null) {
    const current = state.steps[state.currentStepId];
    if (current && current.status !== 'done' && current.status !== 'skipped') return;
  }
  const unfinished = (id: string) => {
    const status = state.steps[id]!.status;
    return status !== 'done' && status !== 'skipped';
  };
  const index = finished === null ? -1 : state.order.indexOf(finished);
  let next: string | null = null;
  for (let position = index + 1; position < state.order.length && next === null; position++) {
    if (unfinished(state.order[position]!)) next = state.order[position]!;
  }
  state.currentStepId = next ?? state.order.find(unfinished) ?? null;
}

/**
 * Why a decision does not count, or null when it does. Operators are compared by user@host and,
 * on a shared store, by the database role the server stamped on each event, which the client
 * cannot choose: a requester who sets RUNBOOK_OPERATOR to another name is still the same role.
 */
function voidReason(request: ApprovalRequest, by: string, role: string | null, kind: ApprovalDecision['kind']): string | null {
  if (by === request.requester) return `${by} asked for this approval`;
  if (role !== null && request.requesterRole !== null && role === request.requesterRole) {
    return `written by database role "${role}", which also asked for this approval`;
  }
  const earlier = request.decisions.find((decision) => decision.void === null && decision.kind === kind && (decision.by === by || (role !== null && decision.role === role)));
  // A second approval by the same operator renews it (the newest expiry counts); a second rejection adds nothing.
  if (earlier && kind === 'rejected') return `${by} rejected it already`;
  return null;
}

function confirmationFor(state: SessionState, confirmValue: string | null): string | null {
  const parts: string[] = [];
  if (state.protected) parts.push(String(state.environment.confirm ?? state.env));
  if (confirmValue) parts.push(confirmValue);
  return parts.length > 0 ? parts.join(' ') : null;
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
