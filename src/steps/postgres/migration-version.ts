/** postgres.migrationVersion: the newest applied schema migration (Rails/golang-migrate, Flyway, knex, or custom). */
import type { Provider } from '../provider.js';
import { withClient } from './connect.js';
import type { MigrationVersionParams } from './definitions.js';
import { compareVersions, valuesEqual } from './expectations.js';
import { quoteIdent, quoteQualified } from './identifiers.js';
import { guarded } from './result.js';

/** The SQL reading the newest version for a preset or a custom table and column. */
function migrationVersionSql(params: Pick<MigrationVersionParams, 'preset' | 'table' | 'column'>): string {
  switch (params.preset) {
    case 'schema_migrations':
      // Rails stores versions as same-length timestamps (text); golang-migrate as bigint: max() works for both.
      return 'SELECT max(version)::text AS version FROM schema_migrations';
    case 'flyway_schema_history':
      // Versions like "1.10" do not sort as text; the install order is the truth. Repeatable migrations have no version.
      return 'SELECT version::text AS version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1';
    case 'knex_migrations':
      return 'SELECT name::text AS version FROM knex_migrations ORDER BY id DESC LIMIT 1';
    default:
      return `SELECT max(${quoteIdent(params.column ?? 'version')})::text AS version FROM ${quoteQualified(params.table ?? 'schema_migrations')}`;
  }
}

export const migrationVersion: Provider<MigrationVersionParams> = {
  run: (params, context) =>
    guarded('postgres.migrationVersion', context, async () => {
      const sql = migrationVersionSql(params);
      const rows = await withClient(params.database, context, async (client) => (await client.query(sql)).rows);
      const version: string | null = rows[0]?.version ?? null;
      const problems: string[] = [];
      const expect = params.expect;
      if (version === null && expect) problems.push('no migration has been applied');
      else if (version !== null) {
        if (expect?.equals !== undefined && !valuesEqual(version, String(expect.equals))) problems.push(`version is ${version}, expected ${expect.equals}`);
        if (expect?.atLeast !== undefined && compareVersions(version, String(expect.atLeast)) < 0) problems.push(`version is ${version}, expected at least ${expect.atLeast}`);
      }
      const expected = [
        expect?.equals !== undefined ? `version = ${expect.equals}` : '',
        expect?.atLeast !== undefined ? `version >= ${expect.atLeast}` : '',
      ].filter(Boolean).join(', ');
      const source = params.preset ?? `${params.table}.${params.column}`;
      return {
        ok: problems.length === 0,
        observed: version,
        expected: expected || 'a readable version',
        outputs: { version },
        detail: problems.length === 0 ? `Migration version ${version ?? '(none applied)'} (${source}).` : `${problems.join('; ')} (${source}).`,
      };
    }),
};
