/** Parameter schemas and outputs of the ec2 providers (docs/providers.md). */
import { z } from 'zod';
import { tagMap } from '../aws/params.js';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { bool, duration, num, text } from '../params.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

export const snapshots = defineProvider({
  name: 'ec2.snapshots',
  summary: 'Snapshots of a volume (or tagged volumes): newest completed, its age, failed ones, retention',
  kinds: ['check', 'input'],
  mutates: false,
  params: z
    .strictObject({
      volumeId: text().optional(),
      tags: tagMap().optional(),
      maxAge: duration().optional(),
      failedWindow: duration().optional(),
      window: duration().optional(),
      minInWindow: num().optional(),
    })
    .refine((p) => p.volumeId !== undefined || (p.tags !== undefined && Object.keys(p.tags).length > 0), {
      message: 'give volumeId or tags (or both) to say whose snapshots to look at',
    })
    .refine((p) => (p.window === undefined) === (p.minInWindow === undefined), { message: 'window and minInWindow go together' }),
  outputs: ['newestSnapshotId', 'newestStartTime', 'ageSeconds', 'completedCount', 'failedCount', 'inWindow'],
});

export const snapshot = defineProvider({
  name: 'ec2.snapshot',
  summary: 'One snapshot: state, start time, age',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({ snapshotId: text(), maxAge: duration().optional() }),
  outputs: ['state', 'startTime', 'volumeId', 'volumeSize', 'ageSeconds', 'tags'],
});

export const describeVolume = defineProvider({
  name: 'ec2.describeVolume',
  summary: 'A volume: state, zone, attachment',
  kinds: ['check', 'wait'],
  mutates: false,
  params: z.strictObject({
    volumeId: text(),
    expect: z.strictObject({ state: text().optional(), attachedTo: text().optional(), attachmentState: text().optional() }).optional(),
  }),
  outputs: ['state', 'availabilityZone', 'size', 'attachedTo', 'device', 'attachmentState', 'snapshotId'],
});

export const createVolumeFromSnapshot = defineProvider({
  name: 'ec2.createVolumeFromSnapshot',
  summary: 'Create a new volume from a snapshot in the recovery instance\'s zone (never overwrites one)',
  kinds: ['action'],
  mutates: true,
  params: z
    .strictObject({
      snapshotId: text(),
      instanceId: text().optional(),
      availabilityZone: text().optional(),
      volumeType: text().optional(),
      iops: num().optional(),
      retainDays: num().default(7),
      tags: tagMap().optional(),
    })
    .refine((p) => p.instanceId !== undefined || p.availabilityZone !== undefined, {
      message: 'give instanceId (the recovery instance: the volume goes to its zone) or availabilityZone',
    }),
  outputs: ['volumeId', 'availabilityZone', 'state'],
});

export const attachVolume = defineProvider({
  name: 'ec2.attachVolume',
  summary: 'Attach a volume to an instance and wait until the attachment is attached',
  kinds: ['action'],
  mutates: true,
  params: z.strictObject({ volumeId: text(), instanceId: text(), device: text() }),
  outputs: ['volumeId', 'instanceId', 'device', 'state'],
});

export const detachVolume = defineProvider({
  name: 'ec2.detachVolume',
  summary: 'Detach a volume and wait until it is available',
  kinds: ['action'],
  mutates: true,
  params: z.strictObject({ volumeId: text(), instanceId: text().optional(), force: bool().default(false) }),
  outputs: ['volumeId', 'state'],
});

export const tagVolume = defineProvider({
  name: 'ec2.tagVolume',
  summary: 'Tag a volume with a retain-until date (the forensic window) and other tags',
  kinds: ['action'],
  mutates: true,
  params: z
    .strictObject({
      volumeId: text(),
      retainDays: num().optional(),
      retainUntil: z.string().regex(ISO_DATE, 'expected a date like 2026-01-31').optional(),
      tags: tagMap().optional(),
    })
    .refine((p) => p.retainDays !== undefined || p.retainUntil !== undefined, { message: 'give retainDays or retainUntil' }),
  outputs: ['volumeId', 'retainUntil'],
});

export const definitions: readonly ProviderDefinition[] = [
  snapshots,
  snapshot,
  describeVolume,
  createVolumeFromSnapshot,
  attachVolume,
  detachVolume,
  tagVolume,
];
