/** StepContext for provider tests: a real deadline signal, an environment naming the test clusters. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedEnvironment } from '../../../src/runbooks/environment.js';
import type { StepContext } from '../../../src/steps/provider.js';
import { deadline } from '../../../src/steps/support/call.js';

export type Connections = Record<string, { url: string; dataDir?: string; binDir?: string; runAs?: string }>;

export interface ContextOptions {
  timeoutMs?: number;
  backup?: ResolvedEnvironment['backup'];
  secrets?: string[];
  artifactsDir?: string;
  stepId?: string;
  signal?: AbortSignal;
  progress?: string[];
}

/** A context for one provider call against the given connections. */
export function stepContext(postgres: Connections, options: ContextOptions = {}): StepContext {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const environment = {
    name: 'test',
    protected: false,
    postgres,
    vars: {},
    secrets: options.secrets ?? [],
    ...(options.backup ? { backup: options.backup } : {}),
  } as ResolvedEnvironment;
  return {
    sessionId: 'session-1',
    stepId: options.stepId ?? 'step-1',
    envName: 'test',
    environment,
    idempotencyKey: 'session-1/step-1',
    signal: deadline(timeoutMs, options.signal),
    timeoutMs,
    artifactsDir: options.artifactsDir ?? mkdtempSync(join(tmpdir(), 'runbook-artifacts-')),
    now: () => new Date(),
    onProgress: (progress) => options.progress?.push(progress.message),
  };
}
