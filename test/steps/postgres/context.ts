/** StepContext for provider tests: a real deadline signal, an environment naming the test clusters. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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

/** Temp directories made by the importing test file; removed after its tests (registered at collection). */
const made: string[] = [];
afterAll(() => {
  made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  sharedArtifactsDir = undefined;
});

/** A temp directory removed after the test file's tests. */
export function tempDir(prefix = 'runbook-artifacts-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

let sharedArtifactsDir: string | undefined;

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
    artifactsDir: options.artifactsDir ?? (sharedArtifactsDir ??= tempDir()),
    now: () => new Date(),
    onProgress: (progress) => options.progress?.push(progress.message),
  };
}
