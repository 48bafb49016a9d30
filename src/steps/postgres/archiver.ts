/** postgres.archiver: is WAL archiving fresh, and has it failed since it last succeeded (pg_stat_archiver)? */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { ArchiverParams } from './definitions.js';
import { formatAge, guarded } from './result.js';

// Ages are computed by the server (now() - …) so that clock skew between us and it does not matter.
const SQL = `SELECT archived_count::bigint AS archived_count, last_archived_wal, last_archived_time,
       extract(epoch FROM now() - last_archived_time)::float8 AS age_seconds,
       failed_count::bigint AS failed_count, last_failed_wal, last_failed_time,
       current_setting('archive_mode') AS archive_mode
  FROM pg_stat_archiver`;

export const archiver: Provider<ArchiverParams> = {
  run: (params, context) =>
    guarded('postgres.archiver', context, async () => {
      const row = await withClient(params.database, context, async (client) => (await client.query(SQL)).rows[0]);
      const lastArchivedAt: Date | null = row.last_archived_time;
      const lastFailedAt: Date | null = row.last_failed_time;
      const ageSeconds: number | null = row.age_seconds === null ? null : Math.max(0, Number(row.age_seconds));
      const failingNow = lastFailedAt !== null && (lastArchivedAt === null || lastFailedAt > lastArchivedAt);
      const problems: string[] = [];
      if (row.archive_mode === 'off') problems.push('archive_mode is off: nothing is being archived');
      if (lastArchivedAt === null) problems.push('no WAL segment has been archived since the statistics were reset');
      else if (ageSeconds !== null && ageSeconds > params.maxAge) problems.push(`the last WAL was archived ${formatAge(ageSeconds)} ago, more than ${formatAge(params.maxAge)}`);
      if (failingNow) {
        problems.push(`archiving is failing: ${row.last_failed_wal} failed at ${lastFailedAt!.toISOString()}, after the last success; read the server log for archive_command errors`);
      }
      const outputs = {
        lastArchivedAt: lastArchivedAt?.toISOString() ?? null,
        ageSeconds,
        lastArchivedWal: row.last_archived_wal ?? null,
        archivedCount: Number(row.archived_count),
        failedCount: Number(row.failed_count),
        lastFailedAt: lastFailedAt?.toISOString() ?? null,
      };
      return {
        ok: problems.length === 0,
        observed: { ageSeconds, failing: failingNow },
        expected: `last archived within ${formatAge(params.maxAge)}, no failure since`,
        outputs,
        detail:
          problems.length === 0
            ? `Last WAL ${outputs.lastArchivedWal} archived ${formatAge(ageSeconds ?? 0)} ago (${outputs.archivedCount} archived, ${outputs.failedCount} failed since reset).`
            : `${problems.join('; ')}.`,
      };
    }),
};
