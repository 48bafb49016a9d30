/**
 * `runbook check`: runs only the check steps of a runbook, headless and in parallel with a bound,
 * through the same step runner as a session, and says for each failure which alert it is and
 * which section to open. Every outcome is redacted like the log before anyone prints it.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ConfigError } from '../errors.js';
import { notApplicableReason } from '../runbooks/applicability.js';
import { findEnvironment, findRunbook } from '../runbooks/lookup.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../runbooks/environment.js';
import type { Alert, Runbook, RunbooksFile, Step } from '../runbooks/schema.js';
import type { TemplateScope } from '../runbooks/templates.js';
import { currentOperator } from '../state/operator.js';
import { Redactor } from '../state/redact.js';
import type { Failure } from '../steps/provider.js';
import { InvalidParametersError, StepNotReadyError, StepRunner, type ProviderLoader } from './step-runner.js';
import { buildTemplateScope } from './template-scope.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckOutcome {
  readonly runbook: string;
  readonly section: string;
  readonly step: string;
  readonly title: string;
  readonly uses: string;
  readonly status: CheckStatus;
  readonly observed?: unknown;
  readonly expected?: string;
  readonly detail: string;
  readonly failure?: Failure;
  readonly durationMs: number;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The alert this check detects, when it failed and the step names one. */
  readonly alert?: { readonly id: string; readonly name: string };
  /** The command that opens the section handling the failure. */
  readonly open?: string;
  readonly signal?: { readonly asset: string; readonly kind: string };
  readonly finishedAt: string;
}

export interface CheckRun {
  readonly runbook: string;
  readonly env: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcomes: readonly CheckOutcome[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunChecksOptions {
  readonly file: RunbooksFile;
  readonly runbookId: string;
  readonly envName: string | undefined;
  readonly processEnv?: NodeJS.ProcessEnv;
  /** How many checks run at once. */
  readonly concurrency?: number;
  readonly now?: () => Date;
  readonly load?: ProviderLoader;
  readonly artifactsDir?: string;
  readonly signal?: AbortSignal;
}

/** Picks the environment: the one named, or the only one; otherwise says which to pass. */
export function chooseEnvironment(file: RunbooksFile, name: string | undefined): string {
  const names = Object.keys(file.environments);
  if (name === undefined) {
    if (names.length === 1) return names[0]!;
    throw new ConfigError(`pass --env with one of: ${names.join(', ')}`);
  }
  findEnvironment(file, name);
  return name;
}

/** Runs every check step of the runbook against the environment. */
export async function runChecks(options: RunChecksOptions): Promise<CheckRun> {
  const now = options.now ?? (() => new Date());
  const runbook = findRunbook(options.file, options.runbookId);
  const envName = chooseEnvironment(options.file, options.envName);
  const environment = resolveEnvironment(envName, options.file.environments[envName]!, options.processEnv);
  const startedAt = now();
  const checkId = `check-${startedAt.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
  const scope = buildTemplateScope({
    runbook,
    inputs: {},
    steps: {},
    environment,
    session: { id: checkId, incident: null, operator: currentOperator(options.processEnv), drill: false, startedAt: startedAt.toISOString() },
  });
  const runner = new StepRunner(
    { sessionId: checkId, environment, artifactsDir: options.artifactsDir ?? join(tmpdir(), 'runbook-check'), redactor: new Redactor(environment.secrets) },
    { ...(options.load ? { load: options.load } : {}), now },
  );

  const jobs = runbook.sections.flatMap((section) =>
    section.steps.filter((step) => step.kind === 'check').map((step) => ({ section: section.id, step })),
  );
  const outcomes = await mapBounded(jobs, options.concurrency ?? 4, ({ section, step }) =>
    runOne({ options, runbook, section, step, environment, scope, runner, checkId, now }),
  );
  return {
    runbook: runbook.id,
    env: envName,
    startedAt: startedAt.toISOString(),
    durationMs: now().getTime() - startedAt.getTime(),
    outcomes,
    passed: outcomes.filter((outcome) => outcome.status === 'passed').length,
    failed: outcomes.filter((outcome) => outcome.status === 'failed').length,
    skipped: outcomes.filter((outcome) => outcome.status === 'skipped').length,
  };
}

interface OneCheck {
  readonly options: RunChecksOptions;
  readonly runbook: Runbook;
  readonly section: string;
  readonly step: Step;
  readonly environment: ResolvedEnvironment;
  readonly scope: TemplateScope;
  readonly runner: StepRunner;
  readonly checkId: string;
  readonly now: () => Date;
}

async function runOne(job: OneCheck): Promise<CheckOutcome> {
  const { step, runbook, section } = job;
  const base = {
    runbook: runbook.id,
    section,
    step: step.id,
    title: step.title,
    uses: step.uses ?? '',
    ...(step.signal ? { signal: step.signal } : {}),
  };
  const skipped = (detail: string): CheckOutcome => ({
    ...base, status: 'skipped', detail, durationMs: 0, outputs: {}, finishedAt: job.now().toISOString(),
  });
  const notApplicable = notApplicableReason(step, job.environment, job.environment.name);
  if (notApplicable) return skipped(notApplicable);
  const call = { step, scope: job.scope, idempotencyKey: `${job.checkId}-${step.id}`, ...(job.options.signal ? { signal: job.options.signal } : {}) };
  let result;
  try {
    result = await job.runner.check(call);
  } catch (error) {
    if (error instanceof StepNotReadyError) {
      return skipped(`needs a value only a guided session has (${error.template}); run it with "runbook start ${runbook.id}"`);
    }
    if (error instanceof InvalidParametersError) {
      result = { ok: false, outputs: {}, detail: error.message, failure: { class: 'invalid-input' as const, advice: 'fix the value (or the template that produced it) and re-run' }, durationMs: 0 };
    } else {
      throw error;
    }
  }
  const failed = !result.ok;
  const alert = failed && step.alert ? job.options.file.alerts.find((candidate) => candidate.id === step.alert) : undefined;
  return {
    ...base,
    status: failed ? 'failed' : 'passed',
    ...(result.observed !== undefined ? { observed: result.observed } : {}),
    ...(result.expected !== undefined ? { expected: result.expected } : {}),
    detail: result.detail,
    ...(result.failure ? { failure: result.failure } : {}),
    durationMs: result.durationMs,
    outputs: result.outputs,
    ...(alert ? { alert: { id: alert.id, name: alert.name } } : {}),
    ...(failed ? { open: openCommand(alert, runbook.id, section, job.environment.name) } : {}),
    finishedAt: job.now().toISOString(),
  };
}

/** The command that opens the section handling a failure: the alert's link, else the check's own section. */
function openCommand(alert: Alert | undefined, runbookId: string, sectionId: string, envName: string): string {
  const [linkedRunbook, linkedSection] = alert ? alert.link.split('#') : [runbookId, sectionId];
  return `runbook start ${linkedRunbook} --env ${envName} --at ${linkedSection}`;
}

/** Maps with at most `limit` calls in flight, keeping input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
