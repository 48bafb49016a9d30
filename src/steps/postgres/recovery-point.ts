/** postgres.recoveryPoint: the newest transaction a restored cluster replayed, and how far it is from the target. */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { RecoveryPointParams } from './definitions.js';
import { formatAge, guarded } from './result.js';

// pg_last_xact_replay_timestamp() stays set after promotion until the server restarts; after a
// restart (or when nothing was replayed) it is NULL, and the runbook's own query (`sql`) answers.
export const recoveryPoint: Provider<RecoveryPointParams> = {
  run: (params, context) =>
    guarded('postgres.recoveryPoint', context, async () => {
      const { point, source } = await withClient(params.database, context, async (client) => {
        const replay = (await client.query('SELECT pg_last_xact_replay_timestamp() AS point')).rows[0]?.point as Date | null;
        if (replay) return { point: replay, source: 'pg_last_xact_replay_timestamp()' };
        if (!params.sql) return { point: null, source: 'pg_last_xact_replay_timestamp()' };
        const result = await client.query(params.sql);
        const first = result.rows[0] ? Object.values(result.rows[0] as Record<string, unknown>)[0] : null;
        const parsed = first instanceof Date ? first : first == null ? null : new Date(String(first));
        return { point: parsed && !Number.isNaN(parsed.getTime()) ? parsed : null, source: 'the step\'s sql' };
      });
      const target = params.target ? new Date(params.target) : undefined;
      const stoppedBefore = params.stoppedBefore ? new Date(params.stoppedBefore) : undefined;
      // Nothing replayed, but the server stopped before the first commit after the target: no
      // commit lay between the backup and the target, so the copy holds every one up to it.
      if (!point && target && stoppedBefore && stoppedBefore.getTime() > target.getTime()) {
        return {
          ok: true,
          observed: target.toISOString(),
          expected: `at or before ${target.toISOString()}`,
          outputs: { recoveryPoint: target.toISOString(), target: target.toISOString(), gapSeconds: 0 },
          detail: `No transaction was replayed, and the server stopped before the first commit after the target (${stoppedBefore.toISOString()}, from its log): nothing committed between the backup and the target, so the copy holds every commit up to ${target.toISOString()}.`,
        };
      }
      const gapSeconds = point && target ? (target.getTime() - point.getTime()) / 1000 : null;
      const outputs = { recoveryPoint: point?.toISOString() ?? null, target: target?.toISOString() ?? null, gapSeconds };
      if (!point) {
        return {
          ok: false,
          observed: null,
          expected: 'a recovery point',
          outputs,
          detail: params.sql
            ? 'Neither pg_last_xact_replay_timestamp() nor the step\'s sql returned a time.'
            : 'pg_last_xact_replay_timestamp() is empty (nothing replayed, or the server restarted since promotion); give the step a `sql` returning the newest restored transaction time.',
        };
      }
      // Replay past the target means the restore holds what the target was meant to exclude (e.g. a deletion).
      const pastTarget = gapSeconds !== null && gapSeconds < 0;
      return {
        ok: !pastTarget,
        observed: outputs.recoveryPoint,
        expected: target ? `at or before ${outputs.target}` : 'a recovery point',
        outputs,
        detail: `Recovered up to ${outputs.recoveryPoint} (from ${source})${gapSeconds !== null ? `; ${gapSeconds >= 0 ? `${formatAge(gapSeconds)} before` : `${formatAge(-gapSeconds)} after`} the target ${outputs.target}` : ''}.`,
      };
    }),
};
