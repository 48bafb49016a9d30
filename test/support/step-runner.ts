/**
 * Runs one provider through the product's own step runner, outside any session: for tests that
 * exercise a provider against a real backend and want the same validation, bound and
 * classification that sessions and `runbook check` get.
 */
import { tmpdir } from 'node:os';
import type { ResolvedEnvironment } from '../../src/runbooks/environment.js';
import type { Step } from '../../src/runbooks/schema.js';
import { StepRunner, type TimedResult } from '../../src/services/step-runner.js';
import { buildTemplateScope } from '../../src/services/template-scope.js';
import { Redactor } from '../../src/state/redact.js';

/** A step of `kind` that calls `uses` with `params` (no templates), bounded by `timeoutMs`. */
export function providerStep(uses: string, params: unknown, kind: Step['kind'] = 'check', timeoutMs?: number): Step {
  return {
    id: 'test-step',
    kind,
    title: `test ${uses}`,
    do: 'run by a test',
    uses,
    with: params as Record<string, unknown>,
    ...(timeoutMs === undefined ? {} : { timeout: `${Math.max(1, Math.round(timeoutMs / 1000))}s` }),
  } as Step;
}

/** A runner on `environment` writing artifacts under `artifactsDir`. */
export function testRunner(environment: ResolvedEnvironment, artifactsDir: string = tmpdir()): StepRunner {
  return new StepRunner({ sessionId: 'test-session', environment, artifactsDir, redactor: new Redactor(environment.secrets) });
}

/** Runs `uses` once as a check (or as an action) through the step runner. */
export async function runProviderOnce(
  environment: ResolvedEnvironment,
  uses: string,
  params: unknown,
  options: { readonly kind?: 'check' | 'action'; readonly timeoutMs?: number; readonly artifactsDir?: string } = {},
): Promise<TimedResult> {
  const runner = testRunner(environment, options.artifactsDir);
  const step = providerStep(uses, params, options.kind ?? 'check', options.timeoutMs);
  const call = { step, scope: emptyScope(environment), idempotencyKey: 'test-session:test-step' };
  return options.kind === 'action' ? runner.action(call) : runner.check(call);
}

/** A scope with nothing in it but the environment. */
export function emptyScope(environment: ResolvedEnvironment) {
  return buildTemplateScope({
    runbook: null,
    inputs: {},
    steps: {},
    environment,
    session: { id: 'test-session', incident: null, operator: 'test@host', drill: false, startedAt: null },
  });
}
