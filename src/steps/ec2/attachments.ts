/**
 * ec2.attachVolume and ec2.detachVolume: each waits for the attachment itself to settle
 * (`attached`, or the volume `available` again). Attaching refuses a volume attached elsewhere.
 */
import { AttachVolumeCommand, DetachVolumeCommand, type EC2Client, type Volume, type VolumeAttachment } from '@aws-sdk/client-ec2';
import type { z } from 'zod';
import { awsCall, ec2DryRun } from '../aws/call.js';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import type { ActionPreview, Provider, Reconciliation, StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import type { attachVolume, detachVolume } from './definitions.js';
import { attachmentOf, describeVolume } from './describe.js';
import { pollUntil } from './poll.js';

type AttachParams = z.output<(typeof attachVolume)['params']>;
type DetachParams = z.output<(typeof detachVolume)['params']>;

function previewFailure(summary: string, details: ActionPreview['details'], error: unknown): ActionPreview {
  const failure = error instanceof ProviderFailure ? error : new ProviderFailure('internal', String(error), 'this looks like a bug in runbook');
  return { summary, details, dryRun: { ok: false, detail: `${failure.message}. ${failure.advice}` } };
}

/** Throws unless the volume is free, or already attached exactly as asked. Returns true in the latter case. */
async function checkAttachable(client: EC2Client, context: StepContext, params: AttachParams): Promise<boolean> {
  const volume = await describeVolume(client, context, params.volumeId);
  const attachment = attachmentOf(volume);
  if (attachment && attachment.InstanceId === params.instanceId && attachment.Device === params.device && attachment.State !== 'detaching') return true;
  if (attachment) {
    throw new ProviderFailure('conflict', `volume ${params.volumeId} is ${attachment.State} to ${attachment.InstanceId} as ${attachment.Device}`, 'refusing to move a volume that is attached elsewhere; detach it there first if that is really intended');
  }
  if (volume.State !== 'available') {
    throw new ProviderFailure('conflict', `volume ${params.volumeId} is ${volume.State}, not available`, 'wait until the volume is available (a describeVolume wait step) and re-run');
  }
  return false;
}

async function waitAttached(client: EC2Client, context: StepContext, params: AttachParams) {
  const outcome = await pollUntil<VolumeAttachment>(context, async () => {
    const attachment = attachmentOf(await describeVolume(client, context, params.volumeId));
    if (!attachment || attachment.InstanceId !== params.instanceId) return { failed: `volume ${params.volumeId} is no longer being attached to ${params.instanceId}` };
    if (attachment.State === 'attached') return { done: attachment };
    return { waiting: `volume ${params.volumeId} is ${attachment.State} to ${params.instanceId}` };
  });
  if ('failed' in outcome) throw new ProviderFailure('expectation', outcome.failed, 'describe the volume and the instance; something else changed the attachment');
  return outcome.done;
}

export const attachVolumeProvider: Provider<AttachParams> = {
  async preview(params, context) {
    const summary = `Attach ${params.volumeId} to ${params.instanceId} as ${params.device}`;
    const details = [
      { label: 'volume', value: params.volumeId },
      { label: 'instance', value: params.instanceId },
      { label: 'device', value: params.device },
    ];
    try {
      const client = ec2Client(context);
      if (await checkAttachable(client, context, params)) return { summary, details, dryRun: { ok: true, detail: 'already attached exactly so: nothing to do' } };
      const dryRun = await ec2DryRun(context, 'AttachVolume', (abortSignal) =>
        client.send(new AttachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Device: params.device, DryRun: true }), { abortSignal }),
      );
      return { summary, details, dryRun };
    } catch (error) {
      return previewFailure(summary, details, error);
    }
  },

  run: (params, context) =>
    guarded('ec2.attachVolume', async () => {
      const client = ec2Client(context);
      const already = await checkAttachable(client, context, params);
      if (!already) {
        await awsCall(context, `EC2 AttachVolume ${params.volumeId}`, (abortSignal) =>
          client.send(new AttachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Device: params.device }), { abortSignal }),
        );
      }
      const attachment = await waitAttached(client, context, params);
      const outputs = { volumeId: params.volumeId, instanceId: params.instanceId, device: attachment.Device ?? params.device, state: attachment.State ?? 'attached' };
      return { ok: true, outputs, observed: outputs, expected: 'attachment attached', detail: `${params.volumeId} is attached to ${params.instanceId} as ${outputs.device}${already ? ' (it already was)' : ''}.` };
    }),

  async reconcile(params, context): Promise<Reconciliation> {
    const attachment = attachmentOf(await describeVolume(ec2Client(context), context, params.volumeId));
    if (!attachment || attachment.InstanceId !== params.instanceId) {
      return { found: false, detail: `${params.volumeId} is not attached to ${params.instanceId}: AttachVolume never took effect` };
    }
    return {
      found: true,
      ...(attachment.State === 'attached' ? { outputs: { volumeId: params.volumeId, instanceId: params.instanceId, device: attachment.Device ?? params.device, state: 'attached' } } : {}),
      detail: `${params.volumeId} is ${attachment.State} to ${params.instanceId} as ${attachment.Device}`,
    };
  },
};

export const detachVolumeProvider: Provider<DetachParams> = {
  async preview(params, context) {
    const summary = `Detach ${params.volumeId}${params.instanceId ? ` from ${params.instanceId}` : ''}${params.force ? ' (forced)' : ''}`;
    const details = [
      { label: 'volume', value: params.volumeId },
      { label: 'instance', value: params.instanceId ?? '(whichever it is attached to)' },
      { label: 'force', value: String(params.force) },
    ];
    try {
      const client = ec2Client(context);
      const attachment = attachmentOf(await describeVolume(client, context, params.volumeId));
      if (!attachment) return { summary, details, dryRun: { ok: true, detail: 'the volume is not attached: nothing to do' } };
      const dryRun = await ec2DryRun(context, 'DetachVolume', (abortSignal) =>
        client.send(new DetachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Force: params.force, DryRun: true }), { abortSignal }),
      );
      return { summary, details: [...details, { label: 'attached to', value: `${attachment.InstanceId} as ${attachment.Device}` }], dryRun };
    } catch (error) {
      return previewFailure(summary, details, error);
    }
  },

  run: (params, context) =>
    guarded('ec2.detachVolume', async () => {
      const client = ec2Client(context);
      const attachment = attachmentOf(await describeVolume(client, context, params.volumeId));
      if (attachment && params.instanceId && attachment.InstanceId !== params.instanceId) {
        throw new ProviderFailure('conflict', `volume ${params.volumeId} is attached to ${attachment.InstanceId}, not ${params.instanceId}`, 'check which instance the runbook means before detaching anything');
      }
      if (attachment && attachment.State !== 'detaching') {
        await awsCall(context, `EC2 DetachVolume ${params.volumeId}`, (abortSignal) =>
          client.send(new DetachVolumeCommand({ VolumeId: params.volumeId, InstanceId: params.instanceId, Force: params.force }), { abortSignal }),
        );
      }
      const outcome = await pollUntil<Volume>(context, async () => {
        const volume = await describeVolume(client, context, params.volumeId);
        if (volume.State === 'available' && !attachmentOf(volume)) return { done: volume };
        return { waiting: `volume ${params.volumeId} is ${attachmentOf(volume)?.State ?? volume.State}` };
      });
      const state = 'done' in outcome ? outcome.done.State ?? 'available' : 'unknown';
      const outputs = { volumeId: params.volumeId, state };
      return { ok: true, outputs, observed: outputs, expected: 'state = available', detail: `${params.volumeId} is detached and ${state}${attachment ? '' : ' (it was not attached)'}.` };
    }),

  async reconcile(params, context): Promise<Reconciliation> {
    const volume = await describeVolume(ec2Client(context), context, params.volumeId);
    const attachment = attachmentOf(volume);
    if (!attachment && volume.State === 'available') return { found: true, outputs: { volumeId: params.volumeId, state: 'available' }, detail: `${params.volumeId} is detached and available` };
    if (attachment?.State === 'detaching') return { found: true, detail: `${params.volumeId} is still detaching` };
    return { found: false, detail: `${params.volumeId} is still ${attachment?.State ?? volume.State}: DetachVolume never took effect` };
  },
};
