/** postgres.query: a read query, its row count and first value against an expectation. */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { QueryParams } from './definitions.js';
import { asText, checkBounds, checkValue, describeBounds, describeValue } from './expectations.js';
import { guarded, invalidInput } from './result.js';

const KEPT_ROWS = 100;

export const query: Provider<QueryParams> = {
  run: (params, context) =>
    guarded('postgres.query', context, async () => {
      // A read-only transaction: a check must never change the database, whatever its SQL says.
      const result = await withClient(params.database, context, async (client) => {
        await client.query('BEGIN READ ONLY');
        try {
          return await client.query(params.sql, params.params);
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
        }
      });
      const fields = result.fields.map((field) => field.name);
      const rowCount = result.rows.length;
      let column: string | undefined;
      if (params.column === undefined) column = fields[0];
      else if (typeof params.column === 'number') column = fields[params.column];
      else column = params.column;
      if (params.column !== undefined && (column === undefined || !fields.includes(column))) {
        invalidInput(`the query returns no column ${JSON.stringify(params.column)}`, `use one of: ${fields.join(', ') || '(no columns)'}`);
      }
      const value = rowCount > 0 && column !== undefined ? (result.rows[0] as Record<string, unknown>)[column] : null;
      const problems = [...checkBounds('rows', rowCount, params.expect?.rows)];
      if (params.expect?.value && rowCount === 0) problems.push('no rows, so no value to compare');
      else problems.push(...checkValue(value, params.expect?.value));
      const expected = [...describeBounds('rows', params.expect?.rows), ...describeValue(params.expect?.value)].join(', ');
      const ok = problems.length === 0;
      const shownValue = value instanceof Date ? value.toISOString() : value ?? null;
      return {
        ok,
        observed: { rowCount, value: shownValue },
        expected: expected || 'the query runs',
        outputs: { rowCount, value: shownValue, rows: result.rows.slice(0, KEPT_ROWS) },
        detail: ok
          ? `${rowCount} row${rowCount === 1 ? '' : 's'}${rowCount > 0 ? `; ${column} = ${asText(shownValue)}` : ''}.`
          : `${problems.join('; ')}.`,
      };
    }),
};
