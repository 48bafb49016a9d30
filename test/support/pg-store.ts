/**
 * Shared session stores for tests: a throwaway PostgreSQL cluster (test/support/pg-cluster.ts)
 * with a `sessions` database, the schema made by `runbook store init`'s own code, and login roles
 * that write as runbook_writer, as a team would set it up.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grantRoles, migrate } from '../../src/state/postgres/schema.js';
import { openPostgresStore, type PostgresEventStore } from '../../src/state/postgres/pg-event-store.js';
import { SyncSql } from '../../src/state/postgres/sync-sql.js';
import { createCluster, type TestCluster } from './pg-cluster.js';

export interface TestStoreServer {
  readonly cluster: TestCluster;
  /** The store's URL as `role` (a login role granted runbook_writer unless it is the owner). */
  url(role?: string): string;
  /** Opens the store as `role`. */
  open(role?: string, options?: { readonly timeoutMs?: number }): PostgresEventStore;
  /** Runs SQL as the owner (postgres). */
  admin(sql: string, params?: unknown[]): Promise<any[]>;
  destroy(): Promise<void>;
}

/** A cluster with the store initialised and `writers` as login roles granted runbook_writer. */
export async function createStoreServer(options: { readonly writers?: readonly string[]; readonly init?: boolean } = {}): Promise<TestStoreServer> {
  const cluster = await createCluster({ archive: false });
  await cluster.query('CREATE DATABASE sessions');
  const writers = options.writers ?? ['alice', 'bob'];
  for (const role of writers) await cluster.query(`CREATE ROLE "${role}" LOGIN`);
  const localDirectory = mkdtempSync(join(tmpdir(), 'runbook-store-local-'));
  const url = (role = 'postgres') => cluster.urlFor('sessions', role);
  if (options.init !== false) {
    const sql = new SyncSql({ url: url(), location: 'test store' });
    try {
      migrate(sql);
      grantRoles(sql, writers);
    } finally {
      sql.close();
    }
  }
  return {
    cluster,
    url,
    open: (role = 'alice', openOptions = {}) => openPostgresStore({ url: url(role), localDirectory, ...openOptions }),
    admin: (sql, params = []) => cluster.query(sql, params, 'sessions'),
    destroy: () => cluster.destroy(),
  };
}
