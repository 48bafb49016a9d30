/** ec2.snapshots (check and live list) and ec2.snapshot: freshness, failures and retention of EBS snapshots. */
import type { Snapshot } from '@aws-sdk/client-ec2';
import type { z } from 'zod';
import { ec2Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import type { Choice, Provider, StepContext } from '../provider.js';
import { ageSeconds, formatAge, formatDuration } from '../aws/time.js';
import type { snapshot, snapshots } from './definitions.js';
import { describeOwnSnapshots, describeSnapshot, tagFilters, tagsToMap } from './describe.js';

type SnapshotsParams = z.output<(typeof snapshots)['params']>;
type SnapshotParams = z.output<(typeof snapshot)['params']>;

const startOf = (s: Snapshot) => s.StartTime?.getTime() ?? 0;
const scopeText = (p: SnapshotsParams) =>
  [p.volumeId ? `volume ${p.volumeId}` : '', ...Object.entries(p.tags ?? {}).map(([k, v]) => `tag ${k}=${v}`)].filter(Boolean).join(', ');

async function snapshotsInScope(params: SnapshotsParams, context: StepContext): Promise<Snapshot[]> {
  const filters = [...(params.volumeId ? [{ Name: 'volume-id', Values: [params.volumeId] }] : []), ...tagFilters(params.tags)];
  return describeOwnSnapshots(ec2Client(context), context, filters);
}

/** Newest completed snapshot per volume. */
function newestCompletedByVolume(all: readonly Snapshot[]): Map<string, Snapshot> {
  const newest = new Map<string, Snapshot>();
  for (const s of all) {
    if (s.State !== 'completed') continue;
    const key = s.VolumeId ?? '';
    const current = newest.get(key);
    if (!current || startOf(s) > startOf(current)) newest.set(key, s);
  }
  return newest;
}

export const snapshotsProvider: Provider<SnapshotsParams> = {
  run: (params, context) =>
    guarded('ec2.snapshots', async () => {
      const all = await snapshotsInScope(params, context);
      const now = context.now();
      const nowMs = now.getTime();
      const perVolume = newestCompletedByVolume(all);
      let newest: Snapshot | undefined;
      for (const s of perVolume.values()) if (!newest || startOf(s) > startOf(newest)) newest = s;
      const completedCount = all.filter((s) => s.State === 'completed').length;
      const failed = all.filter((s) => s.State === 'error' && (params.failedWindow === undefined || startOf(s) >= nowMs - params.failedWindow * 1000));
      const inWindow = params.window === undefined ? null : all.filter((s) => s.State === 'completed' && startOf(s) >= nowMs - params.window! * 1000).length;
      const age = newest?.StartTime ? ageSeconds(now, newest.StartTime) : null;
      const stale = params.maxAge === undefined ? [] : [...perVolume.values()].filter((s) => ageSeconds(now, s.StartTime ?? new Date(0)) > params.maxAge!);
      const outputs = {
        newestSnapshotId: newest?.SnapshotId ?? null,
        newestStartTime: newest?.StartTime?.toISOString() ?? null,
        ageSeconds: age,
        completedCount,
        failedCount: failed.length,
        inWindow,
      };
      const unmet = [
        newest ? undefined : 'no completed snapshot',
        stale.length > 0
          ? perVolume.size === 1
            ? `newest completed snapshot is ${formatAge(age!)} old (limit ${formatDuration(params.maxAge!)})`
            : `${stale.length} of ${perVolume.size} volumes have no completed snapshot younger than ${formatDuration(params.maxAge!)}`
          : undefined,
        params.failedWindow !== undefined && failed.length > 0 ? `${failed.length} failed snapshots in the last ${formatDuration(params.failedWindow)} (${failed.slice(0, 5).map((s) => s.SnapshotId).join(', ')})` : undefined,
        inWindow !== null && inWindow < params.minInWindow! ? `${inWindow} completed snapshots in the last ${formatDuration(params.window!)} (need ${params.minInWindow})` : undefined,
      ].filter((item): item is string => item !== undefined);
      const expected = [
        params.maxAge !== undefined ? `newest completed <= ${formatDuration(params.maxAge)} old` : 'a completed snapshot',
        params.failedWindow !== undefined ? `no failed snapshot in ${formatDuration(params.failedWindow)}` : '',
        params.window !== undefined ? `>= ${params.minInWindow} completed in ${formatDuration(params.window)}` : '',
      ].filter(Boolean).join(', ');
      return {
        ok: unmet.length === 0,
        outputs,
        observed: { ...outputs, volumes: perVolume.size, snapshots: all.length, staleCount: stale.length, staleVolumes: stale.slice(0, 20).map((s) => s.VolumeId) },
        expected,
        detail: unmet.length
          ? `Snapshots of ${scopeText(params)}: ${unmet.join('; ')}.`
          : `Newest completed snapshot of ${scopeText(params)} is ${newest!.SnapshotId}, ${formatAge(age!)} old (${completedCount} completed, ${failed.length} failed).`,
      };
    }),

  async choices(params, context) {
    const all = (await snapshotsInScope(params, context)).sort((a, b) => startOf(b) - startOf(a));
    const lastGood = all.find((s) => s.State === 'completed');
    return all.map((s): Choice => {
      const start = s.StartTime?.toISOString() ?? 'unknown start';
      return {
        value: s.SnapshotId ?? '',
        label: `${s.SnapshotId}  ${start}  ${s.State}  ${s.VolumeSize ?? '?'} GiB`,
        hint: `volume ${s.VolumeId ?? '?'}${s.Progress && s.State !== 'completed' ? `, ${s.Progress}` : ''}`,
        ...(s === lastGood ? { marked: 'last known good' } : {}),
        // Only a completed snapshot can become a volume; failed and pending ones are shown, not offered.
        ...(s.State !== 'completed' ? { disabled: true } : {}),
      };
    });
  },
};

export const snapshotProvider: Provider<SnapshotParams> = {
  run: (params, context) =>
    guarded('ec2.snapshot', async () => {
      const found = await describeSnapshot(ec2Client(context), context, params.snapshotId);
      const age = found.StartTime ? ageSeconds(context.now(), found.StartTime) : null;
      const outputs = {
        state: found.State ?? 'unknown',
        startTime: found.StartTime?.toISOString() ?? null,
        volumeId: found.VolumeId ?? null,
        volumeSize: found.VolumeSize ?? null,
        ageSeconds: age,
        tags: tagsToMap(found.Tags),
      };
      const tooOld = params.maxAge !== undefined && (age === null || age > params.maxAge);
      const ok = found.State === 'completed' && !tooOld;
      return {
        ok,
        outputs,
        observed: outputs,
        expected: `completed${params.maxAge !== undefined ? `, age <= ${formatDuration(params.maxAge)}` : ''}`,
        detail: `Snapshot ${params.snapshotId} is ${outputs.state}${age !== null ? `, ${formatAge(age)} old` : ''}${tooOld ? `, older than ${formatDuration(params.maxAge!)}` : ''}.`,
      };
    }),
};
