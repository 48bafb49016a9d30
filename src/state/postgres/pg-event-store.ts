/**
 * The shared store: the same EventStore the SQLite file is, on a team's PostgreSQL database
 * (schema `runbook`, see schema.ts). Hashes are computed here, exactly as for the file, so an
 * export verifies the same wherever it was written; the server checks the lease and the sequence
 * in the append's transaction and stamps each event with the role that wrote it.
 */
import { canonicalJson, toPlainJson } from '../canonical-json.js';
import type { CheckResultQuery, CheckResultRecord, CheckResultStore } from '../check-results.js';
import { ConcurrentAppendError, LeaseLostError, type AppendOptions, type EventStore, type KeptBranch, type SessionRow, type SnapshotStore } from '../event-store.js';
import { validateEvent, type NewEvent, type RawEvent, type SessionEvent } from '../events.js';
import { eventHash, GENESIS_HASH } from '../hash-chain.js';
import type { LeaseHolder, LeaseRequest, LeaseStore, StaleCheck, TakenLease } from '../lease-store.js';
import { SessionLockedError } from '../lock.js';
import type { Redactor } from '../redact.js';
import type { SessionState } from '../session-state.js';
import { decodeState, encodeState, FOLD_VERSION, snapshotDue, snapshotChecksum, type SnapshotKey } from '../snapshots.js';
import { assertUsable, CONCURRENT_APPEND, LEASE_LOST } from './schema.js';
import { storeLocation } from './store-location.js';
import { SqlError, SyncSql } from './sync-sql.js';

export interface PostgresStoreOptions {
  readonly url: string;
  /** This machine's directory for artifacts (they stay local: the store holds the log). */
  readonly localDirectory: string;
  /** Longest wait for the server on one call. */
  readonly timeoutMs?: number;
}

/** Opens the shared store; refuses one whose schema is not this build's (run `runbook store init|migrate`). */
export function openPostgresStore(options: PostgresStoreOptions): PostgresEventStore {
  const store = new PostgresEventStore(options);
  try {
    assertUsable(store.sql, store.location);
  } catch (error) {
    store.close();
    throw error;
  }
  return store;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  readonly readOnly = false;
  readonly location: string;
  readonly localDirectory: string;
  readonly sql: SyncSql;
  readonly snapshots: SnapshotStore;
  readonly leases: LeaseStore;
  readonly checkResults: CheckResultStore;
  private readonly snapshotSeqs = new Map<string, number>();

  constructor(options: PostgresStoreOptions) {
    this.location = storeLocation(options.url);
    this.localDirectory = options.localDirectory;
    this.sql = new SyncSql({ url: options.url, location: this.location, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    this.snapshots = new PostgresSnapshots(this.sql);
    this.leases = new PostgresLeases(this.sql);
    this.checkResults = new PostgresCheckResults(this.sql);
  }

  append(sessionId: string, events: readonly NewEvent[], options: AppendOptions): SessionEvent[] {
    if (events.length === 0) return [];
    let prevHash = options.expectedLastSeq === 0 ? GENESIS_HASH : (options.expectedLastHash ?? this.eventHash(sessionId, options.expectedLastSeq) ?? GENESIS_HASH);
    let seq = options.expectedLastSeq;
    const stored: SessionEvent[] = [];
    for (const event of events) {
      seq++;
      const data = toPlainJson(event.data);
      const fields = { seq, at: options.at, type: event.type, stepId: event.stepId, data, actor: options.actor, prevHash };
      const hash = eventHash(sessionId, fields);
      stored.push({ ...fields, hash } as SessionEvent);
      prevHash = hash;
    }
    const folded = options.fold?.(stored);
    const projection = this.projection(stored, folded ? folded.currentStepId : options.currentStep?.(stored));
    const rows = stored.map((event) => ({ ...event, data: canonicalJson(event.data) }));
    try {
      this.sql.query('SELECT runbook.append($1, $2, $3, $4, $5::jsonb, $6::jsonb)', [
        sessionId,
        options.expectedLastSeq,
        options.lease?.token ?? null,
        options.lease?.epoch ?? null,
        JSON.stringify(rows),
        JSON.stringify(projection),
      ]);
    } catch (error) {
      if (error instanceof SqlError && error.code === LEASE_LOST) throw new LeaseLostError(sessionId);
      if (error instanceof SqlError && error.code === CONCURRENT_APPEND) {
        throw new ConcurrentAppendError(sessionId, options.expectedLastSeq, this.session(sessionId)?.lastSeq ?? 0);
      }
      throw error;
    }
    const last = stored[stored.length - 1]!;
    if (folded && folded.lastSeq === last.seq && folded.lastHash === last.hash) {
      try {
        // The newest snapshot's seq is read once per session, then kept: appends stay one round trip.
        const latest = this.snapshotSeqs.get(sessionId) ?? this.snapshots.latestSeq(sessionId);
        this.snapshotSeqs.set(sessionId, latest);
        if (snapshotDue(latest, last.seq)) {
          this.snapshots.write(folded);
          this.snapshotSeqs.set(sessionId, last.seq);
        }
      } catch {
        // A snapshot is a cache: failing to keep one must not fail the append that succeeded.
      }
    }
    return stored;
  }

  /**
   * Pushes events of a local log as they were hashed (runbook push): fast-forward only, after the
   * store's head (`afterSeq`, `afterHash`); 'diverged' when the store's head is not that any more.
   */
  importEvents(sessionId: string, afterSeq: number, afterHash: string, events: readonly RawEvent[], state: SessionState): 'pushed' | 'diverged' {
    const rows = events.map((event) => ({ seq: event.seq, at: event.at, type: event.type, stepId: event.stepId, data: canonicalJson(event.data), actor: event.actor, prevHash: event.prevHash, hash: event.hash }));
    const last = events[events.length - 1]!;
    const projection = {
      runbook: state.runbook?.id ?? '',
      env: state.env,
      drill: state.drill,
      operator: state.operator,
      startedAt: state.startedAt ?? last.at,
      lastEventAt: last.at,
      lastSeq: last.seq,
      lastHash: last.hash,
      state: state.status === 'new' ? 'open' : state.status,
      currentStep: state.currentStepId,
    };
    const result = this.sql.query('SELECT runbook.import($1, $2, $3, $4::jsonb, $5::jsonb) AS outcome', [sessionId, afterSeq, afterHash, JSON.stringify(rows), JSON.stringify(projection)]);
    return result.rows[0]!.outcome as 'pushed' | 'diverged';
  }

  /** Keeps a local log that diverged from the store's beside it, whole and unmerged; false when that branch was kept already. */
  keepBranch(sessionId: string, branch: string, forkSeq: number, events: readonly RawEvent[]): boolean {
    const result = this.sql.query('INSERT INTO runbook.branches (session_id, branch, fork_seq, events) VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, branch) DO NOTHING', [
      sessionId,
      branch,
      forkSeq,
      JSON.stringify(events),
    ]);
    return result.rowCount === 1;
  }

  branches(sessionId: string): KeptBranch[] {
    return this.sql
      .query('SELECT branch, fork_seq, events, pushed_at, db_role FROM runbook.branches WHERE session_id = $1 ORDER BY pushed_at, branch', [sessionId])
      .rows.map((row) => ({
        branch: row.branch as string,
        forkSeq: Number(row.fork_seq),
        pushedAt: (row.pushed_at as Date).toISOString(),
        dbRole: row.db_role as string,
        events: JSON.parse(row.events as string) as RawEvent[],
      }));
  }

  branchCounts(): Map<string, number> {
    const rows = this.sql.query('SELECT session_id, count(*) AS branches FROM runbook.branches GROUP BY session_id').rows;
    return new Map(rows.map((row) => [row.session_id as string, Number(row.branches)]));
  }

  read(sessionId: string): SessionEvent[] {
    return this.readAfter(sessionId, 0);
  }

  readAfter(sessionId: string, afterSeq: number): SessionEvent[] {
    const events = this.rawAfter(sessionId, afterSeq);
    for (const event of events) validateEvent(event);
    return events as SessionEvent[];
  }

  readRaw(sessionId: string): RawEvent[] {
    return this.rawAfter(sessionId, 0);
  }

  eventHash(sessionId: string, seq: number): string | undefined {
    return this.sql.query('SELECT hash FROM runbook.events WHERE session_id = $1 AND seq = $2', [sessionId, seq]).rows[0]?.hash as string | undefined;
  }

  session(sessionId: string): SessionRow | undefined {
    const row = this.sql.query('SELECT * FROM runbook.sessions WHERE id = $1', [sessionId]).rows[0];
    return row && toSessionRow(row);
  }

  sessions(): SessionRow[] {
    return this.sql.query('SELECT * FROM runbook.sessions ORDER BY started_at DESC, id DESC').rows.map(toSessionRow);
  }

  idsWithPrefix(prefix: string): string[] {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.sql.query("SELECT id FROM runbook.sessions WHERE id LIKE $1 ESCAPE '\\' ORDER BY id", [`${escaped}%`]).rows.map((row) => row.id as string);
  }

  close(): void {
    this.sql.close();
  }

  private rawAfter(sessionId: string, afterSeq: number): RawEvent[] {
    const rows = this.sql.query(
      'SELECT seq, at, type, step_id, data, actor, prev_hash, hash, db_role FROM runbook.events WHERE session_id = $1 AND seq > $2 ORDER BY seq',
      [sessionId, afterSeq],
    ).rows;
    return rows.map((row) => {
      let data: unknown;
      try {
        data = JSON.parse(row.data as string);
      } catch {
        data = row.data;
      }
      return {
        seq: Number(row.seq),
        at: row.at as string,
        type: row.type as string,
        stepId: (row.step_id as string | null) ?? null,
        data,
        actor: row.actor as string,
        prevHash: row.prev_hash as string,
        hash: row.hash as string,
        dbRole: row.db_role as string,
      };
    });
  }

  /**
   * The listing projection after these events, as the SQLite store keeps it. Without a read: a
   * field these events do not decide is left out, and the server keeps the row's value.
   */
  private projection(stored: readonly SessionEvent[], currentStep: string | null | undefined): Record<string, unknown> {
    const last = stored[stored.length - 1]!;
    const projection: Record<string, unknown> = { lastEventAt: last.at, lastSeq: last.seq, lastHash: last.hash };
    let step: string | null | undefined = currentStep;
    for (const event of stored) {
      if (event.type === 'SessionStarted') {
        Object.assign(projection, { runbook: event.data.runbookId, env: event.data.env, drill: event.data.drill, operator: event.data.operator, startedAt: event.at, state: 'open' });
        if (step === undefined) step = null;
      }
      if (event.type === 'StepOpened' && currentStep === undefined) step = event.stepId;
      if (event.type === 'SessionCompleted') projection.state = 'completed';
      if (event.type === 'SessionAborted') projection.state = 'aborted';
    }
    if (step !== undefined) projection.currentStep = step;
    return projection;
  }
}

function toSessionRow(row: Record<string, unknown>): SessionRow {
  return {
    id: row.id as string,
    runbook: row.runbook as string,
    env: row.env as string,
    drill: row.drill === true,
    operator: row.operator as string,
    startedAt: row.started_at as string,
    lastEventAt: row.last_event_at as string,
    lastSeq: Number(row.last_seq),
    lastHash: row.last_hash as string,
    state: row.state as SessionRow['state'],
    currentStep: (row.current_step as string | null) ?? null,
  };
}

/** Leases on the server, judged by the server's clock: machines' clocks differ. */
class PostgresLeases implements LeaseStore {
  constructor(private readonly sql: SyncSql) {}

  holder(sessionId: string): LeaseHolder | undefined {
    const row = this.sql.query(
      `SELECT pid, host, operator, since, heartbeat_at, epoch, token, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS age_ms
       FROM runbook.leases WHERE session_id = $1`,
      [sessionId],
    ).rows[0];
    return row && row.token !== '' ? toHolder(row) : undefined;
  }

  take(sessionId: string, request: LeaseRequest, stale: StaleCheck): TakenLease {
    // Compare and swap on the epoch: two takers racing both read epoch N, only one moves it to N + 1.
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = this.sql.query(
        `SELECT pid, host, operator, since, heartbeat_at, epoch, token, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS age_ms
         FROM runbook.leases WHERE session_id = $1`,
        [sessionId],
      ).rows[0];
      let takenOver: TakenLease['takenOver'];
      if (row && row.token !== '') {
        const holder = toHolder(row);
        const reason = stale(holder);
        if (!reason) throw new SessionLockedError(sessionId, holder);
        takenOver = { ...holder, reason };
      }
      const taken = this.sql.query(
        `INSERT INTO runbook.leases AS l (session_id, pid, host, operator, since, heartbeat_at, token, epoch)
         VALUES ($1, $2, $3, $4, now(), now(), $5, 1)
         ON CONFLICT (session_id) DO UPDATE SET pid = $2, host = $3, operator = $4, since = now(), heartbeat_at = now(), token = $5, epoch = l.epoch + 1
         WHERE l.epoch = $6
         RETURNING epoch`,
        [sessionId, request.pid, request.host, request.operator, request.token, row ? Number(row.epoch) : 0],
      ).rows[0];
      if (taken) return takenOver ? { epoch: Number(taken.epoch), takenOver } : { epoch: Number(taken.epoch) };
    }
    const holder = this.holder(sessionId);
    if (holder) throw new SessionLockedError(sessionId, holder);
    throw new Error(`bug: the lease of session ${sessionId} changed three times while it was being taken`);
  }

  heartbeat(sessionId: string, token: string): boolean {
    return this.sql.query('UPDATE runbook.leases SET heartbeat_at = now() WHERE session_id = $1 AND token = $2', [sessionId, token]).rowCount === 1;
  }

  isHeld(sessionId: string, token: string): boolean {
    return this.sql.query('SELECT 1 FROM runbook.leases WHERE session_id = $1 AND token = $2', [sessionId, token]).rows.length === 1;
  }

  release(sessionId: string, token: string): void {
    this.sql.query("UPDATE runbook.leases SET token = '', pid = 0 WHERE session_id = $1 AND token = $2", [sessionId, token]);
  }
}

function toHolder(row: Record<string, unknown>): LeaseHolder {
  return {
    pid: Number(row.pid),
    host: row.host as string,
    operator: (row.operator as string | null) ?? null,
    since: (row.since as Date).toISOString(),
    heartbeatAt: (row.heartbeat_at as Date).toISOString(),
    ageMs: Number(row.age_ms),
    epoch: Number(row.epoch),
  };
}

class PostgresSnapshots implements SnapshotStore {
  constructor(private readonly sql: SyncSql) {}

  keys(sessionId: string): SnapshotKey[] {
    return this.sql
      .query('SELECT seq, event_hash, fold_version FROM runbook.snapshots WHERE session_id = $1 ORDER BY seq DESC', [sessionId])
      .rows.map((row) => ({ seq: Number(row.seq), eventHash: row.event_hash as string, foldVersion: Number(row.fold_version) }));
  }

  latestSeq(sessionId: string): number {
    return Number(this.sql.query('SELECT coalesce(max(seq), 0) AS seq FROM runbook.snapshots WHERE session_id = $1', [sessionId]).rows[0]!.seq);
  }

  load(sessionId: string, key: SnapshotKey): SessionState | undefined {
    const row = this.sql.query('SELECT state, checksum FROM runbook.snapshots WHERE session_id = $1 AND seq = $2', [sessionId, key.seq]).rows[0];
    if (!row || row.checksum !== snapshotChecksum(sessionId, key, row.state as string)) return undefined;
    try {
      return decodeState(row.state as string);
    } catch {
      return undefined;
    }
  }

  write(state: SessionState): void {
    if (state.lastSeq < 1 || state.lastHash === null) return;
    const key: SnapshotKey = { seq: state.lastSeq, eventHash: state.lastHash, foldVersion: FOLD_VERSION };
    const text = encodeState(state);
    this.sql.transaction([
      {
        sql: `INSERT INTO runbook.snapshots (session_id, seq, event_hash, fold_version, state, checksum) VALUES ($1, $2, $3, $4, $5, $6)
              ON CONFLICT (session_id, seq) DO UPDATE SET event_hash = $3, fold_version = $4, state = $5, checksum = $6`,
        params: [state.id, key.seq, key.eventHash, key.foldVersion, text, snapshotChecksum(state.id, key, text)],
      },
      { sql: 'DELETE FROM runbook.snapshots WHERE session_id = $1 AND seq NOT IN (SELECT seq FROM runbook.snapshots WHERE session_id = $1 ORDER BY seq DESC LIMIT 2)', params: [state.id] },
    ]);
  }

  deleteAll(sessionId: string): void {
    this.sql.query('DELETE FROM runbook.snapshots WHERE session_id = $1', [sessionId]);
  }
}

const MAX_TEXT = 8 * 1024;
const cap = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… [cut]` : text);

class PostgresCheckResults implements CheckResultStore {
  constructor(private readonly sql: SyncSql) {}

  save(records: readonly CheckResultRecord[], redactor: Redactor): void {
    this.sql.transaction(
      records.map((record) => ({
        sql: `INSERT INTO runbook.check_results (run_id, runbook, env, step, asset, signal_kind, status, observed, expected, detail, alert,
                reported_at, reported_from, duration_ms, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        params: [
          record.runId,
          record.runbook,
          record.env,
          record.step,
          record.asset,
          record.signalKind,
          record.status,
          record.observed === undefined ? null : cap(JSON.stringify(redactor.redact(record.observed)) ?? 'null'),
          record.expected === null ? null : cap(redactor.redactText(record.expected)),
          cap(redactor.redactText(record.detail)),
          record.alert,
          record.reportedAt,
          record.reportedFrom,
          Math.round(record.durationMs),
          record.finishedAt,
        ],
      })),
    );
  }

  read(query: CheckResultQuery = {}, limit = 1000): CheckResultRecord[] {
    const { where, params } = filters(query);
    params.push(limit);
    return this.sql
      .query(`SELECT * FROM runbook.check_results ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY finished_at DESC, id DESC LIMIT $${params.length}`, params)
      .rows.map(toRecord);
  }

  newest(query: CheckResultQuery): CheckResultRecord | undefined {
    return this.read(query, 1)[0];
  }

  newestReported(query: CheckResultQuery): CheckResultRecord | undefined {
    const { where, params } = filters({ ...query, runId: undefined } as CheckResultQuery);
    where.push('reported_at IS NOT NULL');
    const row = this.sql.query(`SELECT * FROM runbook.check_results WHERE ${where.join(' AND ')} ORDER BY reported_at DESC, finished_at DESC, id DESC LIMIT 1`, params).rows[0];
    return row && toRecord(row);
  }
}

function filters(query: CheckResultQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, name] of [['asset', 'asset'], ['signal_kind', 'signalKind'], ['status', 'status'], ['env', 'env'], ['run_id', 'runId']] as const) {
    if (query[name] === undefined) continue;
    params.push(query[name]);
    where.push(`${column} = $${params.length}`);
  }
  return { where, params };
}

function toRecord(row: Record<string, unknown>): CheckResultRecord {
  let observed: unknown = null;
  if (row.observed !== null) {
    try {
      observed = JSON.parse(row.observed as string);
    } catch {
      observed = row.observed;
    }
  }
  return {
    runId: row.run_id as string,
    runbook: row.runbook as string,
    env: row.env as string,
    step: row.step as string,
    asset: (row.asset as string | null) ?? null,
    signalKind: (row.signal_kind as string | null) ?? null,
    status: row.status as CheckResultRecord['status'],
    observed,
    expected: (row.expected as string | null) ?? null,
    detail: row.detail as string,
    alert: (row.alert as string | null) ?? null,
    reportedAt: (row.reported_at as string | null) ?? null,
    reportedFrom: (row.reported_from as string | null) ?? null,
    durationMs: Number(row.duration_ms),
    finishedAt: row.finished_at as string,
  };
}
