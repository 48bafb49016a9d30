/**
 * A session's state is a pure fold of its events: `events.reduce(evolve, initialState(id))`.
 * Resume is exactly that fold; nothing else remembers where the operator was.
 */
import type { Runbook, Step } from '../runbooks/schema.js';
import type { EventData, SessionEvent } from './events.js';

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
  readonly confirmation: { readonly typed: string; readonly at: string } | null;
  readonly intent: (EventData<'ActionIntended'> & { readonly at: string }) | null;
  readonly reconciliation: EventData<'ActionReconciled'> | null;
  readonly error: string | null;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly input: { readonly value: unknown; readonly label: string | null; readonly secret: boolean } | null;
  readonly skipReason: string | null;
  readonly overrideReason: string | null;
  readonly note: string | null;
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
    completion: null,
    abortReason: null,
  };
}

/** Folds a whole log. */
export function foldEvents(id: string, events: readonly SessionEvent[]): SessionState {
  let state = initialState(id);
  for (const event of events) state = evolve(state, event);
  return state;
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
  const base = { ...state, lastSeq: event.seq, lastHash: event.hash, lastEventAt: event.at };
  switch (event.type) {
    case 'SessionStarted':
      return started(base, event.data, event.at);
    case 'StepOpened':
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: step.status === 'pending' || step.status === 'done' || step.status === 'skipped' ? 'open' : step.status,
        openedAt: step.openedAt ?? event.at,
        completedAt: step.status === 'done' || step.status === 'skipped' ? null : step.completedAt,
        opened: step.opened + 1,
      }), event.stepId);
    case 'CheckPassed':
    case 'CheckFailed': {
      const ok = event.type === 'CheckPassed';
      const { observed, expected, detail, durationMs, outputs } = event.data;
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: ok ? 'passed' : 'failed',
        check: { ok, observed, expected, detail, durationMs, at: event.at },
        checkRuns: step.checkRuns + 1,
        outputs,
        error: ok ? null : detail,
      }));
    }
    case 'InputProvided': {
      const { name, value, label, secret } = event.data;
      if (event.stepId === null) {
        return name === null ? base : { ...base, inputs: { ...base.inputs, [name]: value } };
      }
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: 'passed',
        input: { value, label, secret },
        outputs: label === null ? { value } : { value, label },
      }));
    }
    case 'ActionPreviewed':
      return withStep(base, event.stepId, (step) => ({ ...step, preview: { ...event.data, at: event.at }, confirmation: null }));
    case 'ActionConfirmed':
      return withStep(base, event.stepId, (step) => ({ ...step, confirmation: { typed: event.data.typed, at: event.at } }));
    case 'ActionIntended':
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: 'in-flight',
        intent: { ...event.data, at: event.at },
        reconciliation: null,
        error: null,
      }));
    case 'ActionSucceeded':
      return withStep(base, event.stepId, (step) => ({ ...step, status: 'passed', outputs: event.data.outputs, error: null }));
    case 'ActionFailed':
      // A re-run after a failure is a new attempt: a new idempotency key, a fresh preview and confirmation.
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: 'failed',
        error: event.data.error,
        outputs: event.data.outputs,
        attempt: step.attempt + 1,
        preview: null,
        confirmation: null,
      }));
    case 'ActionReconciled': {
      const found = event.data.outcome === 'found';
      return withStep(base, event.stepId, (step) => ({
        ...step,
        status: found ? 'passed' : 'open',
        outputs: found ? event.data.outputs : step.outputs,
        reconciliation: event.data,
        // Not found: the same attempt (same key) may be re-run, after a fresh confirmation.
        confirmation: found ? step.confirmation : null,
      }));
    }
    case 'StepCompleted':
      return advance(
        withStep(base, event.stepId, (step) => ({
          ...step,
          status: 'done',
          completedAt: event.at,
          note: event.data.note,
          overrideReason: event.data.overrideReason,
          drill: event.data.drill,
          durationMs: step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0,
        })),
        event.stepId,
      );
    case 'StepSkipped':
      return advance(
        withStep(base, event.stepId, (step) => ({
          ...step,
          status: 'skipped',
          completedAt: event.at,
          skipReason: event.data.reason,
          durationMs: step.openedAt ? Date.parse(event.at) - Date.parse(step.openedAt) : 0,
        })),
        event.stepId,
      );
    case 'NoteAdded':
      return {
        ...base,
        notes: { note: { seq: event.seq, at: event.at, actor: event.actor, stepId: event.stepId, text: event.data.text }, previous: base.notes },
        noteCount: base.noteCount + 1,
      };
    case 'SessionInterrupted':
      return { ...base, interrupted: true };
    case 'SessionResumed':
      return { ...base, interrupted: false, resumes: base.resumes + 1 };
    case 'LockTakenOver':
      return base;
    case 'SessionCompleted':
      return { ...base, status: 'completed', endedAt: event.at, currentStepId: null, completion: event.data };
    case 'SessionAborted':
      return { ...base, status: 'aborted', endedAt: event.at, abortReason: event.data.reason };
    default:
      return assertNever(event);
  }
}

function started(base: SessionState, data: EventData<'SessionStarted'>, at: string): SessionState {
  const runbook = data.runbook as Runbook;
  const steps: Record<string, StepState> = {};
  const order: string[] = [];
  let reached = data.startSection === null;
  for (const section of runbook.sections) {
    if (section.id === data.startSection) reached = true;
    for (const step of section.steps) {
      steps[step.id] = emptyStep(step, section.id);
      if (reached) order.push(step.id);
    }
  }
  return {
    ...base,
    status: 'open',
    runbook,
    runbookHash: data.runbookHash,
    runbooksFile: data.runbooksFile,
    env: data.env,
    environment: data.environment,
    protected: data.protected,
    drill: data.drill,
    incident: data.incident,
    operator: data.operator,
    productVersion: data.productVersion,
    startedAt: at,
    inputs: data.inputs,
    secretInputs: Object.entries(runbook.inputs ?? {})
      .filter(([, input]) => input.secret)
      .map(([name]) => name),
    steps,
    order,
    currentStepId: order[0] ?? null,
  };
}

function emptyStep(step: Step, sectionId: string): StepState {
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
    confirmation: null,
    intent: null,
    reconciliation: null,
    error: null,
    outputs: {},
    input: null,
    skipReason: null,
    overrideReason: null,
    note: null,
    drill: null,
    durationMs: null,
  };
}

function withStep(
  state: SessionState,
  stepId: string | null,
  change: (step: StepState) => StepState,
  current?: string | null,
): SessionState {
  const step = stepId === null ? undefined : state.steps[stepId];
  if (!step) return state;
  return {
    ...state,
    steps: { ...state.steps, [step.id]: change(step) },
    currentStepId: current === undefined ? state.currentStepId : current,
  };
}

/** After a step is finished, the current step is the next unfinished one (in order, then from the top). */
function advance(state: SessionState, finished: string | null): SessionState {
  if (finished !== state.currentStepId && state.currentStepId !== null) {
    const current = state.steps[state.currentStepId];
    if (current && current.status !== 'done' && current.status !== 'skipped') return state;
  }
  const unfinished = (id: string) => {
    const status = state.steps[id]!.status;
    return status !== 'done' && status !== 'skipped';
  };
  const index = finished === null ? -1 : state.order.indexOf(finished);
  const next = state.order.slice(index + 1).find(unfinished) ?? state.order.find(unfinished) ?? null;
  return { ...state, currentStepId: next };
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
