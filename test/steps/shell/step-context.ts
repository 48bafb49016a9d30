/** A StepContext for provider tests: a real signal and bound, a fixed or real clock, captured progress and output. */
import type { ResolvedEnvironment } from '../../../src/runbooks/environment.js';
import type { StepContext } from '../../../src/steps/provider.js';

export interface TestContext extends StepContext {
  readonly progress: string[];
  readonly output: string[];
}

/** A context with a real deadline signal (timeoutMs, default 20s) unless a signal is given. */
export function stepContext(overrides: Partial<Omit<StepContext, 'environment'>> & { environment?: Partial<ResolvedEnvironment> } = {}): TestContext {
  const progress: string[] = [];
  const output: string[] = [];
  const timeoutMs = overrides.timeoutMs ?? 20_000;
  const environment: ResolvedEnvironment = {
    name: 'test',
    protected: false,
    postgres: {},
    vars: {},
    secrets: [],
    ...overrides.environment,
  } as ResolvedEnvironment;
  return {
    sessionId: 'session-1',
    stepId: 'step-1',
    envName: 'test',
    idempotencyKey: 'session-1/step-1',
    artifactsDir: '/tmp',
    now: () => new Date(),
    onProgress: (update) => progress.push(update.message),
    onOutput: (chunk) => output.push(chunk),
    ...overrides,
    signal: overrides.signal ?? AbortSignal.timeout(timeoutMs),
    timeoutMs,
    environment,
    progress,
    output,
  };
}
