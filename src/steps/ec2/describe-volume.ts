/** ec2.describeVolume: a volume's state, zone and attachment, optionally held to expectations (also polled as a wait). */
import type { z } from 'zod';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import type { Provider } from '../provider.js';
import type { describeVolume } from './definitions.js';
import { attachmentOf, describeVolume as lookUpVolume } from './describe.js';

type Params = z.output<(typeof describeVolume)['params']>;

/** The outputs of a described volume, shared with the volume actions. */
function volumeOutputs(volume: import('@aws-sdk/client-ec2').Volume) {
  const attachment = attachmentOf(volume);
  return {
    state: volume.State ?? 'unknown',
    availabilityZone: volume.AvailabilityZone ?? null,
    size: volume.Size ?? null,
    attachedTo: attachment?.InstanceId ?? null,
    device: attachment?.Device ?? null,
    attachmentState: attachment?.State ?? null,
    snapshotId: volume.SnapshotId || null,
  };
}

export const describeVolumeProvider: Provider<Params> = {
  run: (params, context) =>
    guarded('ec2.describeVolume', async () => {
      const outputs = volumeOutputs(await lookUpVolume(ec2Client(context), context, params.volumeId));
      const expect = params.expect ?? {};
      const unmet = [
        expect.state !== undefined && outputs.state !== expect.state ? `state is ${outputs.state}, not ${expect.state}` : undefined,
        expect.attachedTo !== undefined && outputs.attachedTo !== expect.attachedTo ? `attached to ${outputs.attachedTo ?? 'nothing'}, not ${expect.attachedTo}` : undefined,
        expect.attachmentState !== undefined && outputs.attachmentState !== expect.attachmentState ? `attachment is ${outputs.attachmentState ?? 'absent'}, not ${expect.attachmentState}` : undefined,
      ].filter((item): item is string => item !== undefined);
      const expected = Object.entries(expect).map(([key, value]) => `${key} = ${value}`).join(', ');
      return {
        ok: unmet.length === 0,
        outputs,
        observed: outputs,
        ...(expected ? { expected } : {}),
        detail: `Volume ${params.volumeId} is ${outputs.state} in ${outputs.availabilityZone}${outputs.attachedTo ? `, ${outputs.attachmentState} to ${outputs.attachedTo} as ${outputs.device}` : ''}${unmet.length ? `; ${unmet.join('; ')}` : ''}.`,
      };
    }),
};
