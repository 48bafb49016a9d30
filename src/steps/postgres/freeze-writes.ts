/**
 * postgres.freezeWrites / unfreezeWrites: new sessions of the database become read-only (or
 * writable again) through a per-database setting. Idempotent by nature; reconcile reads the
 * setting back from pg_db_role_setting.
 */
import type pg from 'pg';
import type { ActionPreview, Provider, Reconciliation, StepContext } from '../provider.js';
import { connectionFor, databaseNameOf, maskUrl, withClient } from './connect.js';
import type { FreezeWritesParams, UnfreezeWritesParams } from './definitions.js';
import { quoteIdent } from './identifiers.js';
import { guarded } from './result.js';

const TERMINATE_SQL = `SELECT count(pg_terminate_backend(pid))::int AS terminated
  FROM pg_stat_activity
 WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;

const SETTING_SQL = `SELECT COALESCE(bool_or(s.setconfig @> ARRAY['default_transaction_read_only=on']), false) AS frozen
  FROM pg_database d LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0
 WHERE d.datname = $1`;

/** The statements freezing (or unfreezing) a database; the name is quoted, never spliced raw. */
function freezeStatements(database: string, freeze: boolean): string[] {
  // This session may itself have started read-only (the database is already frozen): ALTER DATABASE needs a writable one.
  const writable = 'SET default_transaction_read_only = off';
  return freeze
    ? [writable, `ALTER DATABASE ${quoteIdent(database)} SET default_transaction_read_only = on`]
    : [writable, `ALTER DATABASE ${quoteIdent(database)} RESET default_transaction_read_only`];
}

async function isFrozen(client: pg.Client, database: string): Promise<boolean> {
  return Boolean((await client.query(SETTING_SQL, [database])).rows[0]?.frozen);
}

function describe(name: string, context: StepContext) {
  const connection = connectionFor(name, context);
  return { database: databaseNameOf(connection), url: maskUrl(connection.url) };
}

async function previewOf(name: string, freeze: boolean, terminate: boolean, context: StepContext): Promise<ActionPreview> {
  const { database, url } = describe(name, context);
  const details = [
    { label: 'connection', value: `${name} (${url})` },
    ...freezeStatements(database, freeze).map((sql, i) => ({ label: `statement ${i + 1}`, value: sql })),
  ];
  if (terminate) details.push({ label: 'then', value: `${TERMINATE_SQL.replace(/\s+/g, ' ')}  -- $1 = ${JSON.stringify(database)}` });
  let dryRun: ActionPreview['dryRun'];
  try {
    const frozen = await withClient(name, context, (client) => isFrozen(client, database));
    dryRun = { ok: true, detail: `database "${database}" is currently ${frozen ? 'frozen (read-only for new sessions)' : 'writable'}` };
  } catch (error) {
    dryRun = { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  return {
    summary: freeze
      ? `Make new sessions of database "${database}" read-only${terminate ? ' and disconnect its other sessions' : ''}`
      : `Allow writes again on database "${database}"`,
    details,
    dryRun,
  };
}

async function reconcileOf(name: string, freeze: boolean, context: StepContext): Promise<Reconciliation> {
  const { database } = describe(name, context);
  const frozen = await withClient(name, context, (client) => isFrozen(client, database));
  const found = frozen === freeze;
  return {
    found,
    outputs: found ? { frozen, database } : undefined,
    detail: found
      ? `database "${database}" is ${frozen ? 'frozen' : 'writable'}: the change took effect`
      : `database "${database}" is still ${frozen ? 'frozen' : 'writable'}: the change did not take effect`,
  };
}

export const freezeWrites: Provider<FreezeWritesParams> = {
  preview: (params, context) => previewOf(params.database, true, params.terminateWriters, context),
  reconcile: (params, context) => reconcileOf(params.database, true, context),
  run: (params, context) =>
    guarded('postgres.freezeWrites', context, async () => {
      const { database } = describe(params.database, context);
      const terminated = await withClient(params.database, context, async (client) => {
        for (const sql of freezeStatements(database, true)) await client.query(sql);
        if (!params.terminateWriters) return undefined;
        return Number((await client.query(TERMINATE_SQL, [database])).rows[0]?.terminated ?? 0);
      });
      return {
        ok: true,
        observed: { frozen: true },
        outputs: { frozen: true, database },
        detail:
          terminated === undefined
            ? `New sessions of "${database}" are read-only. Sessions already open can still write until they reconnect (use terminateWriters to disconnect them).`
            : `New sessions of "${database}" are read-only; ${terminated} other session${terminated === 1 ? ' was' : 's were'} disconnected.`,
      };
    }),
};

export const unfreezeWrites: Provider<UnfreezeWritesParams> = {
  preview: (params, context) => previewOf(params.database, false, false, context),
  reconcile: (params, context) => reconcileOf(params.database, false, context),
  run: (params, context) =>
    guarded('postgres.unfreezeWrites', context, async () => {
      const { database } = describe(params.database, context);
      await withClient(params.database, context, async (client) => {
        for (const sql of freezeStatements(database, false)) await client.query(sql);
      });
      return {
        ok: true,
        observed: { frozen: false },
        outputs: { frozen: false, database },
        detail: `New sessions of "${database}" may write again (sessions opened while frozen stay read-only until they reconnect).`,
      };
    }),
};
