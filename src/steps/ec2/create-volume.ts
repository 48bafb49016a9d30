/**
 * ec2.createVolumeFromSnapshot: a NEW volume from a snapshot, in the recovery instance's zone,
 * created once per session step (ClientToken + a `runbook:token` tag), then waited for until
 * `available`. It never writes onto an existing volume.
 */
import { CreateVolumeCommand, type CreateVolumeCommandInput, type EC2Client, type Volume, type VolumeType } from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { awsCall, ec2DryRun } from '../aws/call.js';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import { formatDuration } from '../aws/time.js';
import type { ActionPreview, Provider, Reconciliation, StepContext, StepResult } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import type { createVolumeFromSnapshot } from './definitions.js';
import { describeInstance, describeSnapshot, describeVolumes, mapToTags } from './describe.js';
import { pollUntil } from './poll.js';

type Params = z.output<(typeof createVolumeFromSnapshot)['params']>;

/** The tag that finds this step's volume again after a crash. */
const TOKEN_TAG = 'runbook:token';

/** EC2 accepts client tokens of up to 64 ASCII characters; longer keys are hashed to fit. */
function clientTokenFor(idempotencyKey: string): string {
  return idempotencyKey.length <= 64 && /^[\x20-\x7e]+$/.test(idempotencyKey) ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex');
}

/** The retain-until date (YYYY-MM-DD) `days` after now. */
export function retainUntil(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

async function zoneFor(client: EC2Client, context: StepContext, params: Params): Promise<string> {
  if (!params.instanceId) return params.availabilityZone!;
  const zone = (await describeInstance(client, context, params.instanceId)).Placement?.AvailabilityZone;
  if (!zone) throw new ProviderFailure('internal', `instance ${params.instanceId} has no availability zone`, 'describe the instance in the console; this should not happen');
  if (params.availabilityZone && params.availabilityZone !== zone) {
    throw new ProviderFailure('invalid-input', `instance ${params.instanceId} is in ${zone}, not ${params.availabilityZone}`, 'drop availabilityZone (the instance decides) or name an instance in that zone');
  }
  return zone;
}

function requestFor(params: Params, context: StepContext, zone: string): CreateVolumeCommandInput {
  const tags = {
    ...params.tags,
    'runbook:session': context.sessionId,
    'runbook:step': context.stepId,
    'runbook:source-snapshot': params.snapshotId,
    'runbook:retain-until': retainUntil(context.now(), params.retainDays),
    [TOKEN_TAG]: context.idempotencyKey,
  };
  return {
    AvailabilityZone: zone,
    SnapshotId: params.snapshotId,
    ...(params.volumeType ? { VolumeType: params.volumeType as VolumeType } : {}),
    ...(params.iops !== undefined ? { Iops: params.iops } : {}),
    ClientToken: clientTokenFor(context.idempotencyKey),
    TagSpecifications: [{ ResourceType: 'volume', Tags: mapToTags(tags) }],
  };
}

/** The volume an earlier run of this step created, found by its token tag. */
async function findByToken(client: EC2Client, context: StepContext): Promise<Volume | undefined> {
  const found = await describeVolumes(client, context, [{ Name: `tag:${TOKEN_TAG}`, Values: [context.idempotencyKey] }]);
  return found.find((volume) => volume.State !== 'deleting' && volume.State !== 'deleted');
}

const outputsOf = (volume: Volume) => ({ volumeId: volume.VolumeId!, availabilityZone: volume.AvailabilityZone ?? null, state: volume.State ?? 'unknown' });

async function waitUntilAvailable(client: EC2Client, context: StepContext, volumeId: string): Promise<Volume> {
  const started = Date.now();
  try {
    const outcome = await pollUntil<Volume>(context, async () => {
      const [volume] = await describeVolumes(client, context, [{ Name: 'volume-id', Values: [volumeId] }]);
      if (!volume) return { failed: `volume ${volumeId} disappeared while being created` };
      if (volume.State === 'error') return { failed: `volume ${volumeId} went into the error state while being created` };
      if (volume.State === 'available' || volume.State === 'in-use') return { done: volume };
      return { waiting: `volume ${volumeId} is ${volume.State} (${formatDuration(Math.round((Date.now() - started) / 1000))})` };
    });
    if ('failed' in outcome) {
      throw new ProviderFailure('expectation', outcome.failed, 'the snapshot could not be restored; pick an earlier completed snapshot (the failed volume is kept, tagged, for forensics)');
    }
    return outcome.done;
  } catch (error) {
    if (error instanceof ProviderFailure && error.failureClass === 'timeout') {
      throw new ProviderFailure('timeout', `volume ${volumeId} was created but not yet available when the step's timeout ran out`, `re-run the step to keep waiting: it finds ${volumeId} by its ${TOKEN_TAG} tag and creates nothing new`);
    }
    throw error;
  }
}

async function refuseUnusableSnapshot(client: EC2Client, context: StepContext, snapshotId: string): Promise<void> {
  const snapshot = await describeSnapshot(client, context, snapshotId);
  if (snapshot.State === 'error') {
    throw new ProviderFailure('invalid-input', `snapshot ${snapshotId} is in the error state`, 'choose another snapshot: the newest completed one is marked "last known good"');
  }
  if (snapshot.State !== 'completed') {
    throw new ProviderFailure('conflict', `snapshot ${snapshotId} is ${snapshot.State} (${snapshot.Progress ?? '?'})`, 'wait until the snapshot is completed, or choose a completed one');
  }
}

export const createVolumeProvider: Provider<Params> = {
  async preview(params, context): Promise<ActionPreview> {
    const client = ec2Client(context);
    const details = [
      { label: 'snapshot', value: params.snapshotId },
      { label: 'recovery instance', value: params.instanceId ?? '(none; zone given)' },
      { label: 'volume type', value: params.volumeType ?? '(account default)' },
      ...(params.iops !== undefined ? [{ label: 'iops', value: String(params.iops) }] : []),
      { label: 'retain until', value: retainUntil(context.now(), params.retainDays) },
      { label: 'client token', value: clientTokenFor(context.idempotencyKey) },
    ];
    try {
      const zone = await zoneFor(client, context, params);
      await refuseUnusableSnapshot(client, context, params.snapshotId);
      const request = requestFor(params, context, zone);
      const tags = request.TagSpecifications![0]!.Tags!.map((tag) => `${tag.Key}=${tag.Value}`).join(', ');
      const dryRun = await ec2DryRun(context, 'CreateVolume', (abortSignal) => client.send(new CreateVolumeCommand({ ...request, DryRun: true }), { abortSignal }));
      return {
        summary: `Create a new volume from ${params.snapshotId} in ${zone} (no existing volume is touched)`,
        details: [...details, { label: 'availability zone', value: zone }, { label: 'tags', value: tags }],
        dryRun,
      };
    } catch (error) {
      const failure = error instanceof ProviderFailure ? error : new ProviderFailure('internal', String(error), 'this looks like a bug in runbook');
      return { summary: `Create a new volume from ${params.snapshotId}`, details, dryRun: { ok: false, detail: `${failure.message}. ${failure.advice}` } };
    }
  },

  run: (params, context) =>
    guarded('ec2.createVolumeFromSnapshot', async (): Promise<StepResult> => {
      const client = ec2Client(context);
      const earlier = await findByToken(client, context);
      let volume: Volume;
      let how: string;
      if (earlier) {
        volume = earlier;
        how = `found ${earlier.VolumeId}, created by an earlier run of this step`;
      } else {
        const zone = await zoneFor(client, context, params);
        await refuseUnusableSnapshot(client, context, params.snapshotId);
        const request = requestFor(params, context, zone);
        try {
          volume = await awsCall(context, `EC2 CreateVolume from ${params.snapshotId}`, (abortSignal) => client.send(new CreateVolumeCommand(request), { abortSignal }));
          how = `created ${volume.VolumeId} from ${params.snapshotId} in ${zone}`;
        } catch (error) {
          // Same token, different parameters (e.g. a re-run on another day changes retain-until):
          // the earlier request's volume is the one to use, if its tags show it.
          const again = error instanceof ProviderFailure && error.failureClass === 'conflict' ? await findByToken(client, context) : undefined;
          if (!again) throw error;
          volume = again;
          how = `found ${again.VolumeId}, created by an earlier run of this step`;
        }
      }
      const ready = await waitUntilAvailable(client, context, volume.VolumeId!);
      const outputs = outputsOf(ready);
      return { ok: true, outputs, observed: outputs, expected: 'state = available', detail: `${how[0]!.toUpperCase()}${how.slice(1)}; it is ${outputs.state}.` };
    }),

  async reconcile(_params, context): Promise<Reconciliation> {
    const volume = await findByToken(ec2Client(context), context);
    if (!volume) return { found: false, detail: `no volume carries ${TOKEN_TAG}=${context.idempotencyKey}: CreateVolume never took effect` };
    const complete = volume.State === 'available' || volume.State === 'in-use';
    return {
      found: true,
      ...(complete ? { outputs: outputsOf(volume) } : {}),
      detail: `volume ${volume.VolumeId} carries ${TOKEN_TAG}=${context.idempotencyKey} and is ${volume.State}`,
    };
  },
};
