import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from './context.js';

let cluster: TestCluster;
const ctx = (timeoutMs?: number) => stepContext({ live: { url: cluster.urlFor('control') } }, { timeoutMs });
const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const run = (name: string, input: unknown, timeoutMs?: number) => providers[name]!.run(parse(name, input), ctx(timeoutMs));

beforeAll(async () => {
  cluster = await createCluster();
  await cluster.query(
    `CREATE TABLE orders(id int PRIMARY KEY, status text, total numeric);
     INSERT INTO orders VALUES (1, 'paid', 10.5), (2, 'open', 3), (3, 'paid', 7);
     CREATE TABLE schema_migrations(version varchar PRIMARY KEY);
     INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240315120000');
     CREATE TABLE flyway_schema_history(installed_rank int PRIMARY KEY, version varchar, success boolean);
     INSERT INTO flyway_schema_history VALUES (1, '1.9', true), (2, '1.10', true), (3, NULL, true), (4, '1.11', false);
     CREATE TABLE knex_migrations(id serial PRIMARY KEY, name varchar);
     INSERT INTO knex_migrations(name) VALUES ('20240101_init.js'), ('20240201_add_orders.js');
     CREATE SCHEMA app; CREATE TABLE app.versions(n bigint); INSERT INTO app.versions VALUES (7), (42);`,
    [],
    'control',
  );
});
afterAll(async () => {
  await cluster?.destroy();
});

describe('every provider definition', () => {
  it('has an implementation', () => {
    expect(definitions.map((d) => d.name).filter((name) => !providers[name])).toEqual([]);
  });
});

describe('postgres.connection', () => {
  it('reports version, system identifier and recovery state', async () => {
    const result = await run('postgres.connection', { database: 'live' });
    expect(result.ok).toBe(true);
    expect(result.outputs.serverVersion).toMatch(/^15\./);
    expect(result.outputs.systemIdentifier).toMatch(/^\d{10,}$/);
    expect(result.outputs).toMatchObject({ inRecovery: false, database: 'control', user: 'postgres' });
    expect(result.detail).toContain('primary (not in recovery)');
  });
});

describe('postgres.query', () => {
  it('passes when row count and value hold, with params bound as $1', async () => {
    const result = await run('postgres.query', {
      database: 'live',
      sql: 'SELECT count(*) AS n FROM orders WHERE status = $1',
      params: ['paid'],
      expect: { rows: { equals: 1 }, value: { equals: 2, min: '1' } },
    });
    expect(result).toMatchObject({ ok: true, outputs: { rowCount: 1, value: '2' }, expected: 'rows = 1, value = 2, value >= 1' });
  });

  it('fails with the observed value when the expectation does not hold', async () => {
    const result = await run('postgres.query', { database: 'live', sql: 'SELECT status FROM orders ORDER BY id', column: 'status', expect: { rows: { max: 2 }, value: { matches: '^op' } } });
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.detail).toContain('rows is 3, expected at most 2');
    expect(result.detail).toContain('value "paid" does not match /^op/');
  });

  it('compares with notEquals and a column by position, and keeps rows', async () => {
    const result = await run('postgres.query', { database: 'live', sql: 'SELECT id, status FROM orders ORDER BY id', column: 1, expect: { value: { notEquals: 'open' } } });
    expect(result.ok).toBe(true);
    expect(result.outputs.value).toBe('paid');
    expect((result.outputs.rows as unknown[]).length).toBe(3);
  });

  it('runs read-only: a write in a check fails and changes nothing', async () => {
    const result = await run('postgres.query', { database: 'live', sql: "UPDATE orders SET status = 'x' RETURNING id" });
    expect(result.failure?.class).toBe('conflict');
    expect((await cluster.query("SELECT count(*)::int AS n FROM orders WHERE status = 'x'", [], 'control'))[0].n).toBe(0);
  });

  it('names the columns when the asked one is missing', async () => {
    const result = await run('postgres.query', { database: 'live', sql: 'SELECT 1 AS a', column: 'b' });
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('use one of: a');
  });
});

describe('postgres.migrationVersion', () => {
  it.each([
    [{ preset: 'schema_migrations' }, '20240315120000'],
    [{ preset: 'flyway_schema_history' }, '1.10'],
    [{ preset: 'knex_migrations' }, '20240201_add_orders.js'],
    [{ table: 'app.versions', column: 'n' }, '42'],
  ])('reads %j', async (which, version) => {
    const result = await run('postgres.migrationVersion', { database: 'live', ...which });
    expect(result).toMatchObject({ ok: true, outputs: { version } });
  });

  it('compares versions segment by segment (1.10 >= 1.9) and fails below atLeast', async () => {
    expect((await run('postgres.migrationVersion', { database: 'live', preset: 'flyway_schema_history', expect: { atLeast: '1.9' } })).ok).toBe(true);
    const low = await run('postgres.migrationVersion', { database: 'live', preset: 'flyway_schema_history', expect: { atLeast: '1.11' } });
    expect(low.ok).toBe(false);
    expect(low.detail).toContain('version is 1.10, expected at least 1.11');
    const exact = await run('postgres.migrationVersion', { database: 'live', preset: 'schema_migrations', expect: { equals: '20240101000000' } });
    expect(exact.ok).toBe(false);
  });

  it('refuses both a preset and a table', () => {
    expect(() => parse('postgres.migrationVersion', { database: 'live', preset: 'knex_migrations', table: 't', column: 'c' })).toThrow();
  });
});

describe('postgres.invalidIndexes', () => {
  it('passes with none, then finds one left by a failed CREATE INDEX CONCURRENTLY', async () => {
    expect(await run('postgres.invalidIndexes', { database: 'live' })).toMatchObject({ ok: true, outputs: { count: 0 } });
    await cluster.query("INSERT INTO orders VALUES (4, 'paid', 7)", [], 'control');
    await expect(cluster.query('CREATE UNIQUE INDEX CONCURRENTLY orders_total_key ON orders(total)', [], 'control')).rejects.toThrow(/could not create unique index/);
    const result = await run('postgres.invalidIndexes', { database: 'live' });
    expect(result).toMatchObject({ ok: false, outputs: { count: 1, indexes: [{ schema: 'public', index: 'orders_total_key', table: 'orders' }] } });
    expect(await run('postgres.invalidIndexes', { database: 'live', schemas: ['app'] })).toMatchObject({ ok: true, outputs: { count: 0 } });
    await cluster.query('DROP INDEX orders_total_key', [], 'control');
  });
});

describe('postgres.readOnly and postgres.inRecovery', () => {
  it('reports a writable primary', async () => {
    expect(await run('postgres.readOnly', { database: 'live' })).toMatchObject({ ok: false, outputs: { readOnly: false } });
    expect(await run('postgres.readOnly', { database: 'live', expect: false })).toMatchObject({ ok: true });
    expect(await run('postgres.inRecovery', { database: 'live', expect: false })).toMatchObject({ ok: true, outputs: { inRecovery: false } });
    expect(await run('postgres.inRecovery', { database: 'live', expect: 'true' })).toMatchObject({ ok: false });
  });
});

describe('postgres.recoveryPoint', () => {
  it('fails on a server that replayed nothing, and uses the fallback sql when given', async () => {
    const none = await run('postgres.recoveryPoint', { database: 'live' });
    expect(none.ok).toBe(false);
    expect(none.detail).toContain('give the step a `sql`');
    const result = await run('postgres.recoveryPoint', {
      database: 'live',
      sql: "SELECT timestamptz '2024-05-01 10:00:00+00'",
      target: '2024-05-01T10:05:00Z',
    });
    expect(result).toMatchObject({ ok: true, outputs: { recoveryPoint: '2024-05-01T10:00:00.000Z', target: '2024-05-01T10:05:00.000Z', gapSeconds: 300 } });
  });

  it('fails when replay went past the target (the copy holds what the target was meant to exclude)', async () => {
    const past = await run('postgres.recoveryPoint', { database: 'live', sql: "SELECT timestamptz '2024-05-01 10:00:02+00'", target: '2024-05-01T10:00:00Z' });
    expect(past).toMatchObject({ ok: false, expected: 'at or before 2024-05-01T10:00:00.000Z', outputs: { gapSeconds: -2 } });
  });
});

describe('postgres.replicationLag', () => {
  it('counts zero replicas and fails when one is required', async () => {
    expect(await run('postgres.replicationLag', { database: 'live', maxLag: '1m' })).toMatchObject({ ok: true, outputs: { replicas: 0, maxLagSeconds: 0, maxLagBytes: 0 } });
    const result = await run('postgres.replicationLag', { database: 'live', minReplicas: 1 });
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('0 replicas streaming, expected at least 1');
  });
});

describe('postgres.archiver', () => {
  it('passes once a WAL segment is archived, fails when older than maxAge, and fails while archiving fails', async () => {
    await cluster.query('SELECT pg_switch_wal()');
    await waitFor(async () => (await cluster.query('SELECT archived_count FROM pg_stat_archiver'))[0].archived_count > 0);
    const fresh = await run('postgres.archiver', { database: 'live', maxAge: '1h' });
    expect(fresh.ok).toBe(true);
    expect(fresh.outputs.lastArchivedWal).toMatch(/^[0-9A-F]{24}$/);
    expect(fresh.outputs.failedCount).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await run('postgres.archiver', { database: 'live', maxAge: '1s' });
    expect(stale.ok).toBe(false);
    expect(stale.detail).toContain('more than 1s');

    await cluster.query("ALTER SYSTEM SET archive_command = 'false'");
    await cluster.query('SELECT pg_reload_conf()');
    await cluster.query('CREATE TABLE wal_filler AS SELECT 1 AS x', [], 'control');
    await cluster.query('SELECT pg_switch_wal()');
    await waitFor(async () => (await cluster.query('SELECT failed_count FROM pg_stat_archiver'))[0].failed_count > 0);
    const failing = await run('postgres.archiver', { database: 'live', maxAge: '1h' });
    expect(failing.ok).toBe(false);
    expect(failing.outputs.failedCount).toBeGreaterThan(0);
    expect(failing.detail).toContain('archiving is failing');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
