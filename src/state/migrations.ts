/**
 * Schema of the session database, created and migrated by version (PRAGMA user_version).
 * Migrations only ever add; a database newer than this build is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import { OperatorError } from '../errors.js';

const migrations: readonly string[] = [
  // 1: events, the listing projection, and driver locks.
  `CREATE TABLE events (
     session_id TEXT NOT NULL,
     seq INTEGER NOT NULL CHECK (seq >= 1),
     at TEXT NOT NULL,
     type TEXT NOT NULL,
     step_id TEXT,
     data TEXT NOT NULL,
     actor TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   ) WITHOUT ROWID;
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     runbook TEXT NOT NULL,
     env TEXT NOT NULL,
     drill INTEGER NOT NULL,
     operator TEXT NOT NULL,
     started_at TEXT NOT NULL,
     last_event_at TEXT NOT NULL,
     last_seq INTEGER NOT NULL,
     last_hash TEXT NOT NULL,
     state TEXT NOT NULL,
     current_step TEXT
   );
   CREATE TABLE locks (
     session_id TEXT PRIMARY KEY,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     since TEXT NOT NULL,
     heartbeat_at TEXT NOT NULL,
     token TEXT NOT NULL
   );`,
  // 2: snapshots of the folded state, a cache that makes resume of long logs fast.
  // Rowid table, not WITHOUT ROWID: its rows are large.
  `CREATE TABLE snapshots (
     session_id TEXT NOT NULL,
     seq INTEGER NOT NULL CHECK (seq >= 1),
     event_hash TEXT NOT NULL,
     fold_version INTEGER NOT NULL,
     state TEXT NOT NULL,
     checksum TEXT NOT NULL,
     PRIMARY KEY (session_id, seq)
   );`,
  // 3: check results kept as evidence by `runbook check` (src/state/check-results.ts).
  `CREATE TABLE check_results (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     runbook TEXT NOT NULL,
     env TEXT NOT NULL,
     step TEXT NOT NULL,
     asset TEXT,
     signal_kind TEXT,
     status TEXT NOT NULL,
     observed TEXT,
     expected TEXT,
     detail TEXT NOT NULL,
     alert TEXT,
     reported_at TEXT,
     reported_from TEXT,
     duration_ms INTEGER NOT NULL,
     finished_at TEXT NOT NULL
   );
   CREATE INDEX check_results_by_signal ON check_results (asset, signal_kind, status, finished_at);
   CREATE INDEX check_results_by_reported ON check_results (asset, signal_kind, reported_at);
   CREATE INDEX check_results_by_run ON check_results (run_id);`,
  // 4: lease epochs (a fencing token raised at every take) and the holder's operator. A released
  // lease keeps its row with an empty token, so the epoch never goes back.
  `ALTER TABLE locks ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE locks ADD COLUMN operator TEXT;`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = migrations.length;

/** Brings the database up to SCHEMA_VERSION, each migration in its own transaction. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new OperatorError(
      `the session database ${db.name} was written by a newer runbook (schema ${version}, this build knows ${SCHEMA_VERSION}); upgrade runbook`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  // Re-read the version inside the write lock: another process may have migrated meanwhile.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let next = current; next < SCHEMA_VERSION; next++) db.exec(migrations[next]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
