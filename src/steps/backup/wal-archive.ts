/**
 * backup.walArchive: does the WAL archive reach the live cluster's current WAL? The newest segment
 * in the archive (pgBackRest's `archive.max` per repo from `pgbackrest info`; the newest segment
 * file in `walArchiveDir` for pg_basebackup) against the segment the live server is writing
 * (`pg_current_wal_lsn()`). Segments the server has finished but the archive lacks are the
 * recovery point a restore would lose right now. This sees what pg_stat_archiver cannot: an
 * archive_command that reports success without storing anything, and a repo that stopped
 * receiving segments while another still does.
 */
import { readdir } from 'node:fs/promises';
import type { Provider, StepContext, StepResult } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { withClient } from '../postgres/connect.js';
import { guarded } from '../postgres/result.js';
import { readPgbackrestInfo } from '../shell/backup-checks.js';
import { repoFailure, repoProblemLine } from '../shell/pgbackrest-assess.js';
import { walPosition } from '../shell/pgbackrest.js';
import { isWalSegmentName, walSegmentOf } from '../s3/wal-names.js';
import type { WalArchiveParams } from './definitions.js';

/** Where the live server is writing, as it reports it. */
interface LiveWal {
  readonly lsn: string;
  /** The segment holding the insert position (still being written). */
  readonly current: string;
  readonly timeline: number;
  /** Number of the newest segment the server has finished. */
  readonly lastComplete: bigint;
  readonly segmentBytes: number;
  readonly archiveMode: string;
}

/** One archive (a pgBackRest repo, or the WAL directory) and how far it reaches. */
interface ArchiveReach {
  readonly name: string;
  readonly repo: number | null;
  readonly min: string | null;
  readonly max: string | null;
  /** Finished segments the archive lacks; null when it holds none. */
  readonly behind: number | null;
  /** Set when the archive could not be read (pgBackRest's own words). */
  readonly problem?: string;
}

const LIVE_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS lsn,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END AS walfile,
       (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') AS segment_bytes,
       current_setting('archive_mode') AS archive_mode`;

export const walArchive: Provider<WalArchiveParams> = {
  run: (params, context) =>
    guarded('backup.walArchive', context, async () => {
      const settings = context.environment.backup;
      if (!settings) {
        throw new ProviderFailure('invalid-input', `environment "${context.envName}" has no backup settings`, `add backup: (tool pgbackrest or pg_basebackup) under environments.${context.envName}`);
      }
      if (settings.tool === 'walg') {
        throw new ProviderFailure('invalid-input', 'backup.walArchive reads pgBackRest and pg_basebackup archives, not WAL-G', 'check the WAL-G archive with s3.walArchive on its wal_005/ prefix');
      }
      const live = await readLive(params.database, context);
      if (settings.tool === 'pgbackrest') {
        const assessment = await readPgbackrestInfo({}, context, params.repo !== undefined ? { repo: params.repo } : {});
        const reaches = assessment.repos.map((repo): ArchiveReach => {
          if (repo.problem) return { name: `repo${repo.key}`, repo: repo.key, min: null, max: null, behind: null, problem: repoProblemLine(repo) };
          const max = repo.archive?.max ?? null;
          return { name: `repo${repo.key}`, repo: repo.key, min: repo.archive?.min ?? null, max, behind: behindOf(max, live) };
        });
        return reachResult(live, reaches, params.maxBehind, 'pgbackrest info', repoFailure(assessment.repos));
      }
      const names = await walFiles(settings.walArchiveDir);
      const segments = names.map(walSegmentOf).filter((name): name is string => name !== undefined).sort();
      const max = segments[segments.length - 1] ?? null;
      const reach: ArchiveReach = { name: settings.walArchiveDir, repo: null, min: segments[0] ?? null, max, behind: behindOf(max, live) };
      return reachResult(live, [reach], params.maxBehind, `the files in ${settings.walArchiveDir}`);
    }),
};

async function readLive(database: string, context: StepContext): Promise<LiveWal> {
  const row = await withClient(database, context, async (client) => (await client.query(LIVE_SQL)).rows[0]);
  if (row.in_recovery) {
    throw new ProviderFailure('invalid-input', `postgres "${database}" is in recovery: a standby has no WAL insert position to compare with`, 'point database at the primary (the cluster that archives)');
  }
  const segmentBytes = Number(row.segment_bytes);
  const [high, low] = String(row.lsn).split('/');
  const insert = (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
  // pg_walfile_name() names the previous segment at an exact boundary; the insert position's own segment is the one being written.
  const writing = insert / BigInt(segmentBytes);
  const timeline = parseInt(String(row.walfile).slice(0, 8), 16);
  return { lsn: row.lsn, current: segmentName(timeline, writing, segmentBytes), timeline, lastComplete: writing - 1n, segmentBytes, archiveMode: row.archive_mode };
}

function behindOf(max: string | null, live: LiveWal): number | null {
  const position = max ? walPosition(max, live.segmentBytes) : undefined;
  if (!position) return null;
  const behind = live.lastComplete - position.segment;
  return behind < 0n ? 0 : Number(behind);
}

function reachResult(live: LiveWal, reaches: readonly ArchiveReach[], maxBehind: number, source: string, failure?: StepResult['failure']): StepResult {
  const problems: string[] = [];
  if (live.archiveMode === 'off') problems.push('archive_mode is off on the live server: nothing is being archived');
  for (const reach of reaches) {
    if (reach.problem) problems.push(reach.problem);
    else if (reach.max === null) problems.push(`${reach.name} holds no WAL segment for this database`);
    else if (reach.behind !== null && reach.behind > maxBehind) {
      problems.push(`${reach.name}: the archive ends at ${reach.max}, ${reach.behind} finished segment${reach.behind === 1 ? '' : 's'} behind the live server (limit ${maxBehind}): archiving there has stopped or is falling behind`);
    }
  }
  const where = `the live server writes ${live.current} (LSN ${live.lsn})`;
  const observed = `${where}; ${reaches.map((reach) => (reach.problem ? reach.problem : reach.max === null ? `${reach.name}: no WAL` : `${reach.name} archive ${reach.min}…${reach.max}, ${reach.behind} behind`)).join('; ')}`;
  const known = reaches.filter((reach) => reach.behind !== null);
  const worst = known.reduce<ArchiveReach | undefined>((current, reach) => (!current || reach.behind! > current.behind! ? reach : current), undefined);
  const ok = problems.length === 0;
  return {
    ok,
    observed,
    expected: `every archive within ${maxBehind} finished segment${maxBehind === 1 ? '' : 's'} of the live server's WAL (as ${source} reports it)`,
    outputs: {
      currentWal: live.current,
      currentLsn: live.lsn,
      lastArchivedWal: worst?.max ?? null,
      segmentsBehind: reaches.some((reach) => reach.behind === null) ? null : worst?.behind ?? null,
      archives: reaches.map((reach) => ({ name: reach.name, repo: reach.repo, walMin: reach.min, walMax: reach.max, segmentsBehind: reach.behind })),
    },
    detail: ok ? `WAL archive reaches the live server: ${observed}.` : `${problems.join('; ')} (${where}).`,
    ...(failure && !ok ? { failure } : {}),
  };
}

async function walFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter(isWalSegmentName);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new ProviderFailure('not-found', `the WAL archive directory ${dir} does not exist`, 'check backup.walArchiveDir in the environment, and the server\'s archive_command');
    if (code === 'EACCES') throw new ProviderFailure('permission', `cannot read ${dir}`, 'run runbook as a user that can read the WAL archive directory');
    throw error;
  }
}

function segmentName(timeline: number, segment: bigint, segmentBytes: number): string {
  const perLogId = 0x1_0000_0000n / BigInt(segmentBytes);
  const hex = (value: bigint | number) => value.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segment / perLogId)}${hex(segment % perLogId)}`;
}
