import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/ec2/index.js';
import { snapshots } from '../../../src/steps/ec2/definitions.js';
import { awsContext } from '../../support/aws-context.js';
import { hoursBefore, standardSeed, startEc2Emulator, type Ec2Emulator } from '../../support/ec2.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
let emulator: Ec2Emulator;

beforeAll(async () => {
  emulator = await startEc2Emulator({ seed: standardSeed(NOW) });
  // A fleet of 120 tagged volumes (for the many-volumes case): vol-0f000…vol-0f119, each with one snapshot; two are stale.
  emulator.state.seed({
    snapshots: Array.from({ length: 120 }, (_, index) => ({
      snapshotId: `snap-0f${String(index).padStart(3, '0')}`,
      volumeId: `vol-0f${String(index).padStart(3, '0')}`,
      startTime: hoursBefore(NOW, index < 2 ? 40 : 3 + (index % 10)),
      tags: { fleet: 'web' },
    })),
  });
});

afterAll(async () => {
  await emulator.close();
});

const context = (extra: Parameters<typeof awsContext>[0] = {}) => awsContext({ ec2: emulator.endpoint, now: NOW, ...extra });
const params = (input: unknown) => snapshots.params.parse(input);

describe('ec2.snapshots', () => {
  it('reports the newest completed snapshot of a volume and its age; pending and failed ones are not "newest"', async () => {
    const result = await providers['ec2.snapshots']!.run(params({ volumeId: 'vol-0db', maxAge: '30h' }), context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({
      newestSnapshotId: 'snap-0a3',
      newestStartTime: hoursBefore(NOW, 26),
      ageSeconds: 26 * 3600,
      completedCount: 4,
      failedCount: 1,
      inWindow: null,
    });
  });

  it('fails when the newest completed snapshot is older than maxAge', async () => {
    const result = await providers['ec2.snapshots']!.run(params({ volumeId: 'vol-0db', maxAge: '24h' }), context());
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.detail).toContain('newest completed snapshot is 26h old (limit 1d)');
  });

  it('fails on failed snapshots inside failedWindow, not outside it', async () => {
    const recent = await providers['ec2.snapshots']!.run(params({ volumeId: 'vol-0db', failedWindow: '6h' }), context());
    expect(recent.ok).toBe(false);
    expect(recent.detail).toContain('1 failed snapshots in the last 6h (snap-0a4)');
    const earlier = await providers['ec2.snapshots']!.run(params({ volumeId: 'vol-0db', failedWindow: '1h' }), context());
    expect(earlier.ok).toBe(true);
    expect(earlier.outputs.failedCount).toBe(0);
  });

  it('counts completed snapshots in a retention window', async () => {
    const enough = await providers['ec2.snapshots']!.run(params({ tags: { app: 'orders' }, window: '3d', minInWindow: 2 }), context());
    expect(enough.ok).toBe(true);
    expect(enough.outputs.inWindow).toBe(2);
    const short = await providers['ec2.snapshots']!.run(params({ volumeId: 'vol-0db', window: '2d', minInWindow: 2 }), context());
    expect(short.ok).toBe(false);
    expect(short.detail).toContain('1 completed snapshots in the last 2d (need 2)');
  });

  it('across many tagged volumes, names how many lack a fresh snapshot', async () => {
    const result = await providers['ec2.snapshots']!.run(params({ tags: { fleet: 'web' }, maxAge: '24h' }), context());
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('2 of 120 volumes have no completed snapshot younger than 1d');
    expect(result.observed).toMatchObject({ volumes: 120, staleVolumes: ['vol-0f000', 'vol-0f001'] });
    expect(result.outputs.ageSeconds).toBe(3 * 3600);
  });

  it('offers the snapshots newest first as a live list, the newest completed marked, failed and pending disabled', async () => {
    const choices = await providers['ec2.snapshots']!.choices!(params({ volumeId: 'vol-0db' }), context());
    expect(choices.map((c) => [c.value, c.marked ?? '', c.disabled ?? false])).toEqual([
      ['snap-0a5', '', true],
      ['snap-0a4', '', true],
      ['snap-0a3', 'last known good', false],
      ['snap-0a2', '', false],
      ['snap-0a1', '', false],
      ['snap-0bad', '', false],
    ]);
    expect(choices[2]!.label).toBe(`snap-0a3  ${hoursBefore(NOW, 26)}  completed  50 GiB`);
    expect(choices[1]!.label).toContain('error');
  });

  it('requires volumeId or tags', () => {
    expect(snapshots.params.safeParse({ maxAge: '1d' }).success).toBe(false);
  });
});

describe('ec2.snapshot', () => {
  it('describes one snapshot', async () => {
    const result = await providers['ec2.snapshot']!.run({ snapshotId: 'snap-0a2', maxAge: 72 * 3600 }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ state: 'completed', startTime: hoursBefore(NOW, 50), volumeId: 'vol-0db', volumeSize: 50, ageSeconds: 50 * 3600, tags: { app: 'orders' } });
  });

  it('fails a snapshot in error', async () => {
    const result = await providers['ec2.snapshot']!.run({ snapshotId: 'snap-0a4' }, context());
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('Snapshot snap-0a4 is error, 2h old.');
  });

  it('classifies an unknown snapshot as not-found', async () => {
    const result = await providers['ec2.snapshot']!.run({ snapshotId: 'snap-0404' }, context());
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('InvalidSnapshot.NotFound');
  });
});

describe('ec2.describeVolume', () => {
  it('describes a volume and checks expectations', async () => {
    const result = await providers['ec2.describeVolume']!.run({ volumeId: 'vol-0db', expect: { state: 'in-use', attachedTo: 'i-0primary', attachmentState: 'attached' } }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ state: 'in-use', availabilityZone: 'us-east-1a', size: 50, attachedTo: 'i-0primary', device: '/dev/sdf', attachmentState: 'attached', snapshotId: null });
    const unmet = await providers['ec2.describeVolume']!.run({ volumeId: 'vol-0spare', expect: { state: 'in-use' } }, context());
    expect(unmet.ok).toBe(false);
    expect(unmet.detail).toContain('state is available, not in-use');
  });

  it('classifies an unknown volume as not-found', async () => {
    const result = await providers['ec2.describeVolume']!.run({ volumeId: 'vol-0404' }, context());
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('InvalidVolume.NotFound');
  });
});
