/**
 * A session this process drives. Each method is one command of the operator's: it runs what the
 * command needs through the step runner, asks `decide` what that means, and appends the events
 * durably; the state (and so the screen) changes only after that.
 */
import { join } from 'node:path';
import { CancelledError, OperatorError } from '../../errors.js';
import type { ResolvedEnvironment } from '../../runbooks/environment.js';
import type { Step } from '../../runbooks/schema.js';
import { resolveTemplates } from '../../runbooks/templates.js';
import { approvalStatus, type ApprovalStatus } from '../../state/approval-status.js';
import { decide, type Command, type Refusal } from '../../state/decide.js';
import { ConcurrentAppendError, type SqliteEventStore } from '../../state/event-store.js';
import type { EventData, NewEvent, SessionEvent } from '../../state/events.js';
import { idempotencyKey } from '../../state/idempotency.js';
import type { SessionLock, SessionTakenOverError } from '../../state/lock.js';
import { StoreUnreachableError } from '../../state/postgres/sync-sql.js';
import { REDACTED } from '../../state/redact.js';
import { foldEvents, foldFrom, inFlightSteps, stepDefinition, type SessionState, type StepState } from '../../state/session-state.js';
import type { ProviderDefinition } from '../../steps/definition.js';
import type { ActionPreview, Choice } from '../../steps/provider.js';
import { approveCommand } from '../approvals/approve-command.js';
import { buildTemplateScope } from '../template-scope.js';
import { StepRunner, type CallOptions, type ProviderLoader, type StepCall } from '../step-runner.js';
import type { SessionLog } from './session-log.js';
import type { SessionSecrets } from './session-secrets.js';

/** A command the session's rules refuse. Exit 2; the message says what to do instead. */
export class CommandRefusedError extends OperatorError {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'CommandRefusedError';
  }
}

/** Progress and live output of a running check or action, for the UI to render. */
export type RunOptions = CallOptions;

/** Outcome of reconciling one in-flight action. */
export interface ReconcileOutcome {
  readonly stepId: string;
  readonly outcome: EventData<'ActionReconciled'>['outcome'];
  readonly detail: string;
}

/** How waiting for an action's approval ended. */
export interface ApprovalWait {
  readonly outcome: 'approved' | 'rejected' | 'timeout' | 'cancelled' | 'not-requested';
  readonly status: ApprovalStatus;
}

/** Commands that record what was observed: kept when the shared store did not take them, to record locally. */
const OBSERVATIONS: ReadonlySet<Command['type']> = new Set(['RecordCheck', 'RecordActionResult']);

/** How often a driver waiting for a decision reads its store for one. */
export const APPROVAL_POLL_MS = 500;

/** Event types other processes append to a session without driving it (they do not take its lease). */
const DECISIONS: ReadonlySet<string> = new Set(['ActionApproved', 'ActionRejected']);

/** What a driven session needs from the service that opened it. */
export interface DrivenSessionParts {
  readonly state: SessionState;
  readonly log: SessionLog;
  /** This machine's local log and a lock on the session there, for going on when the shared store cannot be reached. */
  readonly localLog?: (sessionId: string) => { readonly store: SqliteEventStore; readonly lock: SessionLock };
  readonly environment: ResolvedEnvironment;
  readonly secrets: SessionSecrets;
  readonly runbookChanges: readonly string[];
  readonly artifactsRoot: string;
  readonly definitions: ReadonlyMap<string, ProviderDefinition>;
  readonly providers: ProviderLoader;
  readonly now: () => Date;
}

/** A session this process drives (holds the lock of). Every method appends durable events. */
export class DrivenSession {
  /** The environment with its secrets resolved (never written anywhere). */
  readonly environment: ResolvedEnvironment;
  /** What changed in the runbook file since the session pinned its copy (empty when nothing). */
  readonly runbookChanges: readonly string[];
  private current: SessionState;
  private readonly log: SessionLog;
  private readonly localLog: DrivenSessionParts['localLog'];
  /** An observation (a check's or an action's result) the shared store did not take: recorded locally if the operator goes on there. */
  private unrecorded: Command | null = null;
  private readonly now: () => Date;
  private readonly secrets: SessionSecrets;
  private readonly runner: StepRunner;
  private readonly listeners = new Set<(state: SessionState, events: readonly SessionEvent[]) => void>();

  constructor(parts: DrivenSessionParts) {
    this.current = parts.state;
    this.log = parts.log;
    this.localLog = parts.localLog;
    this.now = parts.now;
    this.environment = parts.environment;
    this.secrets = parts.secrets;
    this.runbookChanges = parts.runbookChanges;
    // Taken over: show what the new driver records from now on, instead of this process's last state.
    this.log.onLost(() => this.reload());
    this.runner = new StepRunner(
      { sessionId: parts.state.id, environment: parts.environment, artifactsDir: join(parts.artifactsRoot, parts.state.id), redactor: parts.secrets.redactor },
      { definitions: parts.definitions, load: parts.providers, now: parts.now },
    );
  }

  get id(): string {
    return this.current.id;
  }

  /** The folded state as of the last durable event. */
  get state(): SessionState {
    return this.current;
  }

  /** Actions whose intent has no result: reconcile them before offering a re-run. */
  get inFlight(): StepState[] {
    return inFlightSteps(this.current);
  }

  /** Secret inputs that must be given again (their values are never stored, so a resume loses them). */
  get missingSecrets(): string[] {
    return this.current.secretInputs.filter((name) => this.current.inputs[name] === REDACTED && !this.secrets.hasInput(name));
  }

  /** Runbook inputs to give before the first step: required ones without a value or default, and secrets lost on resume. */
  get pendingInputs(): string[] {
    const missing = this.missingSecrets;
    const pending: string[] = [];
    for (const [name, input] of Object.entries(this.current.runbook?.inputs ?? {})) {
      if (missing.includes(name)) pending.push(name);
      else if (input.required && input.default === undefined && !(name in this.current.inputs)) pending.push(name);
    }
    return pending;
  }

  /** Why this process may no longer write to the session (another took it over), or null while it may. */
  get lost(): SessionTakenOverError | null {
    return this.log.lost;
  }

  /** Calls `listener` once the session is found taken over by another process. */
  onLost(listener: (error: SessionTakenOverError) => void): () => void {
    return this.log.onLost(listener);
  }

  /** Calls `listener` after every durable append with the new state and the appended events. */
  subscribe(listener: (state: SessionState, events: readonly SessionEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  openStep(stepId: string): SessionState {
    return this.apply({ type: 'OpenStep', stepId });
  }

  /**
   * Runs a check (or polls a wait) and records its result. One cancelled by the caller's signal
   * (the operator left, a headless run was told to stop) is not recorded: nothing was observed.
   */
  async runCheck(stepId: string, options: RunOptions = {}): Promise<SessionState> {
    this.ensureOpen(stepId);
    const call = this.call(stepId, options);
    const prepared = this.runner.prepare(call.step, call.scope);
    const result = await this.runner.check(call, prepared);
    if (options.signal?.aborted) throw new CancelledError(`the check of step "${stepId}" was cancelled before it finished; nothing was recorded`);
    return this.apply({ type: 'RecordCheck', stepId, result, params: prepared.recorded, durationMs: result.durationMs });
  }

  /** Choices of an input step (fixed, or from a live list). */
  async choices(stepId: string, options: RunOptions = {}): Promise<Choice[]> {
    const definition = this.definition(stepId);
    const input = definition.input;
    if (!input) throw new OperatorError(`step "${stepId}" is not an input step`);
    if (input.from) return this.runner.choices(this.call(stepId, options));
    return (input.choices ?? []).map((value) => ({ value, label: value }));
  }

  /** Records a value: for an input step (stepId) or a runbook input (stepId null, name). */
  provideInput(stepId: string | null, value: unknown, options: { readonly name?: string; readonly label?: string; readonly answeredFrom?: string } = {}): SessionState {
    if (stepId === null) {
      const name = options.name ?? '';
      if (this.current.secretInputs.includes(name) && typeof value === 'string') this.secrets.rememberInput(name, value);
      return this.apply({ type: 'ProvideInput', stepId: null, name, value });
    }
    this.ensureOpen(stepId);
    if (this.definition(stepId).input?.secret && typeof value === 'string') this.secrets.rememberStep(stepId, value);
    return this.apply({ type: 'ProvideInput', stepId, name: null, value, label: options.label ?? null, answeredFrom: options.answeredFrom ?? null });
  }

  /** Shows exactly what an action will do (a dry-run where the API has one) and records it. */
  async previewAction(stepId: string, options: RunOptions = {}): Promise<{ state: SessionState; preview: ActionPreview; confirmation: string | null }> {
    this.ensureOpen(stepId);
    const call = this.call(stepId, options);
    const prepared = this.runner.prepare(call.step, call.scope);
    const { durationMs, ...preview } = await this.runner.preview(call, prepared);
    let state = this.apply({ type: 'RecordPreview', stepId, params: prepared.recorded, preview, durationMs });
    // The request is bound to the preview as recorded (redacted), so it follows its own append.
    if (state.steps[stepId]!.approvalRule) state = this.apply({ type: 'RequestApproval', stepId });
    return { state, preview, confirmation: state.steps[stepId]!.requiredConfirmation };
  }

  /** The action's approval status now (not-required for a step that needs none). */
  approval(stepId: string): ApprovalStatus {
    const step = this.current.steps[stepId];
    if (!step) throw this.unknownStep(stepId);
    return approvalStatus(step, this.now(), this.current.driver);
  }

  /** The command another operator runs to approve the step's previewed action. */
  approveCommand(stepId: string): string {
    return approveCommand(this.log.store, this.id, stepId);
  }

  /**
   * Reads what other processes appended since this state and folds it in: approvals and
   * rejections, which approvers append without the lease (this process keeps driving). Returns
   * the new events (none most of the time). When decisions arrived (or `whole` asks) the whole
   * log is folded again as stored, so the database roles a shared store's server stamped on each
   * event (this process's own requests included, which its own appends and snapshots do not
   * carry) are compared as every other reader compares them.
   */
  refresh(options: { readonly whole?: boolean } = {}): readonly SessionEvent[] {
    if (this.log.isClosed) return [];
    const tail = this.log.readAfter(this.id, this.current.lastSeq);
    if (tail.length === 0 && !options.whole) return [];
    this.current = options.whole || tail.some((event) => DECISIONS.has(event.type)) ? foldEvents(this.id, this.log.read(this.id)) : foldFrom(this.current, tail);
    for (const listener of this.listeners) listener(this.current, tail);
    return tail;
  }

  /**
   * Waits for the decision on the step's approval request, reading the store every `pollMs`:
   * approved (enough approvals count), rejected, or the timeout or the signal ending the wait.
   */
  async awaitApproval(stepId: string, options: { readonly timeoutMs: number; readonly pollMs?: number; readonly signal?: AbortSignal }): Promise<ApprovalWait> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      this.refresh();
      const status = this.approval(stepId);
      if (status.kind === 'approved' || status.kind === 'not-required') return { outcome: 'approved', status };
      if (status.kind === 'rejected' || status.kind === 'not-requested') return { outcome: status.kind, status };
      if (options.signal?.aborted) return { outcome: 'cancelled', status };
      const left = deadline - Date.now();
      if (left <= 0) return { outcome: 'timeout', status };
      await pause(Math.min(options.pollMs ?? APPROVAL_POLL_MS, left), options.signal);
    }
  }

  /** Records the operator's confirmation (exactly what they typed). */
  confirmAction(stepId: string, typed: string): SessionState {
    return this.apply({ type: 'ConfirmAction', stepId, typed });
  }

  /** Runs a previewed and confirmed action: intent (durable) → provider → result. */
  async runAction(stepId: string, options: RunOptions = {}): Promise<SessionState> {
    const step = this.current.steps[stepId];
    if (!step) throw this.unknownStep(stepId);
    const call = this.call(stepId, options);
    const prepared = this.runner.prepare(call.step, call.scope);
    // The newest decisions first (a rejection that came after the approval stops the action),
    // counted on the log as stored, never on a cached fold.
    if (step.approvalRule) this.refresh({ whole: true });
    this.apply({ type: 'RecordIntent', stepId, provider: prepared.uses, params: prepared.recorded, idempotencyKey: call.idempotencyKey, at: this.now().toISOString() });
    const result = await this.runner.action(call, prepared);
    return this.apply({ type: 'RecordActionResult', stepId, result, durationMs: result.durationMs });
  }

  /** Looks every in-flight action's effect up by its idempotency key and records what was found. */
  async reconcileInFlight(options: RunOptions = {}): Promise<ReconcileOutcome[]> {
    const outcomes: ReconcileOutcome[] = [];
    for (const step of this.inFlight) {
      const intent = step.intent!;
      let outcome: ReconcileOutcome['outcome'];
      let detail: string;
      let outputs: Record<string, unknown> = {};
      try {
        const found = await this.runner.reconcile({ ...this.call(step.id, options), idempotencyKey: intent.idempotencyKey }, intent.provider);
        if (found === null) {
          outcome = 'unsupported';
          detail = `${intent.provider} cannot look its effect up; check by hand whether it happened before re-running`;
        } else {
          outcome = found.found ? 'found' : 'not-found';
          detail = found.detail;
          outputs = { ...(found.outputs ?? {}) };
        }
      } catch (error) {
        outcome = 'error';
        detail = `could not look the effect up: ${(error as Error).message}; check by hand before re-running`;
      }
      this.apply({ type: 'RecordReconciliation', stepId: step.id, outcome, reconciliation: { found: outcome === 'found', outputs, detail } });
      outcomes.push({ stepId: step.id, outcome, detail });
    }
    return outcomes;
  }

  /** Marks a step done; a failed check or action needs `overrideReason`, a required note needs `note`. */
  completeStep(stepId: string, options: { readonly note?: string; readonly overrideReason?: string; readonly answeredFrom?: string } = {}): SessionState {
    const definition = this.definition(stepId);
    this.ensureOpen(stepId);
    let drill: EventData<'StepCompleted'>['drill'] = null;
    if (this.current.drill && definition.drill) {
      drill = {
        restoreEnds: definition.drill.restoreEnds ?? false,
        recoveryPoint: this.tryResolveText(definition.drill.recoveryPoint, stepId),
        recoveryTarget: this.tryResolveText(definition.drill.recoveryTarget, stepId),
      };
    }
    return this.apply({
      type: 'CompleteStep',
      stepId,
      note: options.note ?? null,
      overrideReason: options.overrideReason ?? null,
      drill,
      answeredFrom: options.answeredFrom ?? null,
    });
  }

  skipStep(stepId: string, reason: string): SessionState {
    return this.apply({ type: 'SkipStep', stepId, reason });
  }

  addNote(text: string, stepId: string | null = null): SessionState {
    return this.apply({ type: 'AddNote', stepId, text });
  }

  /** Ends the session as completed (all steps done or skipped) and gives up its lock. */
  complete(): SessionState {
    let recoveryPoint: string | null = null;
    let recoveryTarget: string | null = null;
    for (const id of this.current.order) {
      const drill = this.current.steps[id]!.drill;
      recoveryPoint = drill?.recoveryPoint ?? recoveryPoint;
      recoveryTarget = drill?.recoveryTarget ?? recoveryTarget;
    }
    const state = this.apply({ type: 'CompleteSession', recoveryPoint, recoveryTarget });
    this.release();
    return state;
  }

  /** Ends the session as aborted and gives up its lock. */
  abort(reason: string): SessionState {
    const state = this.apply({ type: 'AbortSession', reason });
    this.release();
    return state;
  }

  /** Records an interruption (the operator quits for now) and gives up the lock; a session taken over elsewhere is left as it is. */
  interrupt(reason = 'the operator left the session'): SessionState {
    if (this.log.isClosed) return this.current;
    const state = this.current.status === 'open' && !this.lost ? this.apply({ type: 'Interrupt', reason }) : this.current;
    this.release();
    return state;
  }

  /** Gives up the lock without recording anything (the next resume will see no interruption). */
  release(): void {
    this.log.close();
  }

  /** True while the session is on a shared store and may go on in this machine's local log instead. */
  get canContinueLocally(): boolean {
    return this.localLog !== undefined && this.log.store.kind === 'postgres';
  }

  /**
   * Goes on in this machine's local log because the shared store cannot be reached (the
   * operator chose it): the events seen so far are copied there as they were hashed, the choice
   * is recorded there, and so is a check's or an action's result the store did not take. Every
   * command appends locally from now on; "runbook push" uploads the session when the store is back.
   */
  continueLocally(reason: string): SessionState {
    if (!this.canContinueLocally) throw new OperatorError(`session ${this.id} is not on a shared store; it already is in the local log`);
    const from = this.log.store.location;
    const unrecorded = this.unrecorded;
    const local = this.localLog!(this.id);
    this.log.moveTo(local.store, local.lock, this.id);
    let state = this.apply({ type: 'RecordLocalFallback', data: { store: from, reason, localLog: local.store.location } });
    if (unrecorded) state = this.apply(unrecorded);
    return state;
  }

  /** Decides a command or throws its refusal. */
  decideOrThrow(command: Command): NewEvent[] {
    const decision = decide(this.current, command);
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    return decision.events;
  }

  /** Appends events durably (redacted), folds them in and tells listeners. */
  appendEvents(events: readonly NewEvent[]): SessionState {
    if (events.length === 0) return this.current;
    const { state, stored } = this.log.append(this.current, events);
    this.current = state;
    for (const listener of this.listeners) listener(state, stored);
    return state;
  }

  private reload(): void {
    try {
      this.current = this.log.current(this.id);
    } catch {
      // The store could not be read now; the screen keeps the last state it had and says it lost the session.
      return;
    }
    for (const listener of this.listeners) listener(this.current, []);
  }

  /**
   * Decides and appends a command. An approver may have appended a decision since this state
   * (it does not take the lease, the store's expected-sequence check orders the two): then
   * the decision is read, and the command decided again on the state that includes it.
   */
  private apply(command: Command): SessionState {
    for (let tries = 1; ; tries++) {
      const events = this.decideOrThrow(command);
      try {
        const state = this.appendEvents(events);
        this.unrecorded = null;
        return state;
      } catch (error) {
        if (error instanceof StoreUnreachableError && OBSERVATIONS.has(command.type)) this.unrecorded = command;
        if (!(error instanceof ConcurrentAppendError) || tries >= 5 || this.refresh().length === 0) throw error;
      }
    }
  }

  private ensureOpen(stepId: string): StepState {
    const step = this.current.steps[stepId];
    if (!step) throw this.unknownStep(stepId);
    if (step.status === 'pending') this.openStep(stepId);
    return this.current.steps[stepId]!;
  }

  private definition(stepId: string): Step {
    const step = stepDefinition(this.current, stepId);
    if (!step) throw this.unknownStep(stepId);
    return step;
  }

  private unknownStep(stepId: string): CommandRefusedError {
    return new CommandRefusedError({ code: 'unknown-step', message: `runbook "${this.current.runbook?.id}" has no step "${stepId}"` });
  }

  /** One call of a step: its definition, the scope as of now, and this attempt's idempotency key. */
  private call(stepId: string, options: RunOptions): StepCall {
    const step = this.definition(stepId);
    const attempt = this.current.steps[stepId]?.attempt ?? 1;
    return { ...options, step, scope: this.scope(), idempotencyKey: idempotencyKey(this.id, stepId, attempt) };
  }

  private tryResolveText(template: string | undefined, stepId: string): string | null {
    if (!template) return null;
    try {
      const value = resolveTemplates(template, this.scope(), `steps.${stepId}.drill`);
      return typeof value === 'string' ? value : JSON.stringify(value);
    } catch {
      return null;
    }
  }

  private scope() {
    const state = this.current;
    return buildTemplateScope({
      runbook: state.runbook,
      inputs: state.inputs,
      steps: state.steps,
      environment: this.environment,
      session: { id: state.id, incident: state.incident, operator: state.operator, drill: state.drill, startedAt: state.startedAt },
      secrets: this.secrets.values,
    });
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
