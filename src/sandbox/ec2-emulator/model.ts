/**
 * The emulator's in-memory model of EC2 resources and the JSON seed that fills it. Field names
 * follow the EC2 API's XML member names so serialisation stays a straight copy.
 */

export type Tags = Record<string, string>;

export type VolumeState = 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted' | 'error';
export type AttachmentState = 'attaching' | 'attached' | 'detaching' | 'detached';
export type SnapshotState = 'pending' | 'completed' | 'error' | 'recoverable' | 'recovering';

export interface Attachment {
  instanceId: string;
  device: string;
  state: AttachmentState;
  attachTime: string;
  /** When the current transition (attaching → attached, detaching → gone) completes, epoch ms. */
  settlesAt?: number;
}

export interface Volume {
  volumeId: string;
  size: number;
  snapshotId: string;
  availabilityZone: string;
  state: VolumeState;
  createTime: string;
  volumeType: string;
  iops?: number;
  encrypted: boolean;
  tags: Tags;
  attachment?: Attachment;
  /** When `creating` turns into `settlesTo`, epoch ms. */
  settlesAt?: number;
  settlesTo?: VolumeState;
}

export interface Snapshot {
  snapshotId: string;
  volumeId: string;
  state: SnapshotState;
  startTime: string;
  progress: string;
  ownerId: string;
  volumeSize: number;
  description: string;
  encrypted: boolean;
  stateMessage?: string;
  tags: Tags;
  /** Volumes created from this snapshot end in `error` (a broken snapshot, for failure drills). */
  restoreFails?: boolean;
}

export interface Instance {
  instanceId: string;
  availabilityZone: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';
  instanceType: string;
  tags: Tags;
}

/** What a seed may say; omitted fields get plausible defaults. Times are ISO strings. */
export interface Ec2Seed {
  /** The account that owns seeded snapshots (`OwnerIds: self`); default 123456789012. */
  ownerId?: string;
  /** Zones CreateVolume accepts; default the region's a–f zones of us-east-1. */
  availabilityZones?: string[];
  volumes?: Array<Partial<Omit<Volume, 'tags' | 'attachment'>> & {
    volumeId: string;
    tags?: Tags;
    attachment?: { instanceId: string; device: string; state?: AttachmentState };
  }>;
  snapshots?: Array<Partial<Omit<Snapshot, 'tags'>> & { snapshotId: string; volumeId: string; tags?: Tags }>;
  /** Snapshots owned by another account (visible without OwnerIds, hidden by `self`). */
  foreignSnapshots?: Array<Partial<Omit<Snapshot, 'tags'>> & { snapshotId: string; volumeId: string; tags?: Tags }>;
  instances?: Array<Partial<Omit<Instance, 'tags'>> & { instanceId: string; tags?: Tags }>;
}

/** An EC2 API error as the service reports it: code, message and HTTP status. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

/** HTTP status AWS uses for an error code the emulator may be told to inject. */
export function statusForCode(code: string): number {
  if (code === 'RequestLimitExceeded' || code === 'ServiceUnavailable' || code === 'Unavailable') return 503;
  if (code === 'InternalError' || code === 'InternalFailure') return 500;
  if (code === 'UnauthorizedOperation') return 403;
  if (code === 'AuthFailure') return 401;
  if (code === 'DryRunOperation') return 412;
  return 400;
}
