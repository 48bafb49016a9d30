/** postgres.connection: can we connect, and to what (version, system identifier, primary or standby). */
import type { Provider } from '../provider.js';
import { connectionFor, maskUrl, withClient } from './connect.js';
import type { ConnectionParams } from './definitions.js';
import { guarded } from './result.js';

const SQL = `SELECT current_setting('server_version') AS server_version,
       (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
       pg_is_in_recovery() AS in_recovery,
       current_database() AS database,
       current_user AS "user"`;

export const connection: Provider<ConnectionParams> = {
  run: (params, context) =>
    guarded('postgres.connection', context, async () => {
      const url = maskUrl(connectionFor(params.database, context).url);
      const row = await withClient(params.database, context, async (client) => (await client.query(SQL)).rows[0]);
      const outputs = {
        serverVersion: String(row.server_version),
        systemIdentifier: String(row.system_identifier),
        inRecovery: Boolean(row.in_recovery),
        database: String(row.database),
        user: String(row.user),
      };
      return {
        ok: true,
        observed: { serverVersion: outputs.serverVersion, inRecovery: outputs.inRecovery },
        expected: 'a connection',
        outputs,
        detail: `Connected to ${url} as ${outputs.user}: PostgreSQL ${outputs.serverVersion}, ${outputs.inRecovery ? 'in recovery (standby or restoring)' : 'primary (not in recovery)'}, system identifier ${outputs.systemIdentifier}.`,
      };
    }),
};
