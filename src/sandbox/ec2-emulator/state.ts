/**
 * The emulator's in-memory EC2: volumes, snapshots, instances and tags, with states that change
 * over time (creating → available, attaching → attached, detaching → available), ClientToken
 * idempotency, and injectable faults and delays for failure tests.
 */
import { randomBytes } from 'node:crypto';
import { compileFilters, type Filter } from './filters.js';
import { Ec2Error, type Ec2Seed, type Instance, type Snapshot, type Tags, type Volume } from './model.js';

export interface Ec2StateOptions {
  /** How long a new volume stays `creating`; default 300 ms. */
  readonly createDelayMs?: number;
  /** How long an attachment stays `attaching`; default 200 ms. */
  readonly attachDelayMs?: number;
  /** How long an attachment stays `detaching`; default 200 ms. */
  readonly detachDelayMs?: number;
  /** When set, requests signed with another access key id get AuthFailure. */
  readonly requiredAccessKeyId?: string;
}

/** A fault to answer instead of handling a request: `times` requests of `action` (or any, `*`). */
export interface FaultInjection {
  readonly action: string;
  readonly code: string;
  readonly status?: number;
  readonly message?: string;
  readonly times?: number;
}

/** Extra latency before answering `times` requests of `action` (or any, `*`). */
export interface DelayInjection {
  readonly action: string;
  readonly ms: number;
  readonly times?: number;
}

interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

interface TokenRecord {
  readonly fingerprint: string;
  readonly volumeId: string;
}

/** Parameters of CreateVolume as the emulator compares them for ClientToken idempotency. */
export interface CreateVolumeRequest {
  readonly availabilityZone?: string;
  readonly snapshotId?: string;
  readonly size?: number;
  readonly volumeType?: string;
  readonly iops?: number;
  readonly clientToken?: string;
  readonly tags: Tags;
  readonly dryRun: boolean;
}

const DEFAULT_OWNER = '123456789012';
const DEFAULT_ZONES = ['a', 'b', 'c', 'd', 'e', 'f'].map((letter) => `us-east-1${letter}`);

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

function dryRunSucceeds(): never {
  throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/** Mutable emulator state; the HTTP layer (server.ts) turns requests into calls on it. */
export class Ec2EmulatorState {
  readonly volumes = new Map<string, Volume>();
  readonly snapshots = new Map<string, Snapshot>();
  readonly instances = new Map<string, Instance>();
  ownerId = DEFAULT_OWNER;
  availabilityZones = DEFAULT_ZONES;
  createDelayMs: number;
  attachDelayMs: number;
  detachDelayMs: number;
  requiredAccessKeyId: string | undefined;
  /** Actions answered with UnauthorizedOperation (a principal without the permission). */
  readonly deniedActions = new Set<string>();
  /** Every request's action, in order, for tests that count calls. */
  readonly requestLog: string[] = [];
  private readonly faults: Array<FaultInjection & { remaining: number }> = [];
  private readonly delays: Array<DelayInjection & { remaining: number }> = [];
  private readonly clientTokens = new Map<string, TokenRecord>();

  constructor(options: Ec2StateOptions = {}, seed?: Ec2Seed) {
    this.createDelayMs = options.createDelayMs ?? 300;
    this.attachDelayMs = options.attachDelayMs ?? 200;
    this.detachDelayMs = options.detachDelayMs ?? 200;
    this.requiredAccessKeyId = options.requiredAccessKeyId;
    if (seed) this.seed(seed);
  }

  /** Adds (or replaces) the seed's resources. */
  seed(seed: Ec2Seed): void {
    if (seed.ownerId) this.ownerId = seed.ownerId;
    if (seed.availabilityZones) this.availabilityZones = seed.availabilityZones;
    const now = new Date().toISOString();
    for (const instance of seed.instances ?? []) {
      this.instances.set(instance.instanceId, {
        availabilityZone: this.availabilityZones[0]!,
        state: 'running',
        instanceType: 't3.medium',
        ...instance,
        tags: { ...instance.tags },
      });
    }
    for (const volume of seed.volumes ?? []) {
      const { attachment, tags, ...rest } = volume;
      this.volumes.set(volume.volumeId, {
        size: 100,
        snapshotId: '',
        availabilityZone: this.availabilityZones[0]!,
        state: attachment ? 'in-use' : 'available',
        createTime: now,
        volumeType: 'gp3',
        encrypted: false,
        ...rest,
        tags: { ...tags },
        ...(attachment ? { attachment: { state: 'attached', attachTime: now, ...attachment } } : {}),
      });
    }
    const addSnapshots = (list: Ec2Seed['snapshots'], ownerId: string) => {
      for (const snapshot of list ?? []) {
        const state = snapshot.state ?? 'completed';
        this.snapshots.set(snapshot.snapshotId, {
          startTime: now,
          progress: state === 'completed' ? '100%' : state === 'pending' ? '50%' : '0%',
          ownerId,
          volumeSize: 100,
          description: '',
          encrypted: false,
          ...snapshot,
          state,
          tags: { ...snapshot.tags },
        });
      }
    };
    addSnapshots(seed.snapshots, this.ownerId);
    addSnapshots(seed.foreignSnapshots, '999999999999');
  }

  /** Answer the next `times` (default 1) requests of `action` with an error instead. */
  injectFaults(fault: FaultInjection): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Delay the next `times` (default 1) requests of `action` by `ms`. */
  injectDelay(delay: DelayInjection): void {
    this.delays.push({ ...delay, remaining: delay.times ?? 1 });
  }

  /** Forgets pending faults and delays. */
  clearInjections(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }

  /** The fault to answer for this request, if one is pending (consumes it). */
  takeFault(action: string): FaultInjection | undefined {
    const index = this.faults.findIndex((fault) => fault.remaining > 0 && (fault.action === action || fault.action === '*'));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    return fault;
  }

  /** The latency to add to this request (consumes one pending delay). */
  takeDelay(action: string): number {
    const index = this.delays.findIndex((delay) => delay.remaining > 0 && (delay.action === action || delay.action === '*'));
    if (index < 0) return 0;
    const delay = this.delays[index]!;
    delay.remaining -= 1;
    if (delay.remaining === 0) this.delays.splice(index, 1);
    return delay.ms;
  }

  /** Applies transitions whose time has come (called before every request). */
  settle(now = Date.now()): void {
    for (const volume of this.volumes.values()) {
      if (volume.settlesAt !== undefined && volume.settlesAt <= now) {
        volume.state = volume.settlesTo ?? 'available';
        delete volume.settlesAt;
        delete volume.settlesTo;
      }
      const attachment = volume.attachment;
      if (attachment?.settlesAt !== undefined && attachment.settlesAt <= now) {
        if (attachment.state === 'attaching') {
          attachment.state = 'attached';
          delete attachment.settlesAt;
        } else if (attachment.state === 'detaching') {
          delete volume.attachment;
          volume.state = 'available';
        }
      }
    }
  }

  describeVolumes(request: PageRequest & { volumeIds: string[]; filters: Filter[] }): { items: Volume[]; nextToken?: string } {
    const match = compileFilters<Volume>(
      request.filters,
      {
        'volume-id': (v) => [v.volumeId],
        status: (v) => [v.state],
        'availability-zone': (v) => [v.availabilityZone],
        'snapshot-id': (v) => [v.snapshotId],
        size: (v) => [String(v.size)],
        'volume-type': (v) => [v.volumeType],
        'create-time': (v) => [v.createTime],
        encrypted: (v) => [String(v.encrypted)],
        'attachment.instance-id': (v) => [v.attachment?.instanceId],
        'attachment.status': (v) => [v.attachment?.state],
        'attachment.device': (v) => [v.attachment?.device],
      },
      (v) => v.tags,
    );
    const selected = this.select(this.volumes, request.volumeIds, 'vol', 'InvalidVolume.NotFound', 'volume');
    return this.paginate('DescribeVolumes', selected.filter(match), request, 500);
  }

  describeSnapshots(request: PageRequest & { snapshotIds: string[]; ownerIds: string[]; filters: Filter[] }): { items: Snapshot[]; nextToken?: string } {
    const match = compileFilters<Snapshot>(
      request.filters,
      {
        'snapshot-id': (s) => [s.snapshotId],
        'volume-id': (s) => [s.volumeId],
        status: (s) => [s.state],
        'owner-id': (s) => [s.ownerId],
        'start-time': (s) => [s.startTime],
        'volume-size': (s) => [String(s.volumeSize)],
        description: (s) => [s.description],
        encrypted: (s) => [String(s.encrypted)],
        progress: (s) => [s.progress],
      },
      (s) => s.tags,
    );
    const owners = request.ownerIds.map((owner) => (owner === 'self' ? this.ownerId : owner));
    const selected = this.select(this.snapshots, request.snapshotIds, 'snap', 'InvalidSnapshot.NotFound', 'snapshot')
      .filter((s) => owners.length === 0 || owners.includes(s.ownerId));
    return this.paginate('DescribeSnapshots', selected.filter(match), request, 1000);
  }

  describeInstances(request: PageRequest & { instanceIds: string[]; filters: Filter[] }): { items: Instance[]; nextToken?: string } {
    const match = compileFilters<Instance>(
      request.filters,
      {
        'instance-id': (i) => [i.instanceId],
        'availability-zone': (i) => [i.availabilityZone],
        'instance-state-name': (i) => [i.state],
        'instance-type': (i) => [i.instanceType],
      },
      (i) => i.tags,
    );
    const selected = this.select(this.instances, request.instanceIds, 'i', 'InvalidInstanceID.NotFound', 'instance ID');
    return this.paginate('DescribeInstances', selected.filter(match), request, 1000);
  }

  createVolume(request: CreateVolumeRequest): Volume {
    if (!request.availabilityZone) throw new Ec2Error('MissingParameter', 'The request must contain the parameter AvailabilityZone');
    if (!this.availabilityZones.includes(request.availabilityZone)) {
      throw new Ec2Error('InvalidParameterValue', `Invalid availability zone: [${request.availabilityZone}]`);
    }
    if (!request.snapshotId && request.size === undefined) {
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter size or snapshotId');
    }
    const snapshot = request.snapshotId ? this.requireSnapshot(request.snapshotId) : undefined;
    if (snapshot && snapshot.state !== 'completed') {
      throw new Ec2Error('IncorrectState', `Snapshot is in invalid state - ${snapshot.state}`);
    }
    const size = request.size ?? snapshot?.volumeSize ?? 0;
    if (snapshot && size < snapshot.volumeSize) {
      throw new Ec2Error('InvalidParameterValue', `Volume of ${size}GiB is too small; minimum is ${snapshot.volumeSize}GiB.`);
    }
    if (request.clientToken) {
      const fingerprint = JSON.stringify([request.availabilityZone, request.snapshotId, request.size, request.volumeType, request.iops, request.tags]);
      const previous = this.clientTokens.get(request.clientToken);
      if (previous && previous.fingerprint !== fingerprint) {
        throw new Ec2Error('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that is already deleted or has different parameters. Please use a different client token.');
      }
      if (request.dryRun) dryRunSucceeds();
      if (previous) return this.volumes.get(previous.volumeId)!;
      const volume = this.addVolume(request, snapshot, size);
      this.clientTokens.set(request.clientToken, { fingerprint, volumeId: volume.volumeId });
      return volume;
    }
    if (request.dryRun) dryRunSucceeds();
    return this.addVolume(request, snapshot, size);
  }

  attachVolume(request: { volumeId?: string; instanceId?: string; device?: string; dryRun: boolean }): Volume {
    if (!request.device) throw new Ec2Error('MissingParameter', 'The request must contain the parameter device');
    const volume = this.requireVolume(request.volumeId);
    const instance = this.requireInstance(request.instanceId);
    if (volume.attachment) {
      throw new Ec2Error('VolumeInUse', `${volume.volumeId} is already attached to an instance`);
    }
    if (volume.state !== 'available') {
      throw new Ec2Error('IncorrectState', `vol '${volume.volumeId}' is not 'available'.`);
    }
    if (volume.availabilityZone !== instance.availabilityZone) {
      throw new Ec2Error('InvalidVolume.ZoneMismatch', `The volume '${volume.volumeId}' is not in the same availability zone as instance '${instance.instanceId}'`);
    }
    const taken = [...this.volumes.values()].some((other) => other.attachment?.instanceId === instance.instanceId && other.attachment.device === request.device);
    if (taken) throw new Ec2Error('InvalidParameterValue', `Invalid value '${request.device}' for unixDevice. Attachment point ${request.device} is already in use`);
    if (request.dryRun) dryRunSucceeds();
    volume.state = 'in-use';
    volume.attachment = {
      instanceId: instance.instanceId,
      device: request.device,
      state: 'attaching',
      attachTime: new Date().toISOString(),
      settlesAt: Date.now() + this.attachDelayMs,
    };
    return volume;
  }

  detachVolume(request: { volumeId?: string; instanceId?: string; dryRun: boolean }): Volume {
    const volume = this.requireVolume(request.volumeId);
    if (!volume.attachment) {
      throw new Ec2Error('IncorrectState', `Volume '${volume.volumeId}' is in the '${volume.state}' state.`);
    }
    if (request.instanceId && request.instanceId !== volume.attachment.instanceId) {
      throw new Ec2Error('InvalidAttachment.NotFound', `The volume '${volume.volumeId}' is not attached to instance '${request.instanceId}'`);
    }
    if (request.dryRun) dryRunSucceeds();
    if (volume.attachment.state !== 'detaching') {
      volume.attachment.state = 'detaching';
      volume.attachment.settlesAt = Date.now() + this.detachDelayMs;
    }
    return volume;
  }

  createTags(request: { resourceIds: string[]; tags: Tags; dryRun: boolean }): void {
    if (request.resourceIds.length === 0) throw new Ec2Error('MissingParameter', 'The request must contain the parameter resourceIdSet');
    const targets = request.resourceIds.map((id) => {
      if (id.startsWith('vol-')) return this.requireVolume(id);
      if (id.startsWith('snap-')) return this.requireSnapshot(id);
      if (id.startsWith('i-')) return this.requireInstance(id);
      throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
    });
    if (request.dryRun) dryRunSucceeds();
    for (const target of targets) Object.assign(target.tags, request.tags);
  }

  private addVolume(request: CreateVolumeRequest, snapshot: Snapshot | undefined, size: number): Volume {
    const volume: Volume = {
      volumeId: newId('vol'),
      size,
      snapshotId: snapshot?.snapshotId ?? '',
      availabilityZone: request.availabilityZone!,
      state: 'creating',
      createTime: new Date().toISOString(),
      volumeType: request.volumeType ?? 'gp2',
      ...(request.iops !== undefined ? { iops: request.iops } : {}),
      encrypted: snapshot?.encrypted ?? false,
      tags: { ...request.tags },
      settlesAt: Date.now() + this.createDelayMs,
      settlesTo: snapshot?.restoreFails ? 'error' : 'available',
    };
    this.volumes.set(volume.volumeId, volume);
    return volume;
  }

  private select<T>(map: Map<string, T>, ids: string[], prefix: string, notFound: string, noun: string): T[] {
    if (ids.length === 0) return [...map.values()];
    return ids.map((id) => {
      if (!new RegExp(`^${prefix}-[0-9a-zA-Z]+$`).test(id)) {
        throw new Ec2Error(noun === 'instance ID' ? 'InvalidInstanceID.Malformed' : `Invalid${prefix === 'vol' ? 'Volume' : 'Snapshot'}ID.Malformed`, `Invalid id: "${id}"`);
      }
      const found = map.get(id);
      if (!found) throw new Ec2Error(notFound, `The ${noun} '${id}' does not exist.`);
      return found;
    });
  }

  private requireVolume(id: string | undefined): Volume {
    if (!id) throw new Ec2Error('MissingParameter', 'The request must contain the parameter volumeId');
    return this.select(this.volumes, [id], 'vol', 'InvalidVolume.NotFound', 'volume')[0]!;
  }

  private requireSnapshot(id: string): Snapshot {
    return this.select(this.snapshots, [id], 'snap', 'InvalidSnapshot.NotFound', 'snapshot')[0]!;
  }

  private requireInstance(id: string | undefined): Instance {
    if (!id) throw new Ec2Error('MissingParameter', 'The request must contain the parameter instanceId');
    return this.select(this.instances, [id], 'i', 'InvalidInstanceID.NotFound', 'instance ID')[0]!;
  }

  private paginate<T>(action: string, items: T[], request: PageRequest, max: number): { items: T[]; nextToken?: string } {
    if (request.maxResults !== undefined && (request.maxResults < 5 || request.maxResults > max)) {
      throw new Ec2Error('InvalidParameterValue', `Value ( ${request.maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and ${max}.`);
    }
    let offset = 0;
    if (request.nextToken) {
      const decoded = decodeToken(request.nextToken);
      if (!decoded || decoded.action !== action) throw new Ec2Error('InvalidParameterValue', 'The token is invalid or expired');
      offset = decoded.offset;
    }
    const size = request.maxResults ?? items.length;
    const page = items.slice(offset, offset + size);
    const next = offset + size;
    return next < items.length ? { items: page, nextToken: encodeToken(action, next) } : { items: page };
  }
}

function encodeToken(action: string, offset: number): string {
  return Buffer.from(JSON.stringify({ action, offset })).toString('base64url');
}

function decodeToken(token: string): { action: string; offset: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { action?: unknown; offset?: unknown };
    return typeof value.action === 'string' && typeof value.offset === 'number' ? { action: value.action, offset: value.offset } : undefined;
  } catch {
    return undefined;
  }
}
