/** postgres.replicationLag: how many replicas stream from this primary, and how far behind the worst one is. */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { ReplicationLagParams } from './definitions.js';
import { formatAge, guarded } from './result.js';

// replay_lag is NULL once a replica has caught up and the primary is idle: that is zero lag, not unknown.
const PRIMARY_SQL = `SELECT application_name, client_addr::text AS client_addr, state,
       COALESCE(extract(epoch FROM replay_lag), 0)::float8 AS lag_seconds,
       COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8 AS lag_bytes
  FROM pg_stat_replication ORDER BY application_name`;

// On a standby, the lag is how old the last replayed transaction is (NULL before any replay).
const STANDBY_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag_seconds,
       COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::float8 AS lag_bytes`;

export const replicationLag: Provider<ReplicationLagParams> = {
  run: (params, context) =>
    guarded('postgres.replicationLag', context, async () => {
      const { standby, rows } = await withClient(params.database, context, async (client) => {
        const self = (await client.query(STANDBY_SQL)).rows[0];
        if (self.in_recovery) return { standby: self, rows: [] };
        return { standby: undefined, rows: (await client.query(PRIMARY_SQL)).rows };
      });
      const problems: string[] = [];
      let replicas: number;
      let maxLagSeconds: number;
      let maxLagBytes: number;
      let described: string;
      if (standby) {
        replicas = 0;
        maxLagSeconds = standby.lag_seconds === null ? 0 : Math.max(0, Number(standby.lag_seconds));
        maxLagBytes = Number(standby.lag_bytes);
        described = `This server is a standby; its last replayed transaction is ${formatAge(maxLagSeconds)} old, ${maxLagBytes} bytes received but not replayed`;
      } else {
        replicas = rows.length;
        maxLagSeconds = Math.max(0, ...rows.map((row) => Number(row.lag_seconds)));
        maxLagBytes = Math.max(0, ...rows.map((row) => Number(row.lag_bytes)));
        described = `${replicas} replica${replicas === 1 ? '' : 's'}${rows.length ? ` (${rows.map((row) => `${row.application_name || row.client_addr} ${row.state}`).join(', ')})` : ''}; worst lag ${formatAge(maxLagSeconds)}, ${maxLagBytes} bytes`;
        if (params.minReplicas !== undefined && replicas < params.minReplicas) problems.push(`${replicas} replicas streaming, expected at least ${params.minReplicas}`);
      }
      if (params.maxLag !== undefined && maxLagSeconds > params.maxLag) problems.push(`lag ${formatAge(maxLagSeconds)} exceeds ${formatAge(params.maxLag)}`);
      if (params.maxBytes !== undefined && maxLagBytes > params.maxBytes) problems.push(`lag ${maxLagBytes} bytes exceeds ${params.maxBytes}`);
      const expected = [
        params.minReplicas !== undefined ? `replicas >= ${params.minReplicas}` : '',
        params.maxLag !== undefined ? `lag <= ${formatAge(params.maxLag)}` : '',
        params.maxBytes !== undefined ? `lag <= ${params.maxBytes} bytes` : '',
      ].filter(Boolean).join(', ');
      return {
        ok: problems.length === 0,
        observed: { replicas, maxLagSeconds, maxLagBytes },
        expected: expected || 'replication state readable',
        outputs: { replicas, maxLagSeconds, maxLagBytes },
        detail: problems.length === 0 ? `${described}.` : `${problems.join('; ')}. ${described}.`,
      };
    }),
};
