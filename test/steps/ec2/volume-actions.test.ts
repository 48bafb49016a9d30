import { AttachVolumeCommand, CreateTagsCommand, CreateVolumeCommand, DetachVolumeCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVolumeFromSnapshot, tagVolume } from '../../../src/steps/ec2/definitions.js';
import { providers } from '../../../src/steps/ec2/index.js';
import { awsContext } from '../../support/aws-context.js';
import { fixtureEc2Client, standardSeed, startEc2Emulator, type Ec2Emulator } from '../../support/ec2.js';

const NOW = new Date();
const create = providers['ec2.createVolumeFromSnapshot']!;
const attach = providers['ec2.attachVolume']!;
const detach = providers['ec2.detachVolume']!;
const tag = providers['ec2.tagVolume']!;
let emulator: Ec2Emulator;

beforeAll(async () => {
  emulator = await startEc2Emulator({ seed: standardSeed(NOW), createDelayMs: 300, attachDelayMs: 200, detachDelayMs: 200 });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.state.deniedActions.clear();
  emulator.state.clearInjections();
});

const context = (stepId: string, extra: Parameters<typeof awsContext>[0] = {}) => awsContext({ ec2: emulator.endpoint, stepId, idempotencyKey: `sess-1:${stepId}`, ...extra });
const createParams = (input: Record<string, unknown>) => createVolumeFromSnapshot.params.parse({ snapshotId: 'snap-0a3', instanceId: 'i-0recovery', ...input });
const volumeCount = () => emulator.state.volumes.size;
const actionsSince = (start: number) => emulator.state.requestLog.slice(start);
const retainDate = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString().slice(0, 10);

describe('ec2.createVolumeFromSnapshot', () => {
  it('previews with a real DryRun in the recovery instance\'s zone and creates nothing', async () => {
    const before = volumeCount();
    const start = emulator.state.requestLog.length;
    const preview = await create.preview!(createParams({ volumeType: 'gp3' }), context('create-preview'));
    expect(preview.dryRun).toEqual({ ok: true, detail: 'CreateVolume: AWS says the request would succeed (DryRun)' });
    expect(preview.summary).toBe('Create a new volume from snap-0a3 in us-east-1b (no existing volume is touched)');
    expect(preview.details).toContainEqual({ label: 'availability zone', value: 'us-east-1b' });
    expect(preview.details).toContainEqual({ label: 'client token', value: 'sess-1:create-preview' });
    expect(volumeCount()).toBe(before);
    expect(actionsSince(start)).toEqual(['DescribeInstances', 'DescribeSnapshots', 'CreateVolume']);
  });

  it('a preview without the IAM permission says so instead of ok', async () => {
    emulator.state.deniedActions.add('CreateVolume');
    const preview = await create.preview!(createParams({}), context('create-denied'));
    expect(preview.dryRun?.ok).toBe(false);
    expect(preview.dryRun?.detail).toContain('UnauthorizedOperation');
    expect(preview.dryRun?.detail).toContain('lack the IAM permission');
  });

  it('creates a tagged volume in the instance\'s zone and waits until it is available; a re-run returns the same volume', async () => {
    const ctx = context('create-run');
    const result = await create.run(createParams({ tags: { ticket: 'INC-42' } }), ctx);
    expect(result.ok).toBe(true);
    const volumeId = result.outputs.volumeId as string;
    expect(result.outputs).toEqual({ volumeId, availabilityZone: 'us-east-1b', state: 'available' });
    expect(ctx.progress.some((line) => line.startsWith(`volume ${volumeId} is creating`))).toBe(true);
    const volume = emulator.state.volumes.get(volumeId)!;
    expect(volume.snapshotId).toBe('snap-0a3');
    expect(volume.tags).toEqual({
      ticket: 'INC-42',
      'runbook:session': 'sess-test',
      'runbook:step': 'create-run',
      'runbook:source-snapshot': 'snap-0a3',
      'runbook:retain-until': retainDate(7),
      'runbook:token': 'sess-1:create-run',
    });
    const before = volumeCount();
    const start = emulator.state.requestLog.length;
    const again = await create.run(createParams({ tags: { ticket: 'INC-42' } }), context('create-run'));
    expect(again.outputs.volumeId).toBe(volumeId);
    expect(again.detail).toContain('created by an earlier run of this step');
    expect(volumeCount()).toBe(before);
    expect(actionsSince(start)).not.toContain('CreateVolume');
  });

  it('reconciles after a crash between intent and result: finds the volume by its token, and a re-run adopts it', async () => {
    expect(await create.reconcile!(createParams({}), context('create-crash'))).toEqual({ found: false, detail: 'no volume carries runbook:token=sess-1:create-crash: CreateVolume never took effect' });
    // The process dies while waiting: the request went out, the result was never recorded.
    const crash = new AbortController();
    const ctx = context('create-crash', { signal: crash.signal });
    const original = ctx.onProgress!;
    const crashing = { ...ctx, onProgress: (p: { message: string }) => { original(p); crash.abort(); } };
    const interrupted = await create.run(createParams({}), crashing);
    expect(interrupted.failure?.class).toBe('cancelled');
    const during = await create.reconcile!(createParams({}), context('create-crash'));
    expect(during.found).toBe(true);
    expect(during.outputs).toBeUndefined();
    expect(during.detail).toMatch(/^volume vol-\w+ carries runbook:token=sess-1:create-crash and is creating$/);
    const before = volumeCount();
    const resumed = await create.run(createParams({}), context('create-crash'));
    expect(resumed.ok).toBe(true);
    expect(volumeCount()).toBe(before);
    const after = await create.reconcile!(createParams({}), context('create-crash'));
    expect(after.outputs).toEqual({ volumeId: resumed.outputs.volumeId, availabilityZone: 'us-east-1b', state: 'available' });
  });

  it('surfaces IdempotentParameterMismatch as a conflict when the token was used with other parameters', async () => {
    await fixtureEc2Client(emulator.endpoint).send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1c', SnapshotId: 'snap-0a2', ClientToken: 'sess-1:create-mismatch' }));
    const result = await create.run(createParams({}), context('create-mismatch'));
    expect(result.failure?.class).toBe('conflict');
    expect(result.detail).toContain('IdempotentParameterMismatch');
    expect(result.failure?.advice).toContain('already run with different parameters');
  });

  it('refuses a snapshot in error without creating anything', async () => {
    const before = volumeCount();
    const result = await create.run(createParams({ snapshotId: 'snap-0a4' }), context('create-errored'));
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('snapshot snap-0a4 is in the error state');
    expect(volumeCount()).toBe(before);
  });

  it('fails fast when the new volume goes into error', async () => {
    const started = Date.now();
    const result = await create.run(createParams({ snapshotId: 'snap-0bad' }), context('create-broken', { timeoutMs: 20_000 }));
    expect(result.failure?.class).toBe('expectation');
    expect(result.detail).toMatch(/volume vol-\w+ went into the error state while being created/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out with the volume named, and never creates onto an existing volume', async () => {
    emulator.state.createDelayMs = 5_000;
    try {
      const result = await create.run(createParams({}), context('create-slow', { timeoutMs: 800 }));
      expect(result.failure?.class).toBe('timeout');
      expect(result.detail).toMatch(/volume vol-\w+ was created but not yet available when the step's timeout ran out/);
    } finally {
      emulator.state.createDelayMs = 300;
    }
    expect(createVolumeFromSnapshot.params.safeParse({ snapshotId: 'snap-0a3', instanceId: 'i-0recovery', volumeId: 'vol-0db' }).success).toBe(false);
  });

  it('rejects an unknown recovery instance as not-found', async () => {
    const result = await create.run(createParams({ instanceId: 'i-0404' }), context('create-noinstance'));
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('InvalidInstanceID.NotFound');
  });
});

describe('ec2.attachVolume and ec2.detachVolume', () => {
  it('refuses to attach a volume that is attached elsewhere, in preview and in run', async () => {
    const params = { volumeId: 'vol-0db', instanceId: 'i-0recovery', device: '/dev/sdg' };
    const preview = await attach.preview!(params, context('attach-elsewhere'));
    expect(preview.dryRun?.ok).toBe(false);
    expect(preview.dryRun?.detail).toContain('volume vol-0db is attached to i-0primary as /dev/sdf');
    const result = await attach.run(params, context('attach-elsewhere'));
    expect(result.failure?.class).toBe('conflict');
    expect(emulator.state.volumes.get('vol-0db')!.attachment?.instanceId).toBe('i-0primary');
  });

  it('previews with DryRun, attaches and waits until the attachment is attached; re-run and reconcile agree', async () => {
    const params = { volumeId: 'vol-0spare', instanceId: 'i-0recovery', device: '/dev/sdg' };
    expect((await attach.reconcile!(params, context('attach'))).found).toBe(false);
    const preview = await attach.preview!(params, context('attach'));
    expect(preview.dryRun).toEqual({ ok: true, detail: 'AttachVolume: AWS says the request would succeed (DryRun)' });
    expect(emulator.state.volumes.get('vol-0spare')!.attachment).toBeUndefined();
    const ctx = context('attach');
    const result = await attach.run(params, ctx);
    expect(result.outputs).toEqual({ volumeId: 'vol-0spare', instanceId: 'i-0recovery', device: '/dev/sdg', state: 'attached' });
    expect(ctx.progress).toContain('volume vol-0spare is attaching to i-0recovery');
    expect(emulator.state.volumes.get('vol-0spare')!.attachment?.state).toBe('attached');
    const start = emulator.state.requestLog.length;
    const again = await attach.run(params, context('attach'));
    expect(again.detail).toContain('(it already was)');
    expect(actionsSince(start)).not.toContain('AttachVolume');
    expect(await attach.reconcile!(params, context('attach'))).toEqual({ found: true, outputs: result.outputs, detail: 'vol-0spare is attached to i-0recovery as /dev/sdg' });
  });

  it('refuses to detach from the wrong instance, then detaches and waits until available; re-run is a no-op', async () => {
    const wrong = await detach.run({ volumeId: 'vol-0spare', instanceId: 'i-0primary', force: false }, context('detach'));
    expect(wrong.failure?.class).toBe('conflict');
    const params = { volumeId: 'vol-0spare', instanceId: 'i-0recovery', force: false };
    const preview = await detach.preview!(params, context('detach'));
    expect(preview.dryRun?.ok).toBe(true);
    expect((await detach.reconcile!(params, context('detach'))).found).toBe(false);
    const result = await detach.run(params, context('detach'));
    expect(result.outputs).toEqual({ volumeId: 'vol-0spare', state: 'available' });
    expect(emulator.state.volumes.get('vol-0spare')!.attachment).toBeUndefined();
    const again = await detach.run(params, context('detach'));
    expect(again.ok).toBe(true);
    expect(again.detail).toContain('(it was not attached)');
    expect(await detach.reconcile!(params, context('detach'))).toEqual({ found: true, outputs: { volumeId: 'vol-0spare', state: 'available' }, detail: 'vol-0spare is detached and available' });
  });

  it('reconciles an attach that crashed after the request: found while attaching, complete once attached', async () => {
    await fixtureEc2Client(emulator.endpoint).send(new AttachVolumeCommand({ VolumeId: 'vol-0spare', InstanceId: 'i-0recovery', Device: '/dev/sdh' }));
    const params = { volumeId: 'vol-0spare', instanceId: 'i-0recovery', device: '/dev/sdh' };
    const during = await attach.reconcile!(params, context('attach-crash'));
    expect(during).toEqual({ found: true, detail: 'vol-0spare is attaching to i-0recovery as /dev/sdh' });
    const resumed = await attach.run(params, context('attach-crash'));
    expect(resumed.outputs.state).toBe('attached');
  });

  it('reconciles a detach that crashed after the request: found while detaching, and a re-run waits it out', async () => {
    await fixtureEc2Client(emulator.endpoint).send(new DetachVolumeCommand({ VolumeId: 'vol-0spare' }));
    const params = { volumeId: 'vol-0spare', instanceId: 'i-0recovery', force: false };
    expect(await detach.reconcile!(params, context('detach-crash'))).toEqual({ found: true, detail: 'vol-0spare is still detaching' });
    const start = emulator.state.requestLog.length;
    const resumed = await detach.run(params, context('detach-crash'));
    expect(resumed.outputs).toEqual({ volumeId: 'vol-0spare', state: 'available' });
    expect(actionsSince(start)).not.toContain('DetachVolume');
  });
});

describe('ec2.tagVolume', () => {
  const params = (input: Record<string, unknown>) => tagVolume.params.parse({ volumeId: 'vol-0spare', ...input });

  it('previews with DryRun, tags, and reconciles', async () => {
    expect((await tag.reconcile!(params({ retainDays: 30, tags: { reason: 'forensics' } }), context('tag'))).found).toBe(false);
    const preview = await tag.preview!(params({ retainDays: 30, tags: { reason: 'forensics' } }), context('tag'));
    expect(preview.dryRun?.ok).toBe(true);
    expect(preview.details).toContainEqual({ label: 'tag runbook:retain-until', value: retainDate(30) });
    expect(emulator.state.volumes.get('vol-0spare')!.tags['reason']).toBeUndefined();
    const result = await tag.run(params({ retainDays: 30, tags: { reason: 'forensics' } }), context('tag'));
    expect(result.outputs).toEqual({ volumeId: 'vol-0spare', retainUntil: retainDate(30) });
    expect(emulator.state.volumes.get('vol-0spare')!.tags).toMatchObject({ reason: 'forensics', 'runbook:retain-until': retainDate(30) });
    expect(await tag.reconcile!(params({ retainDays: 30, tags: { reason: 'forensics' } }), context('tag'))).toEqual({ found: true, outputs: result.outputs, detail: 'vol-0spare carries the tags' });
  });

  it('reconciles a tagging that crashed after the request', async () => {
    const wanted = params({ volumeId: 'vol-0db', retainUntil: '2032-02-02', tags: { case: 'INC-7' } });
    expect((await tag.reconcile!(wanted, context('tag-crash'))).found).toBe(false);
    await fixtureEc2Client(emulator.endpoint).send(new CreateTagsCommand({ Resources: ['vol-0db'], Tags: [{ Key: 'case', Value: 'INC-7' }, { Key: 'runbook:retain-until', Value: '2032-02-02' }] }));
    expect(await tag.reconcile!(wanted, context('tag-crash'))).toEqual({ found: true, outputs: { volumeId: 'vol-0db', retainUntil: '2032-02-02' }, detail: 'vol-0db carries the tags' });
  });

  it('takes an explicit retainUntil date', async () => {
    const result = await tag.run(params({ retainUntil: '2031-05-01' }), context('tag-date'));
    expect(result.outputs.retainUntil).toBe('2031-05-01');
  });

  it('without permission: the preview says not ok and run fails with the permission class', async () => {
    emulator.state.deniedActions.add('CreateTags');
    expect((await tag.preview!(params({ retainDays: 1 }), context('tag-denied'))).dryRun?.ok).toBe(false);
    const result = await tag.run(params({ retainDays: 1 }), context('tag-denied'));
    expect(result.failure?.class).toBe('permission');
  });
});
