/**
 * postgres.readOnly and postgres.inRecovery: is the server taking writes, is it still replaying WAL.
 * When the server does not answer and its data directory is on this machine with no server
 * running from it, the result says so at once, with the FATAL line of its log, and is final: a
 * wait on a server that has exited would otherwise poll a dead port until its timeout.
 */
import type { Provider, StepContext, StepResult } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { connectionFor, withClient } from './connect.js';
import type { InRecoveryParams, ReadOnlyParams } from './definitions.js';
import { guarded } from './result.js';
import { stoppedServerResult } from './server-process.js';

// A new session sees ALTER DATABASE … SET default_transaction_read_only; a standby is read-only too.
const READ_ONLY_SQL = `SELECT current_setting('default_transaction_read_only') = 'on' AS default_read_only,
       pg_is_in_recovery() AS in_recovery`;

/** Runs `work`; a connection that fails because the local server has exited becomes a final result. */
async function onRunningServer(name: string, context: StepContext, work: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProviderFailure && error.failureClass === 'unreachable') {
      const stopped = await stoppedServerResult(connectionFor(name, context), name);
      if (stopped) return stopped;
    }
    throw error;
  }
}

export const readOnly: Provider<ReadOnlyParams> = {
  run: (params, context) =>
    guarded('postgres.readOnly', context, () =>
      onRunningServer(params.database, context, async () => {
        const row = await withClient(params.database, context, async (client) => (await client.query(READ_ONLY_SQL)).rows[0]);
        const isReadOnly = Boolean(row.default_read_only || row.in_recovery);
        const why = row.in_recovery ? 'the server is in recovery' : row.default_read_only ? 'default_transaction_read_only is on' : 'new sessions may write';
        return {
          ok: isReadOnly === params.expect,
          observed: isReadOnly,
          expected: params.expect ? 'read-only' : 'writable',
          outputs: { readOnly: isReadOnly },
          detail: `${isReadOnly ? 'Read-only' : 'Writable'}: ${why}.`,
        };
      }),
    ),
};

export const inRecovery: Provider<InRecoveryParams> = {
  run: (params, context) =>
    guarded('postgres.inRecovery', context, () =>
      onRunningServer(params.database, context, async () => {
        const row = await withClient(params.database, context, async (client) => (await client.query('SELECT pg_is_in_recovery() AS in_recovery')).rows[0]);
        const value = Boolean(row.in_recovery);
        return {
          ok: params.expect === undefined || value === params.expect,
          observed: value,
          expected: params.expect === undefined ? 'any' : params.expect ? 'in recovery' : 'not in recovery',
          outputs: { inRecovery: value },
          detail: value ? 'The server is in recovery (replaying WAL; read-only).' : 'The server is not in recovery: it accepts writes (recovery has ended or it is a primary).',
        };
      }),
    ),
};
