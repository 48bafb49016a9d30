/**
 * The rows artifact written by postgres.extractRows and read by postgres.reapplyRows: every value
 * in Postgres's own text form (or null), so that writing it back reproduces it exactly whatever
 * the column type. Both ends pin the session settings that change text forms.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import { ProviderFailure } from '../support/call.js';
import { quoteQualified } from './identifiers.js';

export const ROWS_FORMAT = 'runbook-rows/1';

export interface RowsArtifact {
  readonly format: typeof ROWS_FORMAT;
  /** Where the rows belong: "table" or "schema.table". */
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, string | null>>>;
  readonly extractedAt: string;
  readonly source: { readonly connection: string; readonly database: string; readonly sql: string; readonly params: readonly unknown[] };
}

/** Session settings that make text forms identical across servers (dates, floats, bytea, intervals). */
export const NORMALIZE_SESSION_SQL = "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

/** The path of an artifact named by a step (relative paths are inside the session's artifacts directory). */
export function artifactPath(path: string, artifactsDir: string): string {
  return isAbsolute(path) ? path : join(artifactsDir, path);
}

/** Writes a file atomically (a crash never leaves half an artifact behind). */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, path);
}

/** INSERT statements with escaped literals, for people to read or apply by hand. */
export function rowsAsSql(artifact: RowsArtifact): string {
  const table = quoteQualified(artifact.table);
  const columns = artifact.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  const lines = [
    `-- ${artifact.rows.length} row(s) extracted by runbook at ${artifact.extractedAt} from ${artifact.source.connection} (database ${artifact.source.database})`,
    `-- key: ${artifact.key.join(', ')}; apply with postgres.reapplyRows (it previews what is missing), or review and run by hand`,
    'BEGIN;',
    ...artifact.rows.map(
      (row) =>
        `INSERT INTO ${table} (${columns}) VALUES (${artifact.columns
          .map((column) => (row[column] === null || row[column] === undefined ? 'NULL' : pg.escapeLiteral(row[column]!).trim()))
          .join(', ')}) ON CONFLICT DO NOTHING;`,
    ),
    'COMMIT;',
    '',
  ];
  return lines.join('\n');
}

/** Reads and validates an artifact; a missing or malformed file is an invalid-input failure. */
export async function readRowsArtifact(path: string): Promise<RowsArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ProviderFailure('invalid-input', `no rows artifact at ${path}`, 'give `rows` the jsonArtifact output of the postgres.extractRows step');
  }
  let data: any;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProviderFailure('invalid-input', `${path} is not valid JSON`, 'give `rows` the jsonArtifact output of the postgres.extractRows step');
  }
  const valid =
    data?.format === ROWS_FORMAT &&
    typeof data.table === 'string' &&
    Array.isArray(data.key) &&
    data.key.length > 0 &&
    Array.isArray(data.columns) &&
    data.key.every((k: unknown) => data.columns.includes(k)) &&
    Array.isArray(data.rows) &&
    data.rows.every((row: unknown) => row && typeof row === 'object');
  if (!valid) {
    throw new ProviderFailure('invalid-input', `${path} is not a ${ROWS_FORMAT} artifact`, 'give `rows` the jsonArtifact output of the postgres.extractRows step');
  }
  return data as RowsArtifact;
}
