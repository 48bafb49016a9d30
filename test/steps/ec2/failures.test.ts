import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshots } from '../../../src/steps/ec2/definitions.js';
import { providers } from '../../../src/steps/ec2/index.js';
import { awsContext } from '../../support/aws-context.js';
import { standardSeed, startEc2Emulator, type Ec2Emulator } from '../../support/ec2.js';

const NOW = new Date();
const check = providers['ec2.snapshots']!;
const params = snapshots.params.parse({ volumeId: 'vol-0db' });
let emulator: Ec2Emulator;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  emulator = await startEc2Emulator({ seed: standardSeed(NOW) });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.state.clearInjections();
  emulator.state.deniedActions.clear();
});

const context = (extra: Parameters<typeof awsContext>[0] = {}) => awsContext({ ec2: emulator.endpoint, now: NOW, ...extra });

describe('ec2 failure classes', () => {
  it('unreachable: nothing listens on the endpoint (not retried)', async () => {
    const ctx = awsContext({ ec2: `http://127.0.0.1:${await closedPort()}` });
    const result = await check.run(params, ctx);
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toContain('ECONNREFUSED');
    expect(ctx.progress).toEqual([]);
  });

  it('authentication: AuthFailure for credentials EC2 does not accept', async () => {
    const strict = await startEc2Emulator({ requiredAccessKeyId: 'AKIAGOOD', seed: standardSeed(NOW) });
    try {
      const rejected = await check.run(params, awsContext({ ec2: strict.endpoint, accessKeyId: 'AKIABAD' }));
      expect(rejected.failure?.class).toBe('authentication');
      expect(rejected.detail).toContain('AuthFailure (HTTP 401)');
      expect(rejected.failure?.advice).toContain('credentials');
      const accepted = await check.run(params, awsContext({ ec2: strict.endpoint, accessKeyId: 'AKIAGOOD' }));
      expect(accepted.ok).toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('permission: UnauthorizedOperation', async () => {
    emulator.state.deniedActions.add('DescribeSnapshots');
    const result = await check.run(params, context());
    expect(result.failure?.class).toBe('permission');
  });

  it('throttled then recovering: RequestLimitExceeded twice is retried, reported, and the check passes', async () => {
    emulator.state.injectFaults({ action: 'DescribeSnapshots', code: 'RequestLimitExceeded', times: 2 });
    const ctx = context();
    const result = await check.run(params, ctx);
    expect(result.ok).toBe(true);
    expect(result.outputs.newestSnapshotId).toBe('snap-0a3');
    expect(ctx.progress).toHaveLength(2);
    expect(ctx.progress[0]).toMatch(/^EC2 DescribeSnapshots: RequestLimitExceeded; retrying in \d+\.\ds \(attempt 2\)$/);
  });

  it('a transient 500 is retried once and reported', async () => {
    emulator.state.injectFaults({ action: 'DescribeVolumes', code: 'InternalError' });
    const ctx = context();
    const result = await providers['ec2.describeVolume']!.run({ volumeId: 'vol-0db' }, ctx);
    expect(result.ok).toBe(true);
    expect(ctx.progress).toHaveLength(1);
    expect(ctx.progress[0]).toContain('InternalError');
  });

  it('timeout: an answer slower than the step timeout', async () => {
    emulator.state.injectDelay({ action: 'DescribeSnapshots', ms: 1500 });
    const started = Date.now();
    const result = await check.run(params, context({ timeoutMs: 300 }));
    expect(result.failure?.class).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1200);
    await new Promise((resolve) => setTimeout(resolve, 1300));
  });

  it('not found: InvalidVolume.NotFound is not retried', async () => {
    const ctx = context();
    const result = await providers['ec2.describeVolume']!.run({ volumeId: 'vol-0404' }, ctx);
    expect(result.failure?.class).toBe('not-found');
    expect(ctx.progress).toEqual([]);
  });

  it('invalid input: an emulated environment refuses a non-loopback endpoint', async () => {
    const result = await check.run(params, awsContext({ ec2: 'https://ec2.us-east-1.amazonaws.com' }));
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('not a loopback address');
  });
});
