/**
 * The session service: the one command API the TUI, the headless commands and the tests share.
 * It starts and reopens sessions, runs providers with a deadline, and turns every outcome into
 * events through `decide`; an event is durable before the state (and so the screen) shows it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, OperatorError } from '../errors.js';
import { productVersion } from '../product.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../runbooks/environment.js';
import { findEnvironment, findRunbook, findSection } from '../runbooks/lookup.js';
import type { Environment, Runbook, RunbooksFile, Step } from '../runbooks/schema.js';
import { resolveTemplates, TemplateResolutionError, type TemplateScope } from '../runbooks/templates.js';
import { providerDefinitions, loadProvider } from '../steps/catalog.js';
import type { ProviderDefinition } from '../steps/definition.js';
import { parseDurationSeconds } from '../steps/params.js';
import { defaultTimeoutMs, stepTimeoutMs } from '../steps/run-step.js';
import type { ActionPreview, Choice, Provider, StepContext, StepResult } from '../steps/provider.js';
import { bounded, deadline, sleep, toFailureResult } from '../steps/support/call.js';
import { toPlainJson } from './canonical-json.js';
import { decide, requiredConfirmation, type Command, type Refusal } from './decide.js';
import type { EventStore } from './event-store.js';
import type { EventData, NewEvent, SessionEvent } from './events.js';
import { contentHash } from './hash-chain.js';
import { idempotencyKey } from './idempotency.js';
import { acquireLock, defaultLockOptions, type LockOptions, type SessionLock } from './lock.js';
import { currentHost, currentOperator } from './operator.js';
import { Redactor, REDACTED } from './redact.js';
import { describeRunbookChanges } from './runbook-diff.js';
import { newSessionId } from './session-id.js';
import { evolve, foldEvents, inFlightSteps, stepDefinition, type SessionState, type StepState } from './session-state.js';
import { resolveSessionId } from './sessions.js';
import { loadSessionState } from './resume.js';

/** The runbooks file as the loader returns it (src/runbooks/load.ts). */
export interface LoadedRunbooks {
  readonly file: RunbooksFile;
  readonly path: string;
}

export interface SessionServiceOptions {
  readonly store: EventStore;
  /** Provider implementations by name (default: the built-in catalog). */
  readonly providers?: (name: string) => Promise<Provider<unknown>>;
  /** Provider definitions by name (default: the built-in catalog). */
  readonly definitions?: ReadonlyMap<string, ProviderDefinition>;
  readonly now?: () => Date;
  readonly operator?: string;
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Where session artifacts go (default: `artifacts/` beside the database). */
  readonly artifactsRoot?: string;
  readonly lock?: Partial<LockOptions>;
  readonly productVersion?: string;
}

export interface StartRequest {
  readonly runbooks: LoadedRunbooks;
  readonly runbookId: string;
  readonly env: string;
  readonly drill?: boolean;
  readonly incident?: string | null;
  /** Section to start at (`--at`). */
  readonly at?: string | null;
  /** Runbook inputs (`--set key=value`). */
  readonly inputs?: Readonly<Record<string, string>>;
}

/** A command the session's rules refuse. Exit 2; the message says what to do instead. */
export class CommandRefusedError extends OperatorError {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'CommandRefusedError';
  }
}

/** Progress and live output of a running check or action, for the UI to render. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: StepContext['onProgress'];
  readonly onOutput?: StepContext['onOutput'];
}

/** Outcome of reconciling one in-flight action. */
export interface ReconcileOutcome {
  readonly stepId: string;
  readonly outcome: EventData<'ActionReconciled'>['outcome'];
  readonly detail: string;
}

const DEFAULT_WAIT_INTERVAL_MS = 10_000;
/** The first re-poll of a wait; later ones double up to the step's interval. */
const FIRST_REPOLL_MS = 100;
/** Longest string kept in an event (shell output is capped; the artifact holds the rest). */
const MAX_STRING = 64 * 1024;

/** Starts and reopens sessions. */
export class SessionService {
  readonly store: EventStore;
  private readonly options: SessionServiceOptions;
  private readonly now: () => Date;
  private readonly operator: string;
  private readonly lockOptions: LockOptions;

  constructor(options: SessionServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.operator = options.operator ?? currentOperator(options.processEnv);
    this.lockOptions = { ...defaultLockOptions(currentHost()), now: this.now, ...options.lock };
  }

  /** Starts a session of a runbook on an environment, holding its lock. */
  async start(request: StartRequest): Promise<DrivenSession> {
    const { file, path } = request.runbooks;
    const runbook = findRunbook(file, request.runbookId);
    const environment = findEnvironment(file, request.env);
    if (request.at) findSection(runbook, request.at);
    const resolved = resolveEnvironment(request.env, environment, this.options.processEnv);
    const redactor = new Redactor(resolved.secrets);
    const secretValues: Record<string, string> = {};
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(request.inputs ?? {})) {
      const declared = runbook.inputs[name];
      if (!declared) throw new ConfigError(`runbook "${runbook.id}" has no input "${name}"; inputs: ${Object.keys(runbook.inputs).join(', ') || 'none'}`);
      if (declared.secret) {
        secretValues[name] = value;
        redactor.addSecret(value);
        inputs[name] = REDACTED;
      } else {
        inputs[name] = value;
      }
    }
    const now = this.now();
    const id = newSessionId(now);
    const pinned = toPlainJson(runbook);
    const started: EventData<'SessionStarted'> = {
      runbookId: runbook.id,
      runbookTitle: runbook.title,
      runbookHash: runbookHash(runbook),
      runbook: pinned,
      runbooksFile: path,
      env: request.env,
      environment: redactor.redact(toPlainJson(environment)) as Record<string, unknown>,
      protected: environment.protected,
      drill: request.drill ?? false,
      incident: request.incident?.trim() || null,
      operator: this.operator,
      productVersion: this.options.productVersion ?? productVersion(),
      startSection: request.at ?? null,
      inputs,
    };
    const decision = decide(this.emptyState(id), { type: 'StartSession', started, environment });
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    const lock = acquireLock(this.store, id, this.lockOptions);
    const session = new DrivenSession(this, this.emptyState(id), lock, resolved, redactor, secretValues, []);
    try {
      session.appendEvents(decision.events);
    } catch (error) {
      lock.release();
      throw error;
    }
    return session;
  }

  /**
   * Reopens a session (resume): folds its events back to exactly where it was, takes its lock
   * (recording a takeover of a dead holder), and records the resumption with what changed in the
   * runbook since it was pinned. The session keeps running its pinned copy.
   */
  async open(typedId: string, options: { readonly runbooks?: LoadedRunbooks } = {}): Promise<DrivenSession> {
    const id = resolveSessionId(this.store, typedId);
    const state = this.inspect(id);
    if (state.status !== 'open') {
      throw new OperatorError(`session ${id} is ${state.status}; nothing to resume (export it with "runbook export ${id}")`);
    }
    const lock = acquireLock(this.store, id, this.lockOptions);
    try {
      const current = options.runbooks?.file;
      const environment = (current?.environments[state.env] ?? state.environment) as Environment;
      const resolved = resolveEnvironment(state.env, environment, this.options.processEnv);
      const changes = runbookChanges(state, options.runbooks);
      const session = new DrivenSession(this, this.inspect(id), lock, resolved, new Redactor(resolved.secrets), {}, changes);
      const events: NewEvent[] = [];
      if (lock.takenOver) {
        const { pid, host, since, heartbeatAt, reason } = lock.takenOver;
        events.push(...session.decideOrThrow({ type: 'RecordTakeover', data: { pid, host, since, heartbeatAt, reason } }));
      }
      events.push(
        ...session.decideOrThrow({
          type: 'Resume',
          data: { previous: state.interrupted ? 'interrupted' : 'crashed', runbookChanged: changes.length > 0, changes, pid: this.lockOptions.pid },
        }),
      );
      session.appendEvents(events);
      return session;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** A session's state without driving it (no lock): for listings, exports and screens. */
  inspect(sessionId: string): SessionState {
    const state = loadSessionState(this.store, sessionId);
    if (state.lastSeq === 0) throw new OperatorError(`no session "${sessionId}"; list them with "runbook sessions --all"`);
    return state;
  }

  /** @internal shared with DrivenSession */
  get deps() {
    return {
      now: this.now,
      operator: this.operator,
      providers: this.options.providers ?? loadProvider,
      definitions: this.options.definitions ?? providerDefinitions,
      artifactsRoot: this.options.artifactsRoot ?? join(dirname(this.store.path), 'artifacts'),
    };
  }

  private emptyState(id: string): SessionState {
    return foldEvents(id, []);
  }
}

/** A session this process drives (holds the lock of). Every method appends durable events. */
export class DrivenSession {
  private current: SessionState;
  private readonly listeners = new Set<(state: SessionState, events: readonly SessionEvent[]) => void>();
  private closed = false;

  constructor(
    private readonly service: SessionService,
    state: SessionState,
    private readonly lock: SessionLock,
    /** The environment with its secrets resolved (never written anywhere). */
    readonly environment: ResolvedEnvironment,
    private readonly redactor: Redactor,
    /** Secret input values (runbook inputs by name, input steps by step id): memory only. */
    private readonly secretValues: Record<string, string>,
    /** What changed in the runbook file since the session pinned its copy (empty when nothing). */
    readonly runbookChanges: readonly string[],
  ) {
    this.current = state;
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
    return this.current.secretInputs.filter((name) => this.current.inputs[name] === REDACTED && !(name in this.secretValues));
  }

  /** Calls `listener` after every durable append with the new state and the appended events. */
  subscribe(listener: (state: SessionState, events: readonly SessionEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  openStep(stepId: string): SessionState {
    return this.apply({ type: 'OpenStep', stepId });
  }

  /** Runs a check (or polls a wait) and records its result. */
  async runCheck(stepId: string, options: RunOptions = {}): Promise<SessionState> {
    const step = this.ensureOpen(stepId);
    const definition = this.definition(stepId);
    const { provider, params } = await this.prepare(definition);
    const started = Date.now();
    const timeoutMs = stepTimeoutMs(step.kind === 'wait' ? 'wait' : 'check', definition.timeout);
    let result: StepResult;
    if (step.kind === 'wait') {
      result = await this.poll(definition, provider, params, timeoutMs, options);
    } else {
      result = await this.callRun(stepId, timeoutMs, options, 'check', (context) => provider.run(params, context));
    }
    return this.apply({ type: 'RecordCheck', stepId, result, params: this.redactor.redact(params), durationMs: Date.now() - started });
  }

  /** Choices of an input step (fixed, or from a live list). */
  async choices(stepId: string, options: RunOptions = {}): Promise<Choice[]> {
    const definition = this.definition(stepId);
    const input = definition.input;
    if (!input) throw new OperatorError(`step "${stepId}" is not an input step`);
    if (input.from) {
      const provider = await this.service.deps.providers(input.from.uses);
      if (!provider.choices) throw new OperatorError(`provider "${input.from.uses}" cannot list choices`);
      const params = this.resolveParams(input.from.uses, input.from.with, `steps.${stepId}.input.from.with`);
      const choices = await this.call(stepId, stepTimeoutMs('check', definition.timeout), options, 'choices', (context) =>
        provider.choices!(params, context),
      );
      return choices;
    }
    return (input.choices ?? []).map((value) => ({ value, label: value }));
  }

  /** Records a value: for an input step (stepId) or a runbook input (stepId null, name). */
  provideInput(stepId: string | null, value: unknown, options: { readonly name?: string; readonly label?: string } = {}): SessionState {
    if (stepId === null) {
      const name = options.name ?? '';
      if (this.current.secretInputs.includes(name) && typeof value === 'string') {
        this.secretValues[name] = value;
        this.redactor.addSecret(value);
      }
      return this.apply({ type: 'ProvideInput', stepId: null, name, value });
    }
    this.ensureOpen(stepId);
    if (this.definition(stepId).input?.secret && typeof value === 'string') {
      this.secretValues[`step:${stepId}`] = value;
      this.redactor.addSecret(value);
    }
    return this.apply({ type: 'ProvideInput', stepId, name: null, value, label: options.label ?? null });
  }

  /** Shows exactly what an action will do (a dry-run where the API has one) and records it. */
  async previewAction(stepId: string, options: RunOptions = {}): Promise<{ state: SessionState; preview: ActionPreview; confirmation: string | null }> {
    this.ensureOpen(stepId);
    const definition = this.definition(stepId);
    const { provider, params } = await this.prepare(definition);
    const started = Date.now();
    const preview: ActionPreview = provider.preview
      ? await this.call(stepId, stepTimeoutMs('check', definition.timeout), options, 'preview', (context) => provider.preview!(params, context))
      : {
          summary: `run ${definition.uses} (no dry-run available)`,
          details: Object.entries(params as Record<string, unknown>).map(([label, value]) => ({
            label,
            value: typeof value === 'string' ? value : JSON.stringify(value),
          })),
        };
    const redacted = this.redactor.redact(preview);
    const state = this.apply({ type: 'RecordPreview', stepId, params: this.redactor.redact(params), preview: redacted, durationMs: Date.now() - started });
    return { state, preview: redacted, confirmation: requiredConfirmation(state, state.steps[stepId]!) };
  }

  /** Records the operator's confirmation (exactly what they typed). */
  confirmAction(stepId: string, typed: string): SessionState {
    return this.apply({ type: 'ConfirmAction', stepId, typed });
  }

  /** Runs a previewed and confirmed action: intent (durable) → provider → result. */
  async runAction(stepId: string, options: RunOptions = {}): Promise<SessionState> {
    const step = this.current.steps[stepId];
    const definition = this.definition(stepId);
    if (!step) throw new CommandRefusedError({ code: 'unknown-step', message: `no step "${stepId}"` });
    const { provider, params } = await this.prepare(definition);
    const key = idempotencyKey(this.id, stepId, step.attempt);
    this.apply({ type: 'RecordIntent', stepId, provider: definition.uses!, params: this.redactor.redact(params), idempotencyKey: key });
    const started = Date.now();
    const result = await this.callRun(stepId, stepTimeoutMs('action', definition.timeout), options, 'action', (context) => provider.run(params, context), key);
    return this.apply({ type: 'RecordActionResult', stepId, result, durationMs: Date.now() - started });
  }

  /** Looks every in-flight action's effect up by its idempotency key and records what was found. */
  async reconcileInFlight(options: RunOptions = {}): Promise<ReconcileOutcome[]> {
    const outcomes: ReconcileOutcome[] = [];
    for (const step of this.inFlight) {
      const intent = step.intent!;
      const definition = this.definition(step.id);
      let outcome: ReconcileOutcome['outcome'];
      let detail: string;
      let outputs: Record<string, unknown> = {};
      try {
        const provider = await this.service.deps.providers(intent.provider);
        if (!provider.reconcile) {
          outcome = 'unsupported';
          detail = `${intent.provider} cannot look its effect up; check by hand whether it happened before re-running`;
        } else {
          const params = this.resolveParams(intent.provider, definition.with, `steps.${step.id}.with`);
          const found = await this.call(step.id, stepTimeoutMs('check', definition.timeout), options, 'reconcile', (context) =>
            provider.reconcile!(params, context), intent.idempotencyKey);
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
  completeStep(stepId: string, options: { readonly note?: string; readonly overrideReason?: string } = {}): SessionState {
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
    return this.apply({ type: 'CompleteStep', stepId, note: options.note ?? null, overrideReason: options.overrideReason ?? null, drill });
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

  /** Records an interruption (the operator quits for now) and gives up the lock. */
  interrupt(reason = 'the operator left the session'): SessionState {
    if (this.closed) return this.current;
    const state = this.current.status === 'open' ? this.apply({ type: 'Interrupt', reason }) : this.current;
    this.release();
    return state;
  }

  /** Gives up the lock without recording anything (the next resume will see no interruption). */
  release(): void {
    this.closed = true;
    this.lock.release();
  }

  /** @internal decides a command or throws its refusal. */
  decideOrThrow(command: Command): NewEvent[] {
    const decision = decide(this.current, command);
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    return decision.events;
  }

  /** @internal redacts and appends events durably, then folds them in and tells listeners. */
  appendEvents(events: readonly NewEvent[]): SessionState {
    if (this.closed) throw new OperatorError(`session ${this.id} is no longer driven by this process`);
    const clean = events.map((event) => ({ ...event, data: capStrings(this.redactor.redact(toPlainJson(event.data))) }) as NewEvent);
    let state = this.current;
    const stored = this.service.store.append(this.id, clean, {
      expectedLastSeq: this.current.lastSeq,
      actor: this.service.deps.operator,
      at: this.service.deps.now().toISOString(),
      fold: (stored) => {
        for (const event of stored) state = evolve(state, event);
        return state;
      },
    });
    this.current = state;
    for (const listener of this.listeners) listener(state, stored);
    return state;
  }

  private apply(command: Command): SessionState {
    return this.appendEvents(this.decideOrThrow(command));
  }

  private ensureOpen(stepId: string): StepState {
    const step = this.current.steps[stepId];
    if (!step) throw new CommandRefusedError({ code: 'unknown-step', message: `runbook "${this.current.runbook?.id}" has no step "${stepId}"` });
    if (step.status === 'pending') this.openStep(stepId);
    return this.current.steps[stepId]!;
  }

  private definition(stepId: string): Step {
    const step = stepDefinition(this.current, stepId);
    if (!step) throw new CommandRefusedError({ code: 'unknown-step', message: `runbook "${this.current.runbook?.id}" has no step "${stepId}"` });
    return step;
  }

  private async prepare(step: Step): Promise<{ provider: Provider<unknown>; params: unknown }> {
    if (!step.uses) throw new OperatorError(`step "${step.id}" names no provider (uses:)`);
    const params = this.resolveParams(step.uses, step.with, `steps.${step.id}.with`);
    const provider = await this.service.deps.providers(step.uses);
    return { provider, params };
  }

  /** Resolves a step's `with:` templates and validates the result against the provider's schema. */
  private resolveParams(uses: string, raw: unknown, location: string): unknown {
    const definition = this.service.deps.definitions.get(uses);
    if (!definition) throw new OperatorError(`unknown provider "${uses}" at ${location}; run "runbook lint" for the list`);
    let resolved: unknown;
    try {
      resolved = resolveTemplates(raw ?? {}, this.scope(), location);
    } catch (error) {
      if (error instanceof TemplateResolutionError) throw new OperatorError(error.message);
      throw error;
    }
    const parsed = definition.params.safeParse(resolved);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${location}.${issue.path.join('.')}: ${issue.message}`);
      throw new OperatorError(`the resolved parameters of ${uses} are not valid`, undefined, issues.map((line) => this.redactor.redactText(line)));
    }
    return parsed.data;
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

  private scope(): TemplateScope {
    const state = this.current;
    const inputs: Record<string, unknown> = {};
    for (const [name, declared] of Object.entries(state.runbook?.inputs ?? {})) {
      if (declared.default !== undefined) inputs[name] = declared.default;
    }
    for (const [name, value] of Object.entries(state.inputs)) {
      if (value === REDACTED && state.secretInputs.includes(name)) {
        if (name in this.secretValues) inputs[name] = this.secretValues[name];
        else delete inputs[name];
      } else {
        inputs[name] = value;
      }
    }
    const steps: Record<string, { outputs: Record<string, unknown> }> = {};
    for (const [id, step] of Object.entries(state.steps)) {
      const secret = this.secretValues[`step:${id}`];
      steps[id] = { outputs: step.input?.secret && secret !== undefined ? { ...step.outputs, value: secret } : { ...step.outputs } };
    }
    return {
      inputs,
      steps,
      env: this.environment as unknown as Record<string, unknown>,
      session: {
        id: state.id,
        incident: state.incident ?? '',
        operator: state.operator,
        env: state.env,
        drill: state.drill,
        startedAt: state.startedAt ?? '',
      },
    };
  }

  private context(stepId: string, signal: AbortSignal, timeoutMs: number, options: RunOptions, key: string): StepContext {
    const artifactsDir = join(this.service.deps.artifactsRoot, this.id);
    mkdirSync(artifactsDir, { recursive: true, mode: 0o700 });
    return {
      sessionId: this.id,
      stepId,
      envName: this.current.env,
      environment: this.environment,
      idempotencyKey: key,
      signal,
      timeoutMs,
      artifactsDir,
      now: this.service.deps.now,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onOutput ? { onOutput: (chunk: string) => options.onOutput!(this.redactor.redactText(chunk)) } : {}),
    };
  }

  /** Runs one provider call under a deadline (aborting its signal when it passes). */
  private async call<T>(
    stepId: string,
    timeoutMs: number,
    options: RunOptions,
    what: string,
    work: (context: StepContext) => Promise<T>,
    key?: string,
  ): Promise<T> {
    const signal = deadline(timeoutMs, options.signal);
    const context = this.context(stepId, signal, timeoutMs, options, key ?? idempotencyKey(this.id, stepId, this.current.steps[stepId]?.attempt ?? 1));
    return bounded(work(context), signal, `${what} of step "${stepId}"`);
  }

  /** Like `call` for `run`: anything thrown becomes a classified failure result, recorded like any other. */
  private async callRun(
    stepId: string,
    timeoutMs: number,
    options: RunOptions,
    what: string,
    work: (context: StepContext) => Promise<StepResult>,
    key?: string,
  ): Promise<StepResult> {
    try {
      return await this.call(stepId, timeoutMs, options, what, work, key);
    } catch (error) {
      return toFailureResult(error, `${what} of step "${stepId}"`);
    }
  }

  private async poll(step: Step, provider: Provider<unknown>, params: unknown, timeoutMs: number, options: RunOptions): Promise<StepResult> {
    const intervalMs = (parseDurationSeconds(step.interval ?? '') ?? DEFAULT_WAIT_INTERVAL_MS / 1000) * 1000;
    const endsAt = Date.now() + timeoutMs;
    let polls = 0;
    // Re-polls start fast and back off to the step's interval: a wait that is nearly over when it
    // opens (a small restore promoting a moment after it started) passes in a moment instead of a
    // whole interval later, and long waits still settle at the interval.
    let delayMs = Math.min(intervalMs, FIRST_REPOLL_MS);
    for (;;) {
      polls++;
      const remaining = Math.max(1, endsAt - Date.now());
      const result = await this.callRun(step.id, Math.min(remaining, defaultTimeoutMs.check), options, 'check', (context) =>
        provider.run(params, context),
      );
      if (result.ok || options.signal?.aborted) return result;
      if (Date.now() + delayMs >= endsAt) {
        return { ...result, detail: `still not passing after ${polls} polls over ${Math.round(timeoutMs / 1000)}s: ${result.detail}` };
      }
      options.onProgress?.({ message: `poll ${polls}: ${this.redactor.redactText(result.detail)}`, fraction: 1 - (endsAt - Date.now()) / timeoutMs });
      try {
        await sleep(delayMs, options.signal);
      } catch (error) {
        return toFailureResult(error, `wait of step "${step.id}"`);
      }
      delayMs = Math.min(intervalMs, delayMs * 2);
    }
  }
}

/** "sha256:<hex>" of the canonical JSON of a runbook, as pinned by SessionStarted. */
export function runbookHash(runbook: Runbook): string {
  return contentHash(toPlainJson(runbook));
}

function runbookChanges(state: SessionState, runbooks: LoadedRunbooks | undefined): string[] {
  if (!runbooks || !state.runbook) return [];
  const current = runbooks.file.runbooks.find((candidate) => candidate.id === state.runbook!.id);
  if (!current) return [`runbook "${state.runbook.id}" is no longer in ${runbooks.path}`];
  if (runbookHash(current) === state.runbookHash) return [];
  const changes = describeRunbookChanges(state.runbook, current);
  return changes.length > 0 ? changes : ['runbook content changed'];
}

function capStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… [${value.length - MAX_STRING} more characters not recorded]` : value;
  if (Array.isArray(value)) return value.map(capStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item)]));
  }
  return value;
}
