/** Paginated EC2 look-ups shared by the ec2 providers, each bounded, retried and classified. */
import {
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Filter,
  type Instance,
  type Snapshot,
  type Tag,
  type Volume,
} from '@aws-sdk/client-ec2';
import { awsCall } from '../aws/call.js';
import type { StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';

/** `{ K: V }` as EC2 `tag:K` filters. */
export function tagFilters(tags: Readonly<Record<string, string>> | undefined): Filter[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
}

/** EC2 tag list as a map. */
export function tagsToMap(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((tag) => tag.Key !== undefined).map((tag) => [tag.Key!, tag.Value ?? '']));
}

/** Map → EC2 tag list. */
export function mapToTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Every snapshot this account owns matching `filters`, across all pages of 1,000. */
export async function describeOwnSnapshots(client: EC2Client, context: StepContext, filters: Filter[]): Promise<Snapshot[]> {
  const all: Snapshot[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall(context, 'EC2 DescribeSnapshots', (abortSignal) =>
      client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filters, MaxResults: 1000, NextToken: nextToken }), { abortSignal }),
    );
    all.push(...(page.Snapshots ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}

/** One snapshot by id (not-found when it does not exist). */
export async function describeSnapshot(client: EC2Client, context: StepContext, snapshotId: string): Promise<Snapshot> {
  const page = await awsCall(context, `EC2 DescribeSnapshots ${snapshotId}`, (abortSignal) =>
    client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }), { abortSignal }),
  );
  const found = page.Snapshots?.[0];
  if (!found) throw new ProviderFailure('not-found', `snapshot ${snapshotId} does not exist`, 'check the snapshot id and the environment\'s region');
  return found;
}

/** One volume by id (not-found when it does not exist). */
export async function describeVolume(client: EC2Client, context: StepContext, volumeId: string): Promise<Volume> {
  const page = await awsCall(context, `EC2 DescribeVolumes ${volumeId}`, (abortSignal) =>
    client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }), { abortSignal }),
  );
  const found = page.Volumes?.[0];
  if (!found) throw new ProviderFailure('not-found', `volume ${volumeId} does not exist`, 'check the volume id and the environment\'s region');
  return found;
}

/** Volumes matching `filters`, across all pages. */
export async function describeVolumes(client: EC2Client, context: StepContext, filters: Filter[]): Promise<Volume[]> {
  const all: Volume[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall(context, 'EC2 DescribeVolumes', (abortSignal) =>
      client.send(new DescribeVolumesCommand({ Filters: filters, MaxResults: 500, NextToken: nextToken }), { abortSignal }),
    );
    all.push(...(page.Volumes ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}

/** One instance by id (not-found when it does not exist). */
export async function describeInstance(client: EC2Client, context: StepContext, instanceId: string): Promise<Instance> {
  const page = await awsCall(context, `EC2 DescribeInstances ${instanceId}`, (abortSignal) =>
    client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), { abortSignal }),
  );
  const found = page.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
  if (!found) throw new ProviderFailure('not-found', `instance ${instanceId} does not exist`, 'check the recovery instance id and the environment\'s region');
  return found;
}

/** The attachment of a volume, if any (a volume has at most one outside multi-attach). */
export function attachmentOf(volume: Volume) {
  return volume.Attachments?.[0];
}
