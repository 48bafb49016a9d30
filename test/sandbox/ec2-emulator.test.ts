import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEc2Client, standardSeed, startEc2Emulator, type Ec2Emulator } from '../support/ec2.js';

const NOW = new Date();
let emulator: Ec2Emulator;
let client: EC2Client;

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
};

beforeAll(async () => {
  emulator = await startEc2Emulator({ seed: standardSeed(NOW), createDelayMs: 150, attachDelayMs: 150, detachDelayMs: 150 });
  client = fixtureEc2Client(emulator.endpoint);
});

afterAll(async () => {
  await emulator.close();
});

describe('EC2 emulator: describe', () => {
  it('describes snapshots with filters; OwnerIds self hides other accounts', async () => {
    const mine = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'volume-id', Values: ['vol-0db'] }] }));
    expect(mine.Snapshots!.map((s) => s.SnapshotId).sort()).toEqual(['snap-0a1', 'snap-0a2', 'snap-0a3', 'snap-0a4', 'snap-0a5', 'snap-0bad']);
    const all = await client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'volume-id', Values: ['vol-0db'] }] }));
    expect(all.Snapshots).toHaveLength(7);
    const errored = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'status', Values: ['error', 'pending'] }, { Name: 'tag:app', Values: ['ord*'] }] }));
    expect(errored.Snapshots!.map((s) => [s.SnapshotId, s.State])).toEqual([['snap-0a4', 'error'], ['snap-0a5', 'pending']]);
    expect(errored.Snapshots![0]!.StartTime).toBeInstanceOf(Date);
  });

  it('paginates with MaxResults and NextToken', async () => {
    const first = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 5 }));
    expect(first.Snapshots).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 5, NextToken: first.NextToken }));
    expect(second.Snapshots!.map((s) => s.SnapshotId)).toEqual(['snap-0bad']);
    expect(second.NextToken).toBeUndefined();
    expect((await errorOf(client.send(new DescribeSnapshotsCommand({ MaxResults: 2 })))).name).toBe('InvalidParameterValue');
  });

  it('filters volumes by attachment, tag-key and status', async () => {
    const attached = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: ['i-0primary'] }] }));
    expect(attached.Volumes!.map((v) => [v.VolumeId, v.State, v.Attachments![0]!.State, v.Attachments![0]!.Device])).toEqual([['vol-0db', 'in-use', 'attached', '/dev/sdf']]);
    const tagged = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: ['app'] }] }));
    expect(tagged.Volumes!.map((v) => v.VolumeId)).toEqual(['vol-0db']);
    const available = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['available'] }, { Name: 'availability-zone', Values: ['us-east-1b'] }] }));
    expect(available.Volumes!.map((v) => v.VolumeId)).toEqual(['vol-0spare']);
  });

  it('describes instances with their zone', async () => {
    const result = await client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0recovery'] }));
    const instance = result.Reservations![0]!.Instances![0]!;
    expect([instance.InstanceId, instance.Placement?.AvailabilityZone, instance.State?.Name]).toEqual(['i-0recovery', 'us-east-1b', 'running']);
  });

  it('answers not-found, malformed ids and unknown filters as EC2 does', async () => {
    expect(await errorOf(client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0404'] })))).toEqual({ name: 'InvalidVolume.NotFound', status: 400, message: "The volume 'vol-0404' does not exist." });
    expect((await errorOf(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0404'] })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await errorOf(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0404'] })))).name).toBe('InvalidInstanceID.NotFound');
    expect((await errorOf(client.send(new DescribeVolumesCommand({ VolumeIds: ['volume-1'] })))).name).toBe('InvalidVolumeID.Malformed');
    expect((await errorOf(client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })))).message).toBe("The filter 'colour' is invalid");
  });
});

describe('EC2 emulator: mutations', () => {
  it('CreateVolume: DryRun answers 412 DryRunOperation and creates nothing', async () => {
    const before = emulator.state.volumes.size;
    const error = await errorOf(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: 'snap-0a3', DryRun: true })));
    expect([error.name, error.status]).toEqual(['DryRunOperation', 412]);
    expect(emulator.state.volumes.size).toBe(before);
  });

  it('CreateVolume: same ClientToken same volume; different parameters IdempotentParameterMismatch', async () => {
    const input = { AvailabilityZone: 'us-east-1b', SnapshotId: 'snap-0a3', ClientToken: 'token-1', TagSpecifications: [{ ResourceType: 'volume' as const, Tags: [{ Key: 'k', Value: 'v' }] }] };
    const first = await client.send(new CreateVolumeCommand(input));
    expect([first.State, first.Size, first.SnapshotId]).toEqual(['creating', 50, 'snap-0a3']);
    const second = await client.send(new CreateVolumeCommand(input));
    expect(second.VolumeId).toBe(first.VolumeId);
    const mismatch = await errorOf(client.send(new CreateVolumeCommand({ ...input, AvailabilityZone: 'us-east-1c' })));
    expect([mismatch.name, mismatch.status]).toEqual(['IdempotentParameterMismatch', 400]);
    await until(async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: [first.VolumeId!] }))).Volumes![0]!.State === 'available');
  });

  it('CreateVolume from a broken snapshot ends in error; from a pending one is refused', async () => {
    const broken = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: 'snap-0bad' }));
    await until(async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: [broken.VolumeId!] }))).Volumes![0]!.State === 'error');
    expect((await errorOf(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: 'snap-0a5' })))).name).toBe('IncorrectState');
    expect((await errorOf(client.send(new CreateVolumeCommand({ AvailabilityZone: 'mars-1a', SnapshotId: 'snap-0a3' })))).name).toBe('InvalidParameterValue');
  });

  it('attach goes attaching → attached, detach goes detaching → available; attaching an attached volume is VolumeInUse', async () => {
    const attach = await client.send(new AttachVolumeCommand({ VolumeId: 'vol-0spare', InstanceId: 'i-0recovery', Device: '/dev/sdg' }));
    expect(attach.State).toBe('attaching');
    await until(async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0spare'] }))).Volumes![0]!.Attachments![0]?.State === 'attached');
    expect((await errorOf(client.send(new AttachVolumeCommand({ VolumeId: 'vol-0spare', InstanceId: 'i-0recovery', Device: '/dev/sdh' })))).name).toBe('VolumeInUse');
    const detach = await client.send(new DetachVolumeCommand({ VolumeId: 'vol-0spare' }));
    expect(detach.State).toBe('detaching');
    await until(async () => (await client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0spare'] }))).Volumes![0]!.State === 'available');
    expect((await errorOf(client.send(new DetachVolumeCommand({ VolumeId: 'vol-0spare' })))).name).toBe('IncorrectState');
  });

  it('attach across zones is refused', async () => {
    expect((await errorOf(client.send(new AttachVolumeCommand({ VolumeId: 'vol-0spare', InstanceId: 'i-0primary', Device: '/dev/sdg' })))).name).toBe('InvalidVolume.ZoneMismatch');
  });

  it('CreateTags tags a volume; DryRun does not', async () => {
    expect((await errorOf(client.send(new CreateTagsCommand({ Resources: ['vol-0spare'], Tags: [{ Key: 'dry', Value: '1' }], DryRun: true })))).name).toBe('DryRunOperation');
    await client.send(new CreateTagsCommand({ Resources: ['vol-0spare'], Tags: [{ Key: 'runbook:retain-until', Value: '2030-01-01' }] }));
    expect(emulator.state.volumes.get('vol-0spare')!.tags).toEqual({ 'runbook:retain-until': '2030-01-01' });
  });
});

describe('EC2 emulator: injected faults and authentication', () => {
  it('answers injected throttling with 503 RequestLimitExceeded, then recovers', async () => {
    emulator.state.injectFaults({ action: 'DescribeVolumes', code: 'RequestLimitExceeded', times: 2 });
    expect(await errorOf(client.send(new DescribeVolumesCommand({})))).toMatchObject({ name: 'RequestLimitExceeded', status: 503 });
    expect((await errorOf(client.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    expect((await client.send(new DescribeVolumesCommand({}))).Volumes!.length).toBeGreaterThan(0);
  });

  it('answers injected 500s', async () => {
    emulator.state.injectFaults({ action: '*', code: 'InternalError' });
    expect(await errorOf(client.send(new DescribeInstancesCommand({})))).toMatchObject({ name: 'InternalError', status: 500 });
  });

  it('answers AuthFailure to an unknown access key when one is required', async () => {
    const strict = await startEc2Emulator({ requiredAccessKeyId: 'AKIAGOOD' });
    try {
      expect(await errorOf(fixtureEc2Client(strict.endpoint, 'AKIABAD').send(new DescribeVolumesCommand({})))).toMatchObject({ name: 'AuthFailure', status: 401 });
      expect((await fixtureEc2Client(strict.endpoint, 'AKIAGOOD').send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('seeds and reports state through the control endpoint', async () => {
    const seeded = await fetch(`${emulator.endpoint}/__emulator/seed`, { method: 'POST', body: JSON.stringify({ volumes: [{ volumeId: 'vol-0c0ffee', size: 7 }] }) });
    expect(seeded.status).toBe(200);
    const state = (await seeded.json()) as { volumes: Array<{ volumeId: string; size: number }> };
    expect(state.volumes.find((v) => v.volumeId === 'vol-0c0ffee')?.size).toBe(7);
    const described = await client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0c0ffee'] }));
    expect(described.Volumes![0]!.Size).toBe(7);
  });
});
