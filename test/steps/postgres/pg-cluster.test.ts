import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';

describe('test/support/pg-cluster', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await createCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('starts a cluster on loopback with archiving on and a control database', async () => {
    const client = new pg.Client({ connectionString: cluster.urlFor('control') });
    await client.connect();
    try {
      const { rows } = await client.query(
        "select current_database() as db, current_setting('archive_mode') as archive, current_setting('port') as port, inet_server_addr()::text as addr",
      );
      expect(rows[0]).toEqual({ db: 'control', archive: 'on', port: String(cluster.port), addr: '127.0.0.1/32' });
    } finally {
      await client.end();
    }
  });

  it('archives WAL into archiveDir', async () => {
    await cluster.query('create table t(x int); insert into t values (1)');
    const [{ wal }] = await cluster.query('select pg_walfile_name(pg_switch_wal()) as wal');
    for (let i = 0; i < 100 && !existsSync(`${cluster.archiveDir}/${wal}`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`${cluster.archiveDir}/${wal}`)).toBe(true);
  });

  it('destroy removes every file and is safe to repeat', async () => {
    const other = await createCluster({ archive: false });
    await other.destroy();
    await other.destroy();
    expect(existsSync(other.baseDir)).toBe(false);
  });

  it('scram auth refuses a wrong password and accepts the right one', async () => {
    const secure = await createCluster({ auth: 'scram', password: 'right' });
    try {
      const good = new pg.Client({ connectionString: secure.url });
      await good.connect();
      await good.end();
      const bad = new pg.Client({ connectionString: secure.urlFor('postgres', 'postgres', 'wrong') });
      await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await secure.destroy();
    }
  });
});
