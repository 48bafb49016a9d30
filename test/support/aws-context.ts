/** A StepContext for running AWS providers against the local emulators in tests. */
import type { ResolvedEnvironment } from '../../src/runbooks/environment.js';
import type { StepContext } from '../../src/steps/provider.js';

export interface AwsContextOptions {
  readonly ec2?: string;
  readonly s3?: string;
  readonly timeoutMs?: number;
  readonly now?: Date;
  readonly idempotencyKey?: string;
  readonly stepId?: string;
  readonly emulated?: boolean;
  readonly accessKeyId?: string;
  readonly postgres?: Record<string, { url: string }>;
  readonly signal?: AbortSignal;
}

/** A context whose environment points at the given emulator endpoints; progress messages are collected. */
export function awsContext(options: AwsContextOptions): StepContext & { progress: string[] } {
  const progress: string[] = [];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const environment = {
    name: 'test',
    protected: false,
    postgres: options.postgres ?? {},
    vars: {},
    secrets: [],
    aws: {
      region: 'us-east-1',
      endpoints: { ...(options.ec2 ? { ec2: options.ec2 } : {}), ...(options.s3 ? { s3: options.s3 } : {}) },
      forcePathStyle: true,
      ...(options.accessKeyId ? { accessKeyId: options.accessKeyId, secretAccessKey: 'test-secret' } : { emulated: options.emulated ?? true }),
    },
  } as unknown as ResolvedEnvironment;
  return {
    sessionId: 'sess-test',
    stepId: options.stepId ?? 'step-test',
    envName: 'test',
    environment,
    idempotencyKey: options.idempotencyKey ?? `sess-test:${options.stepId ?? 'step-test'}`,
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    timeoutMs,
    artifactsDir: '/tmp',
    now: () => options.now ?? new Date(),
    onProgress: (p) => progress.push(p.message),
    progress,
  };
}
