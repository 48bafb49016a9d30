/** EC2 emulator fixtures for tests: a raw SDK client and a small seeded world. */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2Seed } from '../../src/sandbox/ec2-emulator/index.js';
export { startEc2Emulator, type Ec2Emulator } from '../../src/sandbox/ec2-emulator/index.js';

/** An SDK client for arranging or inspecting emulator state over HTTP. */
export function fixtureEc2Client(endpoint: string, accessKeyId = 'sandbox'): EC2Client {
  return new EC2Client({ region: 'us-east-1', endpoint, credentials: { accessKeyId, secretAccessKey: 'sandbox-secret' }, maxAttempts: 1 });
}

/** ISO time `hours` before `now`. */
export const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

/**
 * A production-like world: the database volume vol-0db (us-east-1a, attached to i-0primary) with
 * daily snapshots, one failed; a recovery instance i-0recovery in us-east-1b.
 */
export function standardSeed(now: Date): Ec2Seed {
  return {
    instances: [
      { instanceId: 'i-0primary', availabilityZone: 'us-east-1a', tags: { Name: 'db-primary' } },
      { instanceId: 'i-0recovery', availabilityZone: 'us-east-1b', tags: { Name: 'db-recovery' } },
    ],
    volumes: [
      { volumeId: 'vol-0db', availabilityZone: 'us-east-1a', size: 50, tags: { app: 'orders' }, attachment: { instanceId: 'i-0primary', device: '/dev/sdf' } },
      { volumeId: 'vol-0spare', availabilityZone: 'us-east-1b', size: 10 },
    ],
    snapshots: [
      { snapshotId: 'snap-0a1', volumeId: 'vol-0db', startTime: hoursBefore(now, 74), volumeSize: 50, tags: { app: 'orders' } },
      { snapshotId: 'snap-0a2', volumeId: 'vol-0db', startTime: hoursBefore(now, 50), volumeSize: 50, tags: { app: 'orders' } },
      { snapshotId: 'snap-0a3', volumeId: 'vol-0db', startTime: hoursBefore(now, 26), volumeSize: 50, tags: { app: 'orders' } },
      { snapshotId: 'snap-0a4', volumeId: 'vol-0db', startTime: hoursBefore(now, 2), volumeSize: 50, state: 'error', stateMessage: 'internal error', tags: { app: 'orders' } },
      { snapshotId: 'snap-0a5', volumeId: 'vol-0db', startTime: hoursBefore(now, 0.5), volumeSize: 50, state: 'pending', tags: { app: 'orders' } },
      { snapshotId: 'snap-0bad', volumeId: 'vol-0db', startTime: hoursBefore(now, 98), volumeSize: 50, restoreFails: true },
    ],
    foreignSnapshots: [{ snapshotId: 'snap-0ff', volumeId: 'vol-0db', startTime: hoursBefore(now, 1), volumeSize: 50 }],
  };
}
