/**
 * Setting up and looking at the shared store (`runbook store init|migrate|status`): migrations,
 * the writer and reader roles, and what the connecting role may do, as the server reports it.
 */
import type { RunbooksFile } from '../runbooks/schema.js';
import { grantRoles, migrate, PG_SCHEMA_VERSION, READER_ROLE, schemaVersion, WRITER_ROLE } from '../state/postgres/schema.js';
import { serverAddress, storeLocation } from '../state/postgres/store-location.js';
import { SyncSql } from '../state/postgres/sync-sql.js';

export interface StoreStatus {
  readonly location: string;
  readonly server: string;
  readonly connectedAs: string;
  readonly schemaVersion: number;
  readonly buildVersion: number;
  readonly roles: { readonly writer: boolean; readonly reader: boolean };
  /** What the connecting role may do to events, by its grants (the trigger refuses changes for everyone). */
  readonly privileges: { readonly insertEvents: boolean; readonly updateEvents: boolean; readonly deleteEvents: boolean };
  readonly sessions: number;
  readonly events: number;
  /** Environments whose Postgres connections point at the store's own server: a restore there would take the log down with it. */
  readonly sharedWithEnvironments: readonly string[];
}

/** Creates or upgrades the schema and the roles; `writers`/`readers` are login roles granted membership. */
export function initStore(url: string, options: { readonly writers?: readonly string[]; readonly readers?: readonly string[] } = {}): { applied: number[]; version: number } {
  const sql = connect(url);
  try {
    const applied = migrate(sql);
    grantRoles(sql, options.writers ?? [], options.readers ?? []);
    return { applied, version: schemaVersion(sql) };
  } finally {
    sql.close();
  }
}

/** Applies the migrations this build has and the store lacks. */
export function migrateStore(url: string): { applied: number[]; version: number } {
  const sql = connect(url);
  try {
    const applied = migrate(sql);
    return { applied, version: schemaVersion(sql) };
  } finally {
    sql.close();
  }
}

export function storeStatus(url: string, file?: RunbooksFile): StoreStatus {
  const sql = connect(url);
  try {
    const about = sql.query(`SELECT version() AS server, session_user AS who, inet_server_port() AS port, current_database() AS db,
      EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS writer, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2) AS reader`, [WRITER_ROLE, READER_ROLE]).rows[0]!;
    const version = schemaVersion(sql);
    const privilege = (kind: string) =>
      version === 0 ? false : sql.query(`SELECT has_table_privilege('runbook.events', $1) AS allowed`, [kind]).rows[0]!.allowed === true;
    const count = (table: string) => (version === 0 ? 0 : Number(sql.query(`SELECT count(*) AS n FROM runbook.${table}`).rows[0]!.n));
    return {
      location: storeLocation(url),
      server: String(about.server).split(' on ')[0]!,
      connectedAs: String(about.who),
      schemaVersion: version,
      buildVersion: PG_SCHEMA_VERSION,
      roles: { writer: about.writer === true, reader: about.reader === true },
      privileges: { insertEvents: privilege('INSERT'), updateEvents: privilege('UPDATE'), deleteEvents: privilege('DELETE') },
      sessions: count('sessions'),
      events: count('events'),
      sharedWithEnvironments: file ? environmentsOnServer(file, url) : [],
    };
  } finally {
    sql.close();
  }
}

function connect(url: string): SyncSql {
  return new SyncSql({ url, location: storeLocation(url) });
}

/** Environments with a Postgres connection on the store's server: a restore there would roll the session log back with it. */
export function environmentsOnServer(file: RunbooksFile, url: string): string[] {
  const store = serverAddress(url);
  if (!store) return [];
  return Object.entries(file.environments)
    .filter(([, environment]) => Object.values(environment.postgres).some((connection) => serverAddress(connection.url) === store))
    .map(([name]) => name);
}
