/**
 * metadata.snapshotConsistency: compares the snapshot records a metadata store keeps (a Postgres
 * query returning snapshot_id, state and optionally volume_id) with the snapshots EC2 reports,
 * and reports every difference: missing on either side, state or volume mismatches.
 */
import type { Snapshot } from '@aws-sdk/client-ec2';
import type { z } from 'zod';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import { describeOwnSnapshots, tagFilters } from '../ec2/describe.js';
import { withClient } from '../postgres/connect.js';
import type { Provider, StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import type { snapshotConsistency } from './definitions.js';

type Params = z.output<(typeof snapshotConsistency)['params']>;

interface StoreRecord {
  readonly snapshotId: string;
  readonly state: string;
  readonly volumeId?: string;
}

/** Differences listed in outputs are capped; the counts are always complete. */
const LIST_CAP = 100;
const DETAIL_CAP = 10;

async function storeRecords(params: Params, context: StepContext): Promise<StoreRecord[]> {
  const result = await withClient(params.database, context, (client) => client.query(params.sql), { what: `metadata store "${params.database}"` });
  const columns = result.fields.map((field) => field.name);
  if (!columns.includes('snapshot_id') || !columns.includes('state')) {
    throw new ProviderFailure(
      'invalid-input',
      `the store query returned columns ${columns.join(', ') || '(none)'}, not snapshot_id and state`,
      'make the query return snapshot_id and state (and optionally volume_id), e.g. with "AS snapshot_id"',
    );
  }
  return result.rows.map((row: Record<string, unknown>) => ({
    snapshotId: String(row['snapshot_id']),
    state: String(row['state']),
    ...(row['volume_id'] !== undefined && row['volume_id'] !== null ? { volumeId: String(row['volume_id']) } : {}),
  }));
}

async function ec2Snapshots(params: Params, context: StepContext): Promise<Snapshot[]> {
  const filters = [...(params.volumeIds?.length ? [{ Name: 'volume-id', Values: params.volumeIds }] : []), ...tagFilters(params.tags)];
  return describeOwnSnapshots(ec2Client(context), context, filters);
}

const normalise = (state: string) => state.trim().toLowerCase();

export const snapshotConsistencyProvider: Provider<Params> = {
  run: (params, context) =>
    guarded('metadata.snapshotConsistency', async () => {
      // One side after the other: a failure on the first leaves no request of the second running behind it.
      const allRecords = await storeRecords(params, context);
      const snapshots = await ec2Snapshots(params, context);
      // EC2's side is scoped by volumeIds; records that say which volume they belong to are scoped alike.
      const scope = params.volumeIds?.length ? new Set(params.volumeIds) : undefined;
      const records = scope ? allRecords.filter((record) => record.volumeId === undefined || scope.has(record.volumeId)) : allRecords;
      const inEc2 = new Map(snapshots.map((s) => [s.SnapshotId ?? '', s]));
      const inStore = new Map(records.map((record) => [record.snapshotId, record]));
      const missingInEc2 = records.filter((record) => !inEc2.has(record.snapshotId)).map((record) => record.snapshotId);
      const missingInStore = snapshots.filter((s) => !inStore.has(s.SnapshotId ?? '')).map((s) => s.SnapshotId ?? '');
      const stateMismatches: Array<{ snapshotId: string; store: string; ec2: string }> = [];
      const volumeMismatches: Array<{ snapshotId: string; store: string; ec2: string }> = [];
      for (const record of records) {
        const snapshot = inEc2.get(record.snapshotId);
        if (!snapshot) continue;
        if (normalise(record.state) !== normalise(snapshot.State ?? '')) stateMismatches.push({ snapshotId: record.snapshotId, store: record.state, ec2: snapshot.State ?? 'unknown' });
        if (record.volumeId !== undefined && snapshot.VolumeId !== undefined && record.volumeId !== snapshot.VolumeId) {
          volumeMismatches.push({ snapshotId: record.snapshotId, store: record.volumeId, ec2: snapshot.VolumeId });
        }
      }
      const differences = [
        ...missingInEc2.map((id) => `${id} is in the store (${inStore.get(id)!.state}) but not in EC2`),
        ...missingInStore.map((id) => `${id} is in EC2 (${inEc2.get(id)!.State}) but not in the store`),
        ...stateMismatches.map((m) => `${m.snapshotId} is ${m.store} in the store but ${m.ec2} in EC2`),
        ...volumeMismatches.map((m) => `${m.snapshotId} belongs to ${m.store} in the store but to ${m.ec2} in EC2`),
      ];
      const outputs = {
        storeCount: records.length,
        ec2Count: snapshots.length,
        missingInEc2: missingInEc2.slice(0, LIST_CAP),
        missingInStore: missingInStore.slice(0, LIST_CAP),
        stateMismatches: stateMismatches.slice(0, LIST_CAP),
      };
      const shown = differences.slice(0, DETAIL_CAP).join('; ');
      return {
        ok: differences.length === 0,
        outputs,
        observed: {
          ...outputs,
          missingInEc2Count: missingInEc2.length,
          missingInStoreCount: missingInStore.length,
          stateMismatchCount: stateMismatches.length,
          volumeMismatches: volumeMismatches.slice(0, LIST_CAP),
        },
        expected: 'the store and EC2 list the same snapshots in the same states',
        detail:
          differences.length === 0
            ? `The store and EC2 agree on ${records.length} snapshots.`
            : `${differences.length} differences between the store (${records.length}) and EC2 (${snapshots.length}): ${shown}${differences.length > DETAIL_CAP ? `; and ${differences.length - DETAIL_CAP} more` : ''}.`,
      };
    }),
};
