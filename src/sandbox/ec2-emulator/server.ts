/**
 * The HTTP face of the EC2 emulator: form-encoded Query API requests (`Action=…&Version=2016-11-15`)
 * in, XML out, plus a small JSON control endpoint under `/__emulator/` (seed, faults, state) for
 * the sandbox and tests in other processes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Filter } from './filters.js';
import { Ec2Error, statusForCode, type Ec2Seed, type Tags } from './model.js';
import type { DelayInjection, Ec2EmulatorState, FaultInjection } from './state.js';
import { attachmentBody, errorResponse, listOf, reservationBody, response, snapshotBody, volumeBody, element } from './xml.js';

type Params = URLSearchParams;

/** `Prefix.1`, `Prefix.2`, … in order. */
function list(params: Params, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; params.has(`${prefix}.${index}`); index++) values.push(params.get(`${prefix}.${index}`)!);
  return values;
}

function filters(params: Params): Filter[] {
  const result: Filter[] = [];
  for (let index = 1; params.has(`Filter.${index}.Name`); index++) {
    result.push({ name: params.get(`Filter.${index}.Name`)!, values: list(params, `Filter.${index}.Value`) });
  }
  return result;
}

function tags(params: Params, prefix: string): Tags {
  const result: Tags = {};
  for (let index = 1; params.has(`${prefix}.${index}.Key`); index++) {
    result[params.get(`${prefix}.${index}.Key`)!] = params.get(`${prefix}.${index}.Value`) ?? '';
  }
  return result;
}

function volumeTags(params: Params): Tags {
  const result: Tags = {};
  for (let index = 1; params.has(`TagSpecification.${index}.ResourceType`); index++) {
    if (params.get(`TagSpecification.${index}.ResourceType`) === 'volume') Object.assign(result, tags(params, `TagSpecification.${index}.Tag`));
  }
  return result;
}

function integer(params: Params, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${raw}' for ${name}`);
  return value;
}

const flag = (params: Params, name: string) => params.get(name) === 'true';
const optional = (params: Params, name: string) => params.get(name) ?? undefined;
const page = (params: Params) => ({ maxResults: integer(params, 'MaxResults'), nextToken: optional(params, 'NextToken') });

/** Handles one action against the state; returns the response body members. */
function handle(state: Ec2EmulatorState, action: string, params: Params): string {
  switch (action) {
    case 'DescribeVolumes': {
      const result = state.describeVolumes({ volumeIds: list(params, 'VolumeId'), filters: filters(params), ...page(params) });
      return listOf('volumeSet', result.items.map(volumeBody)) + element('nextToken', result.nextToken);
    }
    case 'DescribeSnapshots': {
      const result = state.describeSnapshots({
        snapshotIds: list(params, 'SnapshotId'),
        ownerIds: list(params, 'Owner'),
        filters: filters(params),
        ...page(params),
      });
      return listOf('snapshotSet', result.items.map(snapshotBody)) + element('nextToken', result.nextToken);
    }
    case 'DescribeInstances': {
      const result = state.describeInstances({ instanceIds: list(params, 'InstanceId'), filters: filters(params), ...page(params) });
      return listOf('reservationSet', result.items.map((instance) => reservationBody(instance, state.ownerId))) + element('nextToken', result.nextToken);
    }
    case 'CreateVolume': {
      const volume = state.createVolume({
        availabilityZone: optional(params, 'AvailabilityZone'),
        snapshotId: optional(params, 'SnapshotId'),
        size: integer(params, 'Size'),
        volumeType: optional(params, 'VolumeType'),
        iops: integer(params, 'Iops'),
        clientToken: optional(params, 'ClientToken'),
        tags: volumeTags(params),
        dryRun: flag(params, 'DryRun'),
      });
      return volumeBody(volume);
    }
    case 'AttachVolume': {
      const volume = state.attachVolume({
        volumeId: optional(params, 'VolumeId'),
        instanceId: optional(params, 'InstanceId'),
        device: optional(params, 'Device'),
        dryRun: flag(params, 'DryRun'),
      });
      return attachmentBody(volume.volumeId, volume.attachment!);
    }
    case 'DetachVolume': {
      const volume = state.detachVolume({ volumeId: optional(params, 'VolumeId'), instanceId: optional(params, 'InstanceId'), dryRun: flag(params, 'DryRun') });
      return attachmentBody(volume.volumeId, volume.attachment!);
    }
    case 'CreateTags':
      state.createTags({ resourceIds: list(params, 'ResourceId'), tags: tags(params, 'Tag'), dryRun: flag(params, 'DryRun') });
      return element('return', true);
    default:
      throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function accessKeyOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization ?? '';
  return /Credential=([^/,\s]+)\//.exec(header)?.[1];
}

function send(res: ServerResponse, status: number, body: string, type = 'text/xml;charset=UTF-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function control(state: Ec2EmulatorState, path: string, body: string, res: ServerResponse): Promise<void> {
  const input = body ? (JSON.parse(body) as unknown) : {};
  if (path === '/__emulator/seed') state.seed(input as Ec2Seed);
  else if (path === '/__emulator/faults') state.injectFaults(input as FaultInjection);
  else if (path === '/__emulator/delays') state.injectDelay(input as DelayInjection);
  else if (path === '/__emulator/clear-injections') state.clearInjections();
  else if (path !== '/__emulator/state') return send(res, 404, JSON.stringify({ error: `unknown control path ${path}` }), 'application/json');
  state.settle();
  const snapshot = {
    volumes: [...state.volumes.values()],
    snapshots: [...state.snapshots.values()],
    instances: [...state.instances.values()],
  };
  send(res, 200, JSON.stringify(snapshot), 'application/json');
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the request handler serving `state`. */
export function createHandler(state: Ec2EmulatorState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const requestId = randomUUID();
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/__emulator/')) return control(state, path, body, res);
      const params = new URLSearchParams(req.method === 'GET' ? (req.url ?? '').split('?')[1] ?? '' : body);
      const action = params.get('Action') ?? '';
      state.requestLog.push(action);
      const delay = state.takeDelay(action);
      if (delay > 0) await wait(delay);
      if (res.destroyed) return;
      try {
        if (state.requiredAccessKeyId !== undefined && accessKeyOf(req) !== state.requiredAccessKeyId) {
          throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
        }
        const fault = state.takeFault(action);
        if (fault) throw new Ec2Error(fault.code, fault.message ?? `Injected ${fault.code}`, fault.status ?? statusForCode(fault.code));
        if (state.deniedActions.has(action)) {
          throw new Ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
        }
        if (params.get('Version') !== '2016-11-15') throw new Ec2Error('InvalidParameterValue', `Unsupported API version: ${params.get('Version')}`);
        state.settle();
        send(res, 200, response(action, requestId, handle(state, action, params)));
      } catch (error) {
        if (error instanceof Ec2Error) return send(res, error.status, errorResponse(error.code, error.message, requestId));
        const message = error instanceof Error ? error.message : String(error);
        send(res, 500, errorResponse('InternalError', `emulator bug: ${message}`, requestId));
      }
    })();
  };
}
