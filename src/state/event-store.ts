/**
 * The event store: one SQLite file (WAL, synchronous=FULL) holding every session as an
 * append-only stream with a unique (session_id, seq). An append returns only after its
 * transaction is durable, so a caller may show a step as done once `append` returns.
 */
import Database from 'better-sqlite3';
import { closeSync, chmodSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { OperatorError } from '../errors.js';
import { canonicalJson, toPlainJson } from './canonical-json.js';
import { validateEvent, type NewEvent, type RawEvent, type SessionEvent } from './events.js';
import { eventHash, GENESIS_HASH } from './hash-chain.js';
import { migrate } from './migrations.js';
import type { SessionState } from './session-state.js';
import { SqliteCheckResults, type CheckResultStore } from './check-results.js';
import type { LeaseStore } from './lease-store.js';
import { SqliteLeases } from './sqlite-leases.js';
import { SnapshotTable, snapshotDue, type SnapshotKey } from './snapshots.js';

/** A session's row in the listing projection, kept in the same transaction as its events. */
export interface SessionRow {
  readonly id: string;
  readonly runbook: string;
  readonly env: string;
  readonly drill: boolean;
  readonly operator: string;
  readonly startedAt: string;
  readonly lastEventAt: string;
  readonly lastSeq: number;
  readonly lastHash: string;
  /** open, completed or aborted (whether an open session is active depends on its lock). */
  readonly state: 'open' | 'completed' | 'aborted';
  readonly currentStep: string | null;
}

/** Another writer appended to the session since its state was read. */
export class ConcurrentAppendError extends OperatorError {
  constructor(sessionId: string, expected: number, actual: number) {
    super(
      `session ${sessionId} was changed by another process (expected to append after event ${expected}, the log is at ${actual}); reopen it with "runbook resume ${sessionId}"`,
    );
    this.name = 'ConcurrentAppendError';
  }
}

export interface AppendOptions {
  /** The seq of the last event the caller knows of (0 for a new session). */
  readonly expectedLastSeq: number;
  readonly actor: string;
  /** ISO time of the append. */
  readonly at: string;
  /** The current step after these events (the caller's fold knows it); default: the last opened step. */
  readonly currentStep?: (stored: readonly SessionEvent[]) => string | null;
  /**
   * The caller's state after these events (its fold of the stored events). When given, it
   * names the current step, and is kept as a snapshot when one is due (see snapshots.ts).
   */
  readonly fold?: (stored: readonly SessionEvent[]) => SessionState;
  /** The appender's lease: checked inside the append's transaction, so a writer that lost it writes nothing. */
  readonly lease?: { readonly token: string; readonly epoch: number };
  /** The hash of the event at `expectedLastSeq` as the caller knows it (a store without a local head reads it otherwise). */
  readonly expectedLastHash?: string | null;
}

/** The appender no longer holds the session's lease (another process took it over): nothing was written. */
export class LeaseLostError extends Error {
  constructor(readonly sessionId: string) {
    super(`the lease of session ${sessionId} is no longer this process's`);
    this.name = 'LeaseLostError';
  }
}

/** An events row as `.raw()` returns it, in the order of EVENT_COLUMNS. */
type EventTuple = [seq: number, at: string, type: string, stepId: string | null, data: string, actor: string, prevHash: string, hash: string];
const EVENT_COLUMNS = 'seq, at, type, step_id, data, actor, prev_hash, hash';

interface SessionDbRow {
  id: string;
  runbook: string;
  env: string;
  drill: number;
  operator: string;
  started_at: string;
  last_event_at: string;
  last_seq: number;
  last_hash: string;
  state: 'open' | 'completed' | 'aborted';
  current_step: string | null;
}

/**
 * A local log pushed (runbook push) after someone had continued the same session on the shared
 * store: kept beside the session's log, whole and never merged, so neither history is lost.
 */
export interface KeptBranch {
  /** Its name: the pushing host and the branch head's hash prefix. */
  readonly branch: string;
  /** The last event it shares with the session's log (0: none). */
  readonly forkSeq: number;
  readonly pushedAt: string;
  /** The database role that pushed it. */
  readonly dbRole: string;
  /** Its own events after forkSeq, as they were hashed in the local log. */
  readonly events: readonly RawEvent[];
}

/** A store's snapshots of folded states: a cache for resume, never read by export or verify. */
export interface SnapshotStore {
  keys(sessionId: string): SnapshotKey[];
  latestSeq(sessionId: string): number;
  load(sessionId: string, key: SnapshotKey): SessionState | undefined;
  write(state: SessionState): void;
  deleteAll(sessionId: string): void;
}

/**
 * Where sessions live: the embedded SQLite file (the default) or the team's PostgreSQL database.
 * Every call is synchronous and returns once its transaction is durable, so the fold, the screen
 * and the log never disagree; the PostgreSQL store keeps that contract by waiting, with a bound,
 * for a worker thread that talks to the server.
 */
export interface EventStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The file, or the server without its password: for messages. */
  readonly location: string;
  /** A directory on this machine for what a session writes beside its log (artifacts). */
  readonly localDirectory: string;
  /** True when opened only to read: appending is then a bug. */
  readonly readOnly: boolean;
  /**
   * Appends events to a session in one durable transaction and returns them as stored.
   * Refuses when another writer appended since `expectedLastSeq` (two writers never both get seq N).
   */
  append(sessionId: string, events: readonly NewEvent[], options: AppendOptions): SessionEvent[];
  /** Every event of a session in order, validated. */
  read(sessionId: string): SessionEvent[];
  /** The events after `afterSeq` in order, validated. */
  readAfter(sessionId: string, afterSeq: number): SessionEvent[];
  /** Every stored row of a session in order, as it is (verification and export use these). */
  readRaw(sessionId: string): RawEvent[];
  /** The hash stored for event `seq` of a session, or undefined when there is no such event. */
  eventHash(sessionId: string, seq: number): string | undefined;
  /** The listing projection of one session, or undefined. */
  session(sessionId: string): SessionRow | undefined;
  /** Every session's projection, newest first. */
  sessions(): SessionRow[];
  /** Ids starting with `prefix`. */
  idsWithPrefix(prefix: string): string[];
  /** Branches kept beside the session's log, oldest push first (only a shared store has any). */
  branches(sessionId: string): KeptBranch[];
  /** How many branches each session with any has kept beside its log, in one read (for listings). */
  branchCounts(): Map<string, number>;
  readonly snapshots: SnapshotStore;
  readonly leases: LeaseStore;
  readonly checkResults: CheckResultStore;
  close(): void;
}

/** Opens (creating when needed) the session database at `path`. */
export function openEventStore(path: string): SqliteEventStore {
  return new SqliteEventStore(path);
}

/** The embedded store: one SQLite file. */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  /** The underlying connection; the lock table lives in the same file. */
  readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly selectHead: Database.Statement;
  private readonly selectEventsAfter: Database.Statement;
  private readonly selectEventHash: Database.Statement;
  private readonly insertSession: Database.Statement;
  private readonly updateSession: Database.Statement;
  readonly snapshots: SnapshotTable;
  readonly leases: SqliteLeases;
  readonly checkResults: SqliteCheckResults;

  readonly readOnly: boolean;

  /** `readOnlyDb`: a connection already open for reading, which must be neither created, tuned nor migrated. */
  constructor(readonly path: string, readOnlyDb?: Database.Database) {
    this.readOnly = readOnlyDb !== undefined;
    if (readOnlyDb) {
      this.db = readOnlyDb;
    } else {
      prepareFile(path);
      try {
        this.db = new Database(path);
        this.db.pragma('busy_timeout = 10000');
        this.db.pragma('journal_mode = WAL');
        // FULL in WAL mode fsyncs the WAL on every commit: an acknowledged append survives power loss.
        this.db.pragma('synchronous = FULL');
        this.db.pragma('foreign_keys = ON');
      } catch (error) {
        throw new OperatorError(`cannot open the session database ${path}: ${(error as Error).message}; check the path and its permissions (--db or RUNBOOK_DB)`);
      }
      migrate(this.db);
    }
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectHead = this.db.prepare('SELECT last_seq, last_hash FROM sessions WHERE id = ?');
    // Rows as arrays: building an object per row with named columns cost a third of reading 100k events.
    this.selectEventsAfter = this.db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE session_id = ? AND seq > ? ORDER BY seq`)
      .raw();
    this.selectEventHash = this.db.prepare('SELECT hash FROM events WHERE session_id = ? AND seq = ?').pluck();
    this.snapshots = new SnapshotTable(this.db);
    this.leases = new SqliteLeases(this.db);
    this.checkResults = new SqliteCheckResults(this.db);
    this.insertSession = this.db.prepare(
      `INSERT INTO sessions (id, runbook, env, drill, operator, started_at, last_event_at, last_seq, last_hash, state, current_step)
       VALUES (@id, @runbook, @env, @drill, @operator, @started_at, @last_event_at, @last_seq, @last_hash, @state, @current_step)`,
    );
    this.updateSession = this.db.prepare(
      `UPDATE sessions SET last_event_at = @last_event_at, last_seq = @last_seq, last_hash = @last_hash, state = @state,
       current_step = @current_step WHERE id = @id`,
    );
  }

  /**
   * Appends events to a session in one durable transaction and returns them as stored.
   * Refuses when another writer appended since `expectedLastSeq` (two writers never both get seq N).
   */
  append(sessionId: string, events: readonly NewEvent[], options: AppendOptions): SessionEvent[] {
    if (this.readOnly) throw new Error(`append to session ${sessionId} through a store opened read-only`);
    if (events.length === 0) return [];
    let folded: SessionState | undefined;
    const run = this.db.transaction((): SessionEvent[] => {
      if (options.lease && !this.leases.isHeld(sessionId, options.lease.token)) throw new LeaseLostError(sessionId);
      const head = this.selectHead.get(sessionId) as { last_seq: number; last_hash: string } | undefined;
      const lastSeq = head?.last_seq ?? 0;
      if (lastSeq !== options.expectedLastSeq) throw new ConcurrentAppendError(sessionId, options.expectedLastSeq, lastSeq);
      if (!head && events[0]!.type !== 'SessionStarted') throw new Error(`session ${sessionId} does not exist`);
      let prevHash = head?.last_hash ?? GENESIS_HASH;
      let seq = lastSeq;
      const stored: SessionEvent[] = [];
      for (const event of events) {
        seq++;
        const data = toPlainJson(event.data);
        const fields = { seq, at: options.at, type: event.type, stepId: event.stepId, data, actor: options.actor, prevHash };
        const hash = eventHash(sessionId, fields);
        this.insertEvent.run(sessionId, seq, options.at, event.type, event.stepId, canonicalJson(data), options.actor, prevHash, hash);
        stored.push({ ...fields, hash } as SessionEvent);
        prevHash = hash;
      }
      folded = options.fold?.(stored);
      const currentStep = folded ? folded.currentStepId : options.currentStep?.(stored);
      this.project(sessionId, head === undefined, stored, currentStep);
      return stored;
    });
    const stored = run.immediate();
    if (folded) this.snapshotIfDue(sessionId, folded, stored[stored.length - 1]!);
    return stored;
  }

  /**
   * Copies events of another log as they were hashed (a session going on here because the shared
   * store became unreachable): they must continue this file's copy of the session exactly, seq
   * after seq and hash after hash, and each must hash to what it says.
   */
  importEvents(sessionId: string, events: readonly RawEvent[]): void {
    if (this.readOnly) throw new Error(`import into session ${sessionId} through a store opened read-only`);
    if (events.length === 0) return;
    this.db.transaction(() => {
      const head = this.selectHead.get(sessionId) as { last_seq: number; last_hash: string } | undefined;
      let seq = head?.last_seq ?? 0;
      let prevHash = head?.last_hash ?? GENESIS_HASH;
      for (const event of events) {
        seq++;
        if (event.seq !== seq || event.prevHash !== prevHash || eventHash(sessionId, event) !== event.hash) {
          throw new Error(`bug: event ${event.seq} of session ${sessionId} does not continue its copy in ${this.path} (at event ${seq - 1})`);
        }
        validateEvent(event);
        this.insertEvent.run(sessionId, event.seq, event.at, event.type, event.stepId, canonicalJson(event.data), event.actor, event.prevHash, event.hash);
        prevHash = event.hash;
      }
      this.project(sessionId, head === undefined, events as readonly SessionEvent[], undefined);
    }).immediate();
  }

  /** Every event of a session in order, validated. */
  read(sessionId: string): SessionEvent[] {
    return this.readAfter(sessionId, 0);
  }

  /** The events after `afterSeq` in order, validated (resume folds these onto a snapshot). */
  readAfter(sessionId: string, afterSeq: number): SessionEvent[] {
    // Every event read is still checked against its schema: that costs 1-3 µs an event, less
    // than reading its row, and resume from a snapshot reads only the tail (at most a tenth of
    // the log, see snapshots.ts), so a cheaper, weaker check is not worth its risk.
    const events = this.readRawAfter(sessionId, afterSeq);
    for (const event of events) validateEvent(event);
    return events as SessionEvent[];
  }

  /** Every stored row of a session in order, as it is (verification and export use these). */
  readRaw(sessionId: string): RawEvent[] {
    return this.readRawAfter(sessionId, 0);
  }

  /** The hash stored for event `seq` of a session, or undefined when there is no such event. */
  eventHash(sessionId: string, seq: number): string | undefined {
    return this.selectEventHash.get(sessionId, seq) as string | undefined;
  }

  private readRawAfter(sessionId: string, afterSeq: number): RawEvent[] {
    const rows = this.selectEventsAfter.all(sessionId, afterSeq) as EventTuple[];
    const events: RawEvent[] = new Array(rows.length);
    for (let index = 0; index < rows.length; index++) {
      const [seq, at, type, stepId, text, actor, prevHash, hash] = rows[index]!;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
      events[index] = { seq, at, type, stepId, data, actor, prevHash, hash };
    }
    return events;
  }

  /**
   * Keeps the caller's folded state as a snapshot when one is due, in its own transaction after
   * the events are durable: a snapshot is a cache, so failing to write one (a full disk, a
   * read-only copy) must not fail the append that already succeeded; the next resume just folds more.
   */
  private snapshotIfDue(sessionId: string, state: SessionState, last: SessionEvent): void {
    // Only a fold of exactly this log may be kept.
    if (state.id !== sessionId || state.lastSeq !== last.seq || state.lastHash !== last.hash) return;
    try {
      if (snapshotDue(this.snapshots.latestSeq(sessionId), last.seq)) this.snapshots.write(state);
    } catch {
      // Ignored on purpose (see above).
    }
  }

  /** The listing projection of one session, or undefined. */
  session(sessionId: string): SessionRow | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(sessionId) as SessionDbRow | undefined;
    return row && toSessionRow(row);
  }

  /** Every session's projection, newest first. */
  sessions(): SessionRow[] {
    const rows = this.db.prepare('SELECT * FROM sessions ORDER BY started_at DESC, id DESC').all() as SessionDbRow[];
    return rows.map(toSessionRow);
  }

  /** None: branches are kept only on a shared store, where two machines' logs of a session meet. */
  branches(): KeptBranch[] {
    return [];
  }

  branchCounts(): Map<string, number> {
    return new Map();
  }

  /** Sessions that went on in this file because a shared store could not be reached: what a push may have to upload. */
  sessionsContinuedHere(): { readonly sessionId: string; readonly store: string }[] {
    const rows = this.db
      .prepare("SELECT DISTINCT session_id, json_extract(data, '$.store') AS store FROM events WHERE type = 'SwitchedToLocalLog' ORDER BY session_id")
      .all() as { session_id: string; store: string }[];
    return rows.map((row) => ({ sessionId: row.session_id, store: row.store }));
  }

  /** Ids starting with `prefix`. */
  idsWithPrefix(prefix: string): string[] {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = this.db.prepare("SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id").all(`${escaped}%`) as { id: string }[];
    return rows.map((row) => row.id);
  }

  get location(): string {
    return this.path;
  }

  get localDirectory(): string {
    return dirname(this.path);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private project(sessionId: string, isNew: boolean, stored: readonly SessionEvent[], folded: string | null | undefined): void {
    const last = stored[stored.length - 1]!;
    let current = isNew ? undefined : this.session(sessionId);
    let state: SessionRow['state'] = current?.state ?? 'open';
    let currentStep = current?.currentStep ?? null;
    for (const event of stored) {
      if (event.type === 'SessionStarted') {
        this.insertSession.run({
          id: sessionId,
          runbook: event.data.runbookId,
          env: event.data.env,
          drill: event.data.drill ? 1 : 0,
          operator: event.data.operator,
          started_at: event.at,
          last_event_at: event.at,
          last_seq: event.seq,
          last_hash: event.hash,
          state: 'open',
          current_step: null,
        });
        current = this.session(sessionId);
      }
      if (event.type === 'StepOpened') currentStep = event.stepId;
      if (event.type === 'SessionCompleted') state = 'completed';
      if (event.type === 'SessionAborted') state = 'aborted';
    }
    this.updateSession.run({
      id: sessionId,
      last_event_at: last.at,
      last_seq: last.seq,
      last_hash: last.hash,
      state,
      current_step: folded === undefined ? currentStep : folded,
    });
  }
}

function toSessionRow(row: SessionDbRow): SessionRow {
  return {
    id: row.id,
    runbook: row.runbook,
    env: row.env,
    drill: row.drill === 1,
    operator: row.operator,
    startedAt: row.started_at,
    lastEventAt: row.last_event_at,
    lastSeq: row.last_seq,
    lastHash: row.last_hash,
    state: row.state,
    currentStep: row.current_step,
  };
}

/** Creates the directory (0700) and the file (0600) before SQLite does, so nobody else can read the log. */
function prepareFile(path: string): void {
  if (path === ':memory:') return;
  const directory = dirname(path);
  try {
    if (!existsSync(directory)) {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      chmodSync(directory, 0o700);
    }
    if (!existsSync(path)) {
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
  } catch (error) {
    throw new OperatorError(`cannot create the session database ${path}: ${(error as Error).message}; choose another place with --db or RUNBOOK_DB`);
  }
}
