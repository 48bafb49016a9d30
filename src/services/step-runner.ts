/**
 * The one step runner. Every automated step, whether a guided session, a headless run or
 * `runbook check` runs it, goes through here: resolve its templates against the scope, validate
 * the result against the provider's schema (listing every issue), call the provider under a
 * deadline that aborts its signal and a hard bound that ends the call even when the provider
 * ignores that signal, turn anything thrown into a classified failure, and redact what comes back.
 * It records nothing: the session records intent and result events around it.
 */
import { mkdirSync } from 'node:fs';
import { OperatorError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { ResolvedEnvironment } from '../runbooks/environment.js';
import type { Step } from '../runbooks/schema.js';
import { resolveTemplates, TemplateResolutionError, type TemplateScope } from '../runbooks/templates.js';
import type { Redactor } from '../state/redact.js';
import { loadProvider, providerDefinitions } from '../steps/catalog.js';
import type { ProviderDefinition } from '../steps/definition.js';
import { parseDurationSeconds } from '../steps/params.js';
import type { ActionPreview, Choice, Failure, Provider, Reconciliation, StepContext, StepResult } from '../steps/provider.js';
import { bounded, deadline, ProviderFailure, sleep, toFailureResult } from '../steps/support/call.js';

/** Default bounds when a step gives no `timeout:`. */
const defaultTimeoutMs = { check: 30_000, wait: 600_000, action: 600_000, input: 30_000 } as const;

/** The bound in milliseconds for a step: its `timeout:` or the default for its kind. */
function stepTimeoutMs(kind: keyof typeof defaultTimeoutMs, timeout: string | undefined): number {
  const seconds = timeout ? parseDurationSeconds(timeout) : undefined;
  return seconds !== undefined ? seconds * 1000 : defaultTimeoutMs[kind];
}

export type ProviderLoader = (name: string) => Promise<Provider<unknown>>;

/** A template names a value that does not exist yet (a later step's output, an input not given). */
export class StepNotReadyError extends OperatorError {
  constructor(readonly template: string, message: string) {
    super(message);
    this.name = 'StepNotReadyError';
  }
}

/** The resolved parameters do not fit the provider's schema; `details` lists every issue. */
export class InvalidParametersError extends OperatorError {
  constructor(uses: string, readonly issues: readonly string[]) {
    super(`the resolved parameters of ${uses} are not valid: ${issues.join('; ')}`, ExitCode.usage, issues);
    this.name = 'InvalidParametersError';
  }
}

/** A preview, a reconciliation or a choice list failed in a classified way (the message carries the advice). */
export class StepCallError extends OperatorError {
  constructor(message: string, readonly failure: Failure) {
    super(message, ExitCode.failed);
    this.name = 'StepCallError';
  }
}

/** Where a step runs and what its output must never show. */
export interface RunnerTarget {
  /** The session (or the check run) the call belongs to. */
  readonly sessionId: string;
  readonly environment: ResolvedEnvironment;
  /** Created before the first call that may write an artifact. */
  readonly artifactsDir: string;
  readonly redactor: Redactor;
}

export interface RunnerDeps {
  readonly definitions?: ReadonlyMap<string, ProviderDefinition>;
  readonly load?: ProviderLoader;
  readonly now?: () => Date;
}

/** Cancellation by the operator, and where progress and live output go (already redacted). */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: StepContext['onProgress'];
  readonly onOutput?: StepContext['onOutput'];
}

/** One call of a step: the step as written, what its templates resolve against, and its idempotency key. */
export interface StepCall extends CallOptions {
  readonly step: Step;
  readonly scope: TemplateScope;
  readonly idempotencyKey: string;
}

/** A result with how long it took, redacted. */
export type TimedResult = StepResult & { readonly durationMs: number };

/** The resolved, validated parameters of a call, with their redacted copy for the log. */
export interface PreparedCall {
  readonly uses: string;
  readonly params: unknown;
  readonly recorded: unknown;
}

const DEFAULT_WAIT_INTERVAL_MS = 10_000;
/** The first re-poll of a wait; later ones double up to the step's interval. */
const FIRST_REPOLL_MS = 100;

/** Runs the automated steps of one session or check run. */
export class StepRunner {
  private readonly definitions: ReadonlyMap<string, ProviderDefinition>;
  private readonly load: ProviderLoader;
  private readonly now: () => Date;

  constructor(
    private readonly target: RunnerTarget,
    deps: RunnerDeps = {},
  ) {
    this.definitions = deps.definitions ?? providerDefinitions;
    this.load = deps.load ?? loadProvider;
    this.now = deps.now ?? (() => new Date());
  }

  /** Resolves and validates a step's `with:` (or an input's `from.with:`): a StepNotReadyError or InvalidParametersError when it cannot. */
  prepare(step: Step, scope: TemplateScope, source: 'with' | 'input' = 'with'): PreparedCall {
    const from = source === 'input' ? step.input?.from : undefined;
    const uses = source === 'input' ? from?.uses : step.uses;
    const raw = source === 'input' ? from?.with : step.with;
    const location = source === 'input' ? `steps.${step.id}.input.from.with` : `steps.${step.id}.with`;
    if (!uses) throw new OperatorError(`step "${step.id}" names no provider (${source === 'input' ? 'input.from.uses' : 'uses'}:)`);
    const definition = this.definitions.get(uses);
    if (!definition) throw new OperatorError(`unknown provider "${uses}" at ${location}; run "runbook lint" for the list`);
    let resolved: unknown;
    try {
      resolved = resolveTemplates(raw ?? {}, scope, location);
    } catch (error) {
      if (error instanceof TemplateResolutionError) throw new StepNotReadyError(error.template, this.target.redactor.redactText(error.message));
      throw error;
    }
    const parsed = definition.params.safeParse(resolved);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) =>
        this.target.redactor.redactText(`${location}${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`),
      );
      throw new InvalidParametersError(uses, issues);
    }
    return { uses, params: parsed.data, recorded: this.target.redactor.redact(parsed.data) };
  }

  /** Runs a check once, or polls a wait until it passes or its bound ends. Never throws for a provider's failure. */
  async check(call: StepCall, prepared: PreparedCall = this.prepare(call.step, call.scope)): Promise<TimedResult> {
    const kind = call.step.kind === 'wait' ? 'wait' : 'check';
    const timeoutMs = stepTimeoutMs(kind, call.step.timeout);
    return this.timed(call, prepared, (provider) =>
      kind === 'wait'
        ? this.poll(call, provider, prepared.params, timeoutMs)
        : this.runOnce(call, timeoutMs, 'check', (context) => provider.run(prepared.params, context)),
    );
  }

  /** Runs an action (its intent is already recorded). Never throws for a provider's failure. */
  async action(call: StepCall, prepared: PreparedCall = this.prepare(call.step, call.scope)): Promise<TimedResult> {
    const timeoutMs = stepTimeoutMs('action', call.step.timeout);
    return this.timed(call, prepared, (provider) => this.runOnce(call, timeoutMs, 'action', (context) => provider.run(prepared.params, context)));
  }

  /** What an action will do: the provider's dry run, or its resolved values when it has none. */
  async preview(call: StepCall, prepared: PreparedCall = this.prepare(call.step, call.scope)): Promise<ActionPreview & { readonly durationMs: number }> {
    const started = Date.now();
    const provider = await this.provider(prepared.uses);
    const preview: ActionPreview = provider.preview
      ? await this.invoke(call, stepTimeoutMs('check', call.step.timeout), 'preview', (context) => provider.preview!(prepared.params, context))
      : {
          summary: `run ${prepared.uses} (no dry-run available)`,
          details: Object.entries(prepared.params as Record<string, unknown>).map(([label, value]) => ({
            label,
            value: typeof value === 'string' ? value : JSON.stringify(value),
          })),
        };
    return { ...this.target.redactor.redact(preview), durationMs: Date.now() - started };
  }

  /** Looks an in-flight action's effect up by its idempotency key; a StepCallError when it cannot. */
  async reconcile(call: StepCall, uses: string): Promise<Reconciliation | null> {
    const provider = await this.provider(uses);
    if (!provider.reconcile) return null;
    const prepared = this.prepare(call.step, call.scope);
    const found = await this.invoke(call, stepTimeoutMs('check', call.step.timeout), 'reconcile', (context) => provider.reconcile!(prepared.params, context));
    return this.target.redactor.redact(found);
  }

  /** The live choices of an input step fed from a provider; a StepCallError when they cannot be listed. */
  async choices(call: StepCall): Promise<Choice[]> {
    const prepared = this.prepare(call.step, call.scope, 'input');
    const provider = await this.provider(prepared.uses);
    if (!provider.choices) throw new OperatorError(`provider "${prepared.uses}" cannot list choices`);
    const choices = await this.invoke(call, stepTimeoutMs('check', call.step.timeout), 'choices', (context) => provider.choices!(prepared.params, context));
    return this.target.redactor.redact(choices);
  }

  private async provider(uses: string): Promise<Provider<unknown>> {
    return this.load(uses);
  }

  /** Loads the provider and runs `work` with it, timing the whole; a provider that cannot load is a classified failure too. */
  private async timed(call: StepCall, prepared: PreparedCall, work: (provider: Provider<unknown>) => Promise<StepResult>): Promise<TimedResult> {
    const started = Date.now();
    let result: StepResult;
    try {
      result = await work(await this.provider(prepared.uses));
    } catch (error) {
      result = this.target.redactor.redact(toFailureResult(error, `step "${call.step.id}"`));
    }
    return { ...result, durationMs: Date.now() - started };
  }

  /** One provider call under the deadline and the hard bound; a classified StepCallError when it fails. */
  private async invoke<T>(call: StepCall, timeoutMs: number, what: string, work: (context: StepContext) => Promise<T>): Promise<T> {
    try {
      return await this.bounded(call, timeoutMs, what, work);
    } catch (error) {
      const failure = toFailureResult(error, `${what} of step "${call.step.id}"`);
      throw new StepCallError(this.target.redactor.redactText(failure.detail), failure.failure!);
    }
  }

  /** Like `invoke` for `run`: anything thrown becomes a classified failure result. */
  private async runOnce(call: StepCall, timeoutMs: number, what: string, work: (context: StepContext) => Promise<StepResult>): Promise<StepResult> {
    let result: StepResult;
    try {
      result = await this.bounded(call, timeoutMs, what, work);
    } catch (error) {
      result = toFailureResult(error, `${what} of step "${call.step.id}"`);
    }
    return this.target.redactor.redact(result);
  }

  private bounded<T>(call: StepCall, timeoutMs: number, what: string, work: (context: StepContext) => Promise<T>): Promise<T> {
    const signal = deadline(timeoutMs, call.signal);
    // The race ends the call at its bound even when the provider never looks at its signal.
    return bounded(work(this.context(call, signal, timeoutMs)), signal, `${what} of step "${call.step.id}"`);
  }

  private context(call: StepCall, signal: AbortSignal, timeoutMs: number): StepContext {
    const { redactor, artifactsDir } = this.target;
    mkdirSync(artifactsDir, { recursive: true, mode: 0o700 });
    const { onProgress, onOutput } = call;
    return {
      sessionId: this.target.sessionId,
      stepId: call.step.id,
      envName: this.target.environment.name,
      environment: this.target.environment,
      idempotencyKey: call.idempotencyKey,
      signal,
      timeoutMs,
      artifactsDir,
      now: this.now,
      ...(onProgress ? { onProgress: (progress) => onProgress({ ...progress, message: redactor.redactText(progress.message) }) } : {}),
      ...(onOutput ? { onOutput: (chunk: string) => onOutput(redactor.redactText(chunk)) } : {}),
    };
  }

  private async poll(call: StepCall, provider: Provider<unknown>, params: unknown, timeoutMs: number): Promise<StepResult> {
    const intervalMs = (parseDurationSeconds(call.step.interval ?? '') ?? DEFAULT_WAIT_INTERVAL_MS / 1000) * 1000;
    const endsAt = Date.now() + timeoutMs;
    let polls = 0;
    // Re-polls start fast and back off to the step's interval: a wait that is nearly over when it
    // opens (a small restore promoting a moment after it started) passes in a moment instead of a
    // whole interval later, and long waits still settle at the interval.
    let delayMs = Math.min(intervalMs, FIRST_REPOLL_MS);
    for (;;) {
      polls++;
      const remaining = Math.max(1, endsAt - Date.now());
      const result = await this.runOnce(call, Math.min(remaining, defaultTimeoutMs.check), 'check', (context) => provider.run(params, context));
      // A failure that polling cannot mend (the target is gone, the parameters are wrong) ends the wait at once.
      if (result.ok || call.signal?.aborted || result.failure?.class === 'invalid-input' || result.final === true) return result;
      if (Date.now() + delayMs >= endsAt) {
        return { ...result, detail: `still not passing after ${polls} polls over ${Math.round(timeoutMs / 1000)}s: ${result.detail}` };
      }
      call.onProgress?.({ message: `poll ${polls}: ${this.target.redactor.redactText(result.detail)}`, fraction: 1 - (endsAt - Date.now()) / timeoutMs });
      try {
        await sleep(delayMs, call.signal);
      } catch (error) {
        return toFailureResult(error, `wait of step "${call.step.id}"`);
      }
      delayMs = Math.min(intervalMs, delayMs * 2);
    }
  }
}
