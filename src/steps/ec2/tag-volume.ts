/** ec2.tagVolume: marks a volume with a retain-until date (the forensic window) and other tags. */
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import type { z } from 'zod';
import { awsCall, ec2DryRun } from '../aws/call.js';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import type { Provider, Reconciliation, StepContext } from '../provider.js';
import { retainUntil } from './create-volume.js';
import type { tagVolume } from './definitions.js';
import { describeVolume, mapToTags, tagsToMap } from './describe.js';

type Params = z.output<(typeof tagVolume)['params']>;

function tagsFor(params: Params, context: StepContext): Record<string, string> {
  const until = params.retainUntil ? params.retainUntil.slice(0, 10) : retainUntil(context.now(), params.retainDays!);
  return { ...params.tags, 'runbook:retain-until': until };
}

export const tagVolumeProvider: Provider<Params> = {
  async preview(params, context) {
    const tags = tagsFor(params, context);
    const dryRun = await ec2DryRun(context, 'CreateTags', (abortSignal) =>
      ec2Client(context).send(new CreateTagsCommand({ Resources: [params.volumeId], Tags: mapToTags(tags), DryRun: true }), { abortSignal }),
    );
    return {
      summary: `Tag ${params.volumeId} to be kept until ${tags['runbook:retain-until']}`,
      details: [{ label: 'volume', value: params.volumeId }, ...Object.entries(tags).map(([key, value]) => ({ label: `tag ${key}`, value }))],
      dryRun,
    };
  },

  run: (params, context) =>
    guarded('ec2.tagVolume', async () => {
      const tags = tagsFor(params, context);
      await awsCall(context, `EC2 CreateTags ${params.volumeId}`, (abortSignal) =>
        ec2Client(context).send(new CreateTagsCommand({ Resources: [params.volumeId], Tags: mapToTags(tags) }), { abortSignal }),
      );
      const outputs = { volumeId: params.volumeId, retainUntil: tags['runbook:retain-until']! };
      return { ok: true, outputs, observed: tags, detail: `${params.volumeId} is tagged to be kept until ${outputs.retainUntil}.` };
    }),

  async reconcile(params, context): Promise<Reconciliation> {
    const wanted = tagsFor(params, context);
    const present = tagsToMap((await describeVolume(ec2Client(context), context, params.volumeId)).Tags);
    const missing = Object.entries(wanted).filter(([key, value]) => present[key] !== value && !(key === 'runbook:retain-until' && present[key]));
    if (missing.length > 0) return { found: false, detail: `${params.volumeId} lacks ${missing.map(([key]) => key).join(', ')}: CreateTags never took effect` };
    return { found: true, outputs: { volumeId: params.volumeId, retainUntil: present['runbook:retain-until']! }, detail: `${params.volumeId} carries the tags` };
  },
};
