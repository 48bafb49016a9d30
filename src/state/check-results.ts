/**
 * Check results kept as evidence (table `check_results`, schema version 3): every check that
 * `runbook check` ran, with its asset signal and the success time it reported, so
 * `runbook evidence` can say when each asset last succeeded and how fresh it is.
 * Values are redacted before they are written, like event data.
 */
import type Database from 'better-sqlite3';
import type { Redactor } from './redact.js';

/** One check's result as stored. */
export interface CheckResultRecord {
  readonly runId: string;
  readonly runbook: string;
  readonly env: string;
  readonly step: string;
  readonly asset: string | null;
  /** success | freshness | restore-test, from the step's `signal:`; null when it names none. */
  readonly signalKind: string | null;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly observed: unknown;
  readonly expected: string | null;
  readonly detail: string;
  readonly alert: string | null;
  /** The asset's last success time the check reported (lastBackupAt, lastArchivedAt, ...). */
  readonly reportedAt: string | null;
  /** The output that time came from. */
  readonly reportedFrom: string | null;
  readonly durationMs: number;
  readonly finishedAt: string;
}

interface CheckResultRow {
  run_id: string;
  runbook: string;
  env: string;
  step: string;
  asset: string | null;
  signal_kind: string | null;
  status: CheckResultRecord['status'];
  observed: string | null;
  expected: string | null;
  detail: string;
  alert: string | null;
  reported_at: string | null;
  reported_from: string | null;
  duration_ms: number;
  finished_at: string;
}

const MAX_TEXT = 8 * 1024;

/** Writes the results of one check run in one transaction, redacting every value first. */
function saveCheckResults(db: Database.Database, records: readonly CheckResultRecord[], redactor: Redactor): void {
  const insert = db.prepare(
    `INSERT INTO check_results (run_id, runbook, env, step, asset, signal_kind, status, observed, expected, detail, alert,
       reported_at, reported_from, duration_ms, finished_at)
     VALUES (@run_id, @runbook, @env, @step, @asset, @signal_kind, @status, @observed, @expected, @detail, @alert,
       @reported_at, @reported_from, @duration_ms, @finished_at)`,
  );
  const write = db.transaction(() => {
    for (const record of records) {
      const observed = record.observed === undefined ? null : cap(JSON.stringify(redactor.redact(record.observed)) ?? null);
      insert.run({
        run_id: record.runId,
        runbook: record.runbook,
        env: record.env,
        step: record.step,
        asset: record.asset,
        signal_kind: record.signalKind,
        status: record.status,
        observed,
        expected: record.expected === null ? null : cap(redactor.redactText(record.expected)),
        detail: cap(redactor.redactText(record.detail)),
        alert: record.alert,
        reported_at: record.reportedAt,
        reported_from: record.reportedFrom,
        duration_ms: Math.round(record.durationMs),
        finished_at: record.finishedAt,
      });
    }
  });
  write.immediate();
}

/** Filters for reading stored results. */
export interface CheckResultQuery {
  readonly asset?: string;
  readonly signalKind?: string;
  readonly status?: CheckResultRecord['status'];
  readonly env?: string;
  readonly runId?: string;
}

/** Stored results matching the query, newest first (by when the check finished). */
export function readCheckResults(db: Database.Database, query: CheckResultQuery = {}, limit = 1000): CheckResultRecord[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit };
  const filter = (column: string, name: keyof CheckResultQuery) => {
    if (query[name] === undefined) return;
    where.push(`${column} = @${name}`);
    params[name] = query[name];
  };
  filter('asset', 'asset');
  filter('signal_kind', 'signalKind');
  filter('status', 'status');
  filter('env', 'env');
  filter('run_id', 'runId');
  const rows = db
    .prepare(`SELECT * FROM check_results ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY finished_at DESC, id DESC LIMIT @limit`)
    .all(params) as CheckResultRow[];
  return rows.map(toRecord);
}

/** The newest stored result matching the query, when there is one. */
function newestCheckResult(db: Database.Database, query: CheckResultQuery): CheckResultRecord | undefined {
  return readCheckResults(db, query, 1)[0];
}

/** The result whose reported success time is the newest among those matching (e.g. freshness checks of an asset). */
function newestReportedResult(db: Database.Database, query: CheckResultQuery): CheckResultRecord | undefined {
  const where = ['reported_at IS NOT NULL'];
  const params: Record<string, unknown> = {};
  for (const [column, name] of [['asset', 'asset'], ['signal_kind', 'signalKind'], ['status', 'status'], ['env', 'env']] as const) {
    if (query[name] === undefined) continue;
    where.push(`${column} = @${name}`);
    params[name] = query[name];
  }
  const row = db
    .prepare(`SELECT * FROM check_results WHERE ${where.join(' AND ')} ORDER BY reported_at DESC, finished_at DESC, id DESC LIMIT 1`)
    .get(params) as CheckResultRow | undefined;
  return row && toRecord(row);
}

/** Where check results are kept: beside the sessions, in the same store. */
export interface CheckResultStore {
  /** Writes the results of one check run in one transaction, redacting every value first. */
  save(records: readonly CheckResultRecord[], redactor: Redactor): void;
  /** Stored results matching the query, newest first (by when the check finished). */
  read(query?: CheckResultQuery, limit?: number): CheckResultRecord[];
  /** The newest stored result matching the query. */
  newest(query: CheckResultQuery): CheckResultRecord | undefined;
  /** The result whose reported success time is the newest among those matching. */
  newestReported(query: CheckResultQuery): CheckResultRecord | undefined;
}

/** Check results in the SQLite file. */
export class SqliteCheckResults implements CheckResultStore {
  constructor(private readonly db: Database.Database) {}

  save(records: readonly CheckResultRecord[], redactor: Redactor): void {
    saveCheckResults(this.db, records, redactor);
  }

  read(query: CheckResultQuery = {}, limit = 1000): CheckResultRecord[] {
    return readCheckResults(this.db, query, limit);
  }

  newest(query: CheckResultQuery): CheckResultRecord | undefined {
    return newestCheckResult(this.db, query);
  }

  newestReported(query: CheckResultQuery): CheckResultRecord | undefined {
    return newestReportedResult(this.db, query);
  }
}

function toRecord(row: CheckResultRow): CheckResultRecord {
  let observed: unknown = null;
  if (row.observed !== null) {
    try {
      observed = JSON.parse(row.observed);
    } catch {
      observed = row.observed;
    }
  }
  return {
    runId: row.run_id,
    runbook: row.runbook,
    env: row.env,
    step: row.step,
    asset: row.asset,
    signalKind: row.signal_kind,
    status: row.status,
    observed,
    expected: row.expected,
    detail: row.detail,
    alert: row.alert,
    reportedAt: row.reported_at,
    reportedFrom: row.reported_from,
    durationMs: row.duration_ms,
    finishedAt: row.finished_at,
  };
}

function cap(text: string | null): string | null {
  if (text === null || text.length <= MAX_TEXT) return text;
  return `${text.slice(0, MAX_TEXT)}... [${text.length - MAX_TEXT} more characters]`;
}
