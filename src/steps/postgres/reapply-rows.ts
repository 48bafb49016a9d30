/**
 * postgres.reapplyRows: writes rows from an extractRows artifact back into the live database.
 * The preview compares the artifact with the target by key (missing, different, unchanged) and
 * asks the operator to type the number of rows to write; the run recomputes that comparison
 * inside ONE transaction and writes only what differs, so a re-run writes nothing new, and
 * reconcile is the same comparison: every row present (and equal, for upsert) means it committed.
 */
import type pg from 'pg';
import type { Provider, StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { connectionFor, maskUrl, withClient } from './connect.js';
import type { ReapplyRowsParams } from './definitions.js';
import { quoteIdent, quoteQualified } from './identifiers.js';
import { guarded } from './result.js';
import { artifactPath, NORMALIZE_SESSION_SQL, readRowsArtifact, type RowsArtifact } from './rows-artifact.js';

type Row = Readonly<Record<string, string | null>>;

export interface RowsComparison {
  readonly missing: Row[];
  readonly different: Row[];
  readonly unchanged: number;
}

const COLUMN_TYPES_SQL = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_attribute a
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;

const keyOf = (row: Row, key: readonly string[]) => JSON.stringify(key.map((column) => row[column] ?? null));

/** The statements run for each row to write, with `$n` placeholders (shown in the preview). */
function writeStatements(artifact: RowsArtifact): { insert: string; update: string | undefined } {
  const table = quoteQualified(artifact.table);
  const columns = artifact.columns.map(quoteIdent);
  const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_c, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`;
  const others = artifact.columns.filter((column) => !artifact.key.includes(column));
  const update =
    others.length === 0
      ? undefined
      : `UPDATE ${table} SET ${others.map((column, i) => `${quoteIdent(column)} = $${i + 1}`).join(', ')} WHERE ${artifact.key
          .map((column, i) => `${quoteIdent(column)} = $${others.length + i + 1}`)
          .join(' AND ')}`;
  return { insert, update };
}

/** Compares the artifact's rows with the target table by key (values compared in text form). */
async function compareRows(client: pg.Client, artifact: RowsArtifact, lock: boolean): Promise<RowsComparison> {
  const types = new Map<string, string>(
    (await client.query(COLUMN_TYPES_SQL, [quoteQualified(artifact.table)])).rows.map((row) => [row.name, row.type]),
  );
  if (types.size === 0) throw new ProviderFailure('not-found', `table ${artifact.table} does not exist in the target database`, 'check the connection (it should be the live database) and the table name in the artifact');
  const absent = artifact.columns.filter((column) => !types.has(column));
  if (absent.length > 0) throw new ProviderFailure('invalid-input', `table ${artifact.table} has no column${absent.length === 1 ? '' : 's'} ${absent.join(', ')}`, 'the target schema differs from the restored one: migrate it first, or extract only the columns it has');

  const table = quoteQualified(artifact.table);
  const keyList = artifact.key.map(quoteIdent).join(', ');
  // Key values go in as typed arrays (types from the catalog), so the comparison can use the table's indexes.
  const unnest = artifact.key.map((column, i) => `$${i + 1}::${types.get(column)}[]`).join(', ');
  const sql = `SELECT ${artifact.columns.map(quoteIdent).join(', ')} FROM ${table} WHERE (${keyList}) IN (SELECT * FROM unnest(${unnest}))${lock ? ' FOR UPDATE' : ''}`;
  const values = artifact.key.map((column) => artifact.rows.map((row) => row[column] ?? null));
  const existing = new Map<string, Row>();
  for (const row of (await client.query(sql, values)).rows as Row[]) existing.set(keyOf(row, artifact.key), row);

  const comparison: RowsComparison = { missing: [], different: [], unchanged: 0 };
  for (const row of artifact.rows) {
    const current = existing.get(keyOf(row, artifact.key));
    if (!current) comparison.missing.push(row);
    else if (artifact.columns.some((column) => (current[column] ?? null) !== (row[column] ?? null))) comparison.different.push(row);
    else (comparison as { unchanged: number }).unchanged++;
  }
  return comparison;
}

async function compareWithTarget(params: ReapplyRowsParams, context: StepContext) {
  const path = artifactPath(params.rows, context.artifactsDir);
  const artifact = await readRowsArtifact(path);
  const comparison = await withClient(
    params.database,
    context,
    async (client) => {
      await client.query(NORMALIZE_SESSION_SQL);
      return compareRows(client, artifact, false);
    },
    { rawText: true },
  );
  return { path, artifact, comparison };
}

const toWrite = (comparison: RowsComparison, mode: ReapplyRowsParams['mode']) =>
  comparison.missing.length + (mode === 'upsert' ? comparison.different.length : 0);

const describeKeys = (rows: Row[], artifact: RowsArtifact) =>
  rows.slice(0, 20).map((row) => artifact.key.map((column) => `${column}=${row[column]}`).join(' ')).join('; ') + (rows.length > 20 ? `; … ${rows.length - 20} more` : '');

export const reapplyRows: Provider<ReapplyRowsParams> = {
  async preview(params, context) {
    const { path, artifact, comparison } = await compareWithTarget(params, context);
    const count = toWrite(comparison, params.mode);
    const statements = writeStatements(artifact);
    const details = [
      { label: 'connection', value: `${params.database} (${maskUrl(connectionFor(params.database, context).url)})` },
      { label: 'artifact', value: `${path} (${artifact.rows.length} rows, extracted ${artifact.extractedAt})` },
      { label: 'table', value: `${artifact.table} (key ${artifact.key.join(', ')})` },
      { label: 'mode', value: params.mode },
      { label: 'missing rows', value: comparison.missing.length ? `${comparison.missing.length}: ${describeKeys(comparison.missing, artifact)}` : '0' },
      { label: 'different rows', value: comparison.different.length ? `${comparison.different.length}: ${describeKeys(comparison.different, artifact)}${params.mode === 'insert-missing' ? ' (left as they are in insert-missing mode)' : ''}` : '0' },
      { label: 'unchanged rows', value: String(comparison.unchanged) },
      { label: 'insert (per missing row, in one transaction)', value: `${statements.insert}  -- $1..$${artifact.columns.length} = ${artifact.columns.join(', ')}` },
    ];
    if (params.mode === 'upsert' && statements.update) details.push({ label: 'update (per different row)', value: statements.update });
    return {
      summary: `Write ${count} row${count === 1 ? '' : 's'} into ${artifact.table} on "${params.database}" in one transaction`,
      details,
      dryRun: { ok: true, detail: `${comparison.missing.length} missing, ${comparison.different.length} different, ${comparison.unchanged} unchanged` },
      confirmValue: String(count),
    };
  },

  async reconcile(params, context) {
    const { artifact, comparison } = await compareWithTarget(params, context);
    const found = toWrite(comparison, params.mode) === 0;
    return {
      found,
      // Idempotent by construction: what a re-run would report now.
      outputs: found ? { inserted: 0, updated: 0, unchanged: artifact.rows.length } : undefined,
      detail: found
        ? `all ${artifact.rows.length} rows of the artifact are present in ${artifact.table}: the transaction committed`
        : `${comparison.missing.length} rows missing${params.mode === 'upsert' ? ` and ${comparison.different.length} different` : ''}: the transaction did not commit; re-running is safe`,
    };
  },

  run: (params, context) =>
    guarded('postgres.reapplyRows', context, async () => {
      const path = artifactPath(params.rows, context.artifactsDir);
      const artifact = await readRowsArtifact(path);
      const statements = writeStatements(artifact);
      const counts = await withClient(
        params.database,
        context,
        async (client) => {
          await client.query('BEGIN');
          try {
            await client.query(NORMALIZE_SESSION_SQL);
            const comparison = await compareRows(client, artifact, true);
            let inserted = 0;
            let updated = 0;
            for (const row of comparison.missing) {
              inserted += (await client.query(statements.insert, artifact.columns.map((column) => row[column] ?? null))).rowCount ?? 0;
            }
            if (params.mode === 'upsert' && statements.update) {
              const others = artifact.columns.filter((column) => !artifact.key.includes(column));
              for (const row of comparison.different) {
                updated += (await client.query(statements.update, [...others, ...artifact.key].map((column) => row[column] ?? null))).rowCount ?? 0;
              }
            }
            await client.query('COMMIT');
            return { inserted, updated, unchanged: comparison.unchanged, skipped: params.mode === 'upsert' ? 0 : comparison.different.length };
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        },
        { rawText: true },
      );
      return {
        ok: true,
        observed: counts,
        outputs: { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged },
        detail: `Committed in one transaction: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} already present${counts.skipped ? `; ${counts.skipped} different rows left as they are (insert-missing mode)` : ''}.`,
      };
    }),
};
