/**
 * The shared store's schema on PostgreSQL (schema `runbook`), created and upgraded by version.
 * Each migration runs in one transaction under an advisory lock, so two processes migrating at
 * once apply each version exactly once; a migration already applied is skipped (idempotent).
 *
 * Append-only by construction: the role the tool writes with (runbook_writer) may INSERT events
 * but has no UPDATE or DELETE on them, and a trigger refuses UPDATE, DELETE and TRUNCATE from
 * anyone, the owner included. The server stamps every event with the role that wrote it
 * (session_user, which SET ROLE cannot change), so a client cannot forge it.
 */
import { OperatorError } from '../../errors.js';
import type { SyncSql } from './sync-sql.js';

/** Roles `store init` creates; login roles are granted membership. */
export const WRITER_ROLE = 'runbook_writer';
export const READER_ROLE = 'runbook_reader';

/** SQLSTATEs the append function raises, so the client can tell a lost lease from a race. */
export const LEASE_LOST = 'RB001';
export const CONCURRENT_APPEND = 'RB002';

/** Versioned migrations; never edit one that has shipped, add the next. */
const migrations: readonly string[] = [
  // 1: sessions, events, leases, snapshots, check results; append-only events; the append function.
  `CREATE TABLE runbook.sessions (
     id text PRIMARY KEY,
     runbook text NOT NULL,
     env text NOT NULL,
     drill boolean NOT NULL,
     operator text NOT NULL,
     started_at text NOT NULL,
     last_event_at text NOT NULL,
     last_seq integer NOT NULL,
     last_hash text NOT NULL,
     state text NOT NULL,
     current_step text
   );
   CREATE TABLE runbook.events (
     session_id text NOT NULL REFERENCES runbook.sessions (id),
     seq integer NOT NULL CHECK (seq >= 1),
     at text NOT NULL,
     type text NOT NULL,
     step_id text,
     data text NOT NULL,
     actor text NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL,
     db_role name NOT NULL,
     written_at timestamptz NOT NULL,
     PRIMARY KEY (session_id, seq)
   );
   CREATE TABLE runbook.leases (
     session_id text PRIMARY KEY,
     pid integer NOT NULL,
     host text NOT NULL,
     operator text,
     since timestamptz NOT NULL,
     heartbeat_at timestamptz NOT NULL,
     token text NOT NULL,
     epoch bigint NOT NULL
   );
   CREATE TABLE runbook.snapshots (
     session_id text NOT NULL,
     seq integer NOT NULL,
     event_hash text NOT NULL,
     fold_version integer NOT NULL,
     state text NOT NULL,
     checksum text NOT NULL,
     PRIMARY KEY (session_id, seq)
   );
   CREATE TABLE runbook.check_results (
     id bigserial PRIMARY KEY,
     run_id text NOT NULL,
     runbook text NOT NULL,
     env text NOT NULL,
     step text NOT NULL,
     asset text,
     signal_kind text,
     status text NOT NULL,
     observed text,
     expected text,
     detail text NOT NULL,
     alert text,
     reported_at text,
     reported_from text,
     duration_ms integer NOT NULL,
     finished_at text NOT NULL,
     db_role name NOT NULL DEFAULT session_user
   );
   -- A local log pushed after someone else continued the same session: kept whole beside it, never merged.
   CREATE TABLE runbook.branches (
     session_id text NOT NULL REFERENCES runbook.sessions (id),
     branch text NOT NULL,
     fork_seq integer NOT NULL,
     events text NOT NULL,
     pushed_at timestamptz NOT NULL DEFAULT now(),
     db_role name NOT NULL DEFAULT session_user,
     PRIMARY KEY (session_id, branch)
   );
   CREATE INDEX check_results_by_signal ON runbook.check_results (asset, signal_kind, status, finished_at);
   CREATE INDEX check_results_by_run ON runbook.check_results (run_id);

   CREATE FUNCTION runbook.refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'runbook events are append-only: % on runbook.events is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$;
   CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON runbook.events FOR EACH ROW EXECUTE FUNCTION runbook.refuse_event_change();
   CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON runbook.events FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_event_change();

   CREATE FUNCTION runbook.stamp_event() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     NEW.db_role := session_user;
     NEW.written_at := now();
     RETURN NEW;
   END $$;
   CREATE TRIGGER events_stamped BEFORE INSERT ON runbook.events FOR EACH ROW EXECUTE FUNCTION runbook.stamp_event();

   -- One append: the lease (token and epoch) and the expected sequence are checked in the same
   -- transaction as the inserts; the listing projection follows; followers are notified.
   CREATE FUNCTION runbook.append(p_session text, p_expected integer, p_token text, p_epoch bigint, p_events jsonb, p_projection jsonb)
   RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     held runbook.leases%ROWTYPE;
     head integer;
     e jsonb;
   BEGIN
     IF p_token IS NOT NULL THEN
       SELECT * INTO held FROM runbook.leases WHERE session_id = p_session FOR UPDATE;
       IF NOT FOUND OR held.token <> p_token OR held.epoch <> p_epoch THEN
         RAISE EXCEPTION 'the lease of session % is no longer this writer''s', p_session USING ERRCODE = '${LEASE_LOST}';
       END IF;
     END IF;
     SELECT last_seq INTO head FROM runbook.sessions WHERE id = p_session FOR UPDATE;
     IF COALESCE(head, 0) <> p_expected THEN
       RAISE EXCEPTION 'session % is at event %, not %', p_session, COALESCE(head, 0), p_expected USING ERRCODE = '${CONCURRENT_APPEND}';
     END IF;
     IF head IS NULL THEN
       INSERT INTO runbook.sessions (id, runbook, env, drill, operator, started_at, last_event_at, last_seq, last_hash, state, current_step)
       VALUES (p_session, p_projection->>'runbook', p_projection->>'env', (p_projection->>'drill')::boolean, p_projection->>'operator',
               p_projection->>'startedAt', p_projection->>'lastEventAt', (p_projection->>'lastSeq')::integer, p_projection->>'lastHash',
               p_projection->>'state', p_projection->>'currentStep');
     END IF;
     FOR e IN SELECT * FROM jsonb_array_elements(p_events) LOOP
       INSERT INTO runbook.events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash)
       VALUES (p_session, (e->>'seq')::integer, e->>'at', e->>'type', e->>'stepId', e->>'data', e->>'actor', e->>'prevHash', e->>'hash');
     END LOOP;
     -- A key the client leaves out keeps its value: only it knows the fold, only the server the row.
     UPDATE runbook.sessions SET last_event_at = p_projection->>'lastEventAt', last_seq = (p_projection->>'lastSeq')::integer,
       last_hash = p_projection->>'lastHash', state = COALESCE(p_projection->>'state', state),
       current_step = CASE WHEN p_projection ? 'currentStep' THEN p_projection->>'currentStep' ELSE current_step END
     WHERE id = p_session;
     PERFORM pg_notify('runbook_events', p_session || ' ' || (p_projection->>'lastSeq'));
   END $$;

   -- A push of a local log (runbook push): the events as they were hashed, fast-forward only.
   CREATE FUNCTION runbook.import(p_session text, p_after integer, p_after_hash text, p_events jsonb, p_projection jsonb)
   RETURNS text LANGUAGE plpgsql AS $$
   DECLARE
     head runbook.sessions%ROWTYPE;
     e jsonb;
   BEGIN
     SELECT * INTO head FROM runbook.sessions WHERE id = p_session FOR UPDATE;
     IF NOT FOUND THEN
       IF p_after <> 0 THEN RETURN 'diverged'; END IF;
       INSERT INTO runbook.sessions (id, runbook, env, drill, operator, started_at, last_event_at, last_seq, last_hash, state, current_step)
       VALUES (p_session, p_projection->>'runbook', p_projection->>'env', (p_projection->>'drill')::boolean, p_projection->>'operator',
               p_projection->>'startedAt', p_projection->>'lastEventAt', 0, '', 'open', NULL);
     ELSIF head.last_seq <> p_after OR head.last_hash <> p_after_hash THEN
       RETURN 'diverged';
     END IF;
     FOR e IN SELECT * FROM jsonb_array_elements(p_events) LOOP
       INSERT INTO runbook.events (session_id, seq, at, type, step_id, data, actor, prev_hash, hash)
       VALUES (p_session, (e->>'seq')::integer, e->>'at', e->>'type', e->>'stepId', e->>'data', e->>'actor', e->>'prevHash', e->>'hash');
     END LOOP;
     UPDATE runbook.sessions SET last_event_at = p_projection->>'lastEventAt', last_seq = (p_projection->>'lastSeq')::integer,
       last_hash = p_projection->>'lastHash', state = p_projection->>'state', current_step = p_projection->>'currentStep'
     WHERE id = p_session;
     PERFORM pg_notify('runbook_events', p_session || ' ' || (p_projection->>'lastSeq'));
     RETURN 'pushed';
   END $$;`,
];

/** The schema version this build writes. */
export const PG_SCHEMA_VERSION = migrations.length;

/** The installed version (0 when the schema is not there). */
export function schemaVersion(sql: SyncSql): number {
  const exists = sql.query("SELECT to_regclass('runbook.schema_version') IS NOT NULL AS present").rows[0]!.present === true;
  if (!exists) return 0;
  return Number(sql.query('SELECT coalesce(max(version), 0) AS version FROM runbook.schema_version').rows[0]!.version);
}

/** Refuses a store newer than this build, or one not migrated to it. */
export function assertUsable(sql: SyncSql, location: string): void {
  const version = schemaVersion(sql);
  if (version > PG_SCHEMA_VERSION) throw new OperatorError(`the session store ${location} has schema ${version}, newer than this runbook's ${PG_SCHEMA_VERSION}; upgrade runbook`);
  if (version < PG_SCHEMA_VERSION) {
    throw new OperatorError(`the session store ${location} has schema ${version}, this runbook needs ${PG_SCHEMA_VERSION}: run "runbook store ${version === 0 ? 'init' : 'migrate'}" as the store's owner`);
  }
}

/**
 * Applies every migration not yet applied, each in its own transaction, while holding the
 * migration advisory lock on this connection (a second process waits for it, then finds the
 * versions applied), and returns the versions it applied (none when the store is current).
 */
export function migrate(sql: SyncSql): number[] {
  sql.query('SELECT pg_advisory_lock(hashtext($1))', ['runbook.migrate']);
  try {
    sql.transaction([
      { sql: 'CREATE SCHEMA IF NOT EXISTS runbook' },
      { sql: 'CREATE TABLE IF NOT EXISTS runbook.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), applied_by name NOT NULL DEFAULT session_user)' },
    ]);
    const done = new Set(sql.query('SELECT version FROM runbook.schema_version').rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (let version = 1; version <= migrations.length; version++) {
      if (done.has(version)) continue;
      sql.transaction([{ sql: migrations[version - 1]! }, { sql: 'INSERT INTO runbook.schema_version (version) VALUES ($1)', params: [version] }]);
      applied.push(version);
    }
    return applied;
  } finally {
    try {
      sql.query('SELECT pg_advisory_unlock(hashtext($1))', ['runbook.migrate']);
    } catch {
      // A dropped connection released the lock with it.
    }
  }
}

/**
 * Creates the roles and grants: runbook_writer may read everything and INSERT events (never
 * UPDATE or DELETE them), keep the projection, leases, snapshots and check results;
 * runbook_reader may only read. `writers` and `readers` are login roles granted membership.
 */
export function grantRoles(sql: SyncSql, writers: readonly string[] = [], readers: readonly string[] = []): void {
  const statements = [
    `DO $do$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${WRITER_ROLE}') THEN CREATE ROLE ${WRITER_ROLE} NOLOGIN; END IF; END $do$`,
    `DO $do$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN CREATE ROLE ${READER_ROLE} NOLOGIN; END IF; END $do$`,
    `GRANT USAGE ON SCHEMA runbook TO ${WRITER_ROLE}, ${READER_ROLE}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA runbook TO ${WRITER_ROLE}, ${READER_ROLE}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON runbook.events FROM ${WRITER_ROLE}, ${READER_ROLE}`,
    `GRANT INSERT ON runbook.events TO ${WRITER_ROLE}`,
    `GRANT INSERT, UPDATE ON runbook.sessions TO ${WRITER_ROLE}`,
    `GRANT INSERT, UPDATE ON runbook.leases TO ${WRITER_ROLE}`,
    `GRANT INSERT, UPDATE, DELETE ON runbook.snapshots TO ${WRITER_ROLE}`,
    `GRANT INSERT ON runbook.check_results TO ${WRITER_ROLE}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA runbook TO ${WRITER_ROLE}`,
    `GRANT EXECUTE ON FUNCTION runbook.append(text, integer, text, bigint, jsonb, jsonb) TO ${WRITER_ROLE}`,
    `GRANT EXECUTE ON FUNCTION runbook.import(text, integer, text, jsonb, jsonb) TO ${WRITER_ROLE}`,
    `GRANT INSERT ON runbook.branches TO ${WRITER_ROLE}`,
  ];
  sql.transaction(statements.map((statement) => ({ sql: statement })));
  for (const [roles, group] of [[writers, WRITER_ROLE], [readers, READER_ROLE]] as const) {
    for (const role of roles) {
      if (!/^[a-z_][a-z0-9_$]*$/i.test(role)) throw new OperatorError(`"${role}" is not a plain PostgreSQL role name`);
      // A role name cannot be a bound parameter; it is checked above and quoted as an identifier.
      sql.query(`GRANT ${group} TO "${role}"`);
    }
  }
}
