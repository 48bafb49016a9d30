/** postgres.invalidIndexes: indexes a failed CREATE INDEX CONCURRENTLY (or a crashed REINDEX) left invalid. */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { InvalidIndexesParams } from './definitions.js';
import { guarded } from './result.js';

const SQL = `SELECT n.nspname AS schema, c.relname AS index, t.relname AS "table"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid
   AND CASE WHEN $1::text[] IS NULL
            THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            ELSE n.nspname = ANY($1::text[]) END
 ORDER BY 1, 2`;

export const invalidIndexes: Provider<InvalidIndexesParams> = {
  run: (params, context) =>
    guarded('postgres.invalidIndexes', context, async () => {
      const rows = await withClient(params.database, context, async (client) => (await client.query(SQL, [params.schemas ?? null])).rows);
      const indexes = rows.map((row) => `${row.schema}.${row.index} (on ${row.table})`);
      const ok = indexes.length === 0;
      return {
        ok,
        observed: indexes.length,
        expected: 'no invalid indexes',
        outputs: { count: indexes.length, indexes: rows.map((row) => ({ schema: row.schema, index: row.index, table: row.table })) },
        detail: ok
          ? `No invalid indexes${params.schemas ? ` in ${params.schemas.join(', ')}` : ''}.`
          : `${indexes.length} invalid index${indexes.length === 1 ? '' : 'es'}: ${indexes.join(', ')}; drop and re-create ${indexes.length === 1 ? 'it' : 'them'} (REINDEX INDEX CONCURRENTLY).`,
      };
    }),
};
