/**
 * postgres.extractRows: runs a query (typically on the restored cluster) and stores the rows with
 * the session: `<name>.json` (what reapplyRows reads) and `<name>.sql` (INSERTs for people).
 * It reads only; re-running rewrites the same files.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Provider, StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { connectionFor, databaseNameOf, maskUrl, withClient } from './connect.js';
import type { ExtractRowsParams } from './definitions.js';
import { guarded } from './result.js';
import { NORMALIZE_SESSION_SQL, readRowsArtifact, rowsAsSql, ROWS_FORMAT, writeAtomically, type RowsArtifact } from './rows-artifact.js';

function paths(params: ExtractRowsParams, context: StepContext) {
  const name = params.name ?? context.stepId;
  return { json: `${context.artifactsDir}/${name}.json`, sql: `${context.artifactsDir}/${name}.sql` };
}

export const extractRows: Provider<ExtractRowsParams> = {
  async preview(params, context) {
    const connection = connectionFor(params.database, context);
    const files = paths(params, context);
    return {
      summary: `Save the rows of a query on "${params.database}" as artifacts for ${params.table}`,
      details: [
        { label: 'connection', value: `${params.database} (${maskUrl(connection.url)})` },
        { label: 'sql (read-only transaction)', value: params.sql },
        ...params.params.map((value, i) => ({ label: `$${i + 1}`, value: JSON.stringify(value) })),
        { label: 'table', value: params.table },
        { label: 'key', value: params.key.join(', ') },
        { label: 'writes', value: `${files.json}, ${files.sql}` },
      ],
    };
  },

  async reconcile(params, context) {
    const files = paths(params, context);
    if (!existsSync(files.json) || !existsSync(files.sql)) return { found: false, detail: `${files.json} was not written` };
    const artifact = await readRowsArtifact(files.json);
    return {
      found: true,
      outputs: { rowCount: artifact.rows.length, jsonArtifact: files.json, sqlArtifact: files.sql, columns: artifact.columns },
      detail: `${files.json} holds ${artifact.rows.length} rows extracted at ${artifact.extractedAt}`,
    };
  },

  run: (params, context) =>
    guarded('postgres.extractRows', context, async () => {
      const connection = connectionFor(params.database, context);
      const result = await withClient(
        params.database,
        context,
        async (client) => {
          await client.query('BEGIN READ ONLY');
          try {
            await client.query(NORMALIZE_SESSION_SQL);
            return await client.query({ text: params.sql, values: params.params, rowMode: 'array' });
          } finally {
            await client.query('ROLLBACK').catch(() => undefined);
          }
        },
        { rawText: true },
      );
      const columns = result.fields.map((field) => field.name);
      const duplicate = columns.find((column, i) => columns.indexOf(column) !== i);
      if (duplicate) throw new ProviderFailure('invalid-input', `the query returns column "${duplicate}" twice`, 'give each column a distinct name (AS …) matching the target table');
      const missingKey = params.key.filter((column) => !columns.includes(column));
      if (missingKey.length > 0) {
        throw new ProviderFailure('invalid-input', `the query does not return the key column${missingKey.length === 1 ? '' : 's'} ${missingKey.join(', ')}`, `select them too; the query returns ${columns.join(', ')}`);
      }
      const rows = (result.rows as (string | null)[][]).map((values) => Object.fromEntries(columns.map((column, i) => [column, values[i] ?? null])));
      const nullKey = rows.findIndex((row) => params.key.some((column) => row[column] === null));
      if (nullKey >= 0) throw new ProviderFailure('invalid-input', `row ${nullKey + 1} has a NULL key`, 'choose key columns that are never NULL (the primary key)');
      const artifact: RowsArtifact = {
        format: ROWS_FORMAT,
        table: params.table,
        key: params.key,
        columns,
        rows,
        extractedAt: context.now().toISOString(),
        source: { connection: params.database, database: databaseNameOf(connection), sql: params.sql, params: params.params },
      };
      const files = paths(params, context);
      await writeAtomically(files.json, `${JSON.stringify(artifact, null, 2)}\n`);
      await writeAtomically(files.sql, rowsAsSql(artifact));
      return {
        ok: true,
        observed: { rowCount: rows.length },
        outputs: { rowCount: rows.length, jsonArtifact: files.json, sqlArtifact: files.sql, columns },
        detail: `Saved ${rows.length} row${rows.length === 1 ? '' : 's'} of ${params.table} (${columns.join(', ')}) to ${files.json} and ${files.sql}.`,
        artifacts: [basename(files.json), basename(files.sql)],
      };
    }),
};
