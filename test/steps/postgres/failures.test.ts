/**
 * Every failure class against a real server: unreachable, bad credentials, permission, not found,
 * invalid input, timeout, cancellation, and throttling that recovers while the provider retries.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { createCluster, freePort, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext, type Connections, type ContextOptions } from './context.js';

const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const run = (connections: Connections, name: string, input: unknown, options?: ContextOptions) =>
  providers[name]!.run(parse(name, input), stepContext(connections, options));

let trusted: TestCluster;
let secured: TestCluster;
let crowded: TestCluster;

beforeAll(async () => {
  [trusted, secured, crowded] = await Promise.all([
    createCluster({ archive: false }),
    createCluster({ archive: false, auth: 'scram', password: 'right-horse-battery' }),
    createCluster({ archive: false, settings: { max_connections: '4', superuser_reserved_connections: '0' } }),
  ]);
  await trusted.query('CREATE TABLE secret(x int); CREATE ROLE reader LOGIN;', [], 'control');
});
afterAll(async () => {
  await Promise.all([trusted?.destroy(), secured?.destroy(), crowded?.destroy()]);
});

describe('failure classes', () => {
  it('unreachable: nothing listens on the port', async () => {
    const port = await freePort();
    const result = await run({ db: { url: `postgres://postgres@127.0.0.1:${port}/postgres` } }, 'postgres.connection', { database: 'db' });
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('unreachable');
    expect(result.failure?.advice).toContain('check that the server is running');
  });

  it('authentication: a wrong password, which never appears in the result', async () => {
    const url = secured.urlFor('postgres', 'postgres', 'wrong-horse-battery');
    const result = await run({ db: { url } }, 'postgres.connection', { database: 'db' }, { secrets: ['wrong-horse-battery'] });
    expect(result.failure?.class).toBe('authentication');
    expect(result.detail).toContain('SQLSTATE 28P01');
    expect(JSON.stringify(result)).not.toContain('wrong-horse-battery');
  });

  it('authentication: no password at all says how to supply one', async () => {
    const saved = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const result = await run({ db: { url: secured.urlFor('postgres') } }, 'postgres.connection', { database: 'db' });
      expect(result.failure?.class).toBe('authentication');
      expect(result.failure?.advice).toContain('PGPASSWORD');
    } finally {
      if (saved !== undefined) process.env.PGPASSWORD = saved;
    }
  });

  it('PGPASSWORD from the environment is honoured, and the right password connects without showing it', async () => {
    process.env.PGPASSWORD = 'right-horse-battery';
    try {
      const result = await run({ db: { url: secured.urlFor('postgres') } }, 'postgres.connection', { database: 'db' });
      expect(result.ok).toBe(true);
    } finally {
      delete process.env.PGPASSWORD;
    }
    const withUrl = await run({ db: { url: secured.url } }, 'postgres.connection', { database: 'db' });
    expect(withUrl.ok).toBe(true);
    expect(JSON.stringify(withUrl)).not.toContain('right-horse-battery');
    expect(withUrl.detail).toContain('postgres:***@127.0.0.1');
  });

  it('permission: a role without grants', async () => {
    const result = await run({ db: { url: trusted.urlFor('control', 'reader') } }, 'postgres.query', { database: 'db', sql: 'SELECT * FROM secret' });
    expect(result.failure?.class).toBe('permission');
    expect(result.detail).toContain('SQLSTATE 42501');
  });

  it('not found: an unknown table, and an unknown database', async () => {
    const table = await run({ db: { url: trusted.urlFor('control') } }, 'postgres.query', { database: 'db', sql: 'SELECT * FROM no_such_table' });
    expect(table.failure?.class).toBe('not-found');
    const database = await run({ db: { url: trusted.urlFor('no_such_db') } }, 'postgres.connection', { database: 'db' });
    expect(database.failure?.class).toBe('not-found');
    expect(database.detail).toContain('3D000');
  });

  it('invalid input: a syntax error, and a connection the environment does not define', async () => {
    const syntax = await run({ db: { url: trusted.urlFor('control') } }, 'postgres.query', { database: 'db', sql: 'SELEC 1' });
    expect(syntax.failure?.class).toBe('invalid-input');
    const unknown = await run({ db: { url: trusted.urlFor('control') } }, 'postgres.query', { database: 'nope', sql: 'SELECT 1' });
    expect(unknown.failure?.class).toBe('invalid-input');
    expect(unknown.detail).toContain('environment "test" has no postgres connection "nope"');
    expect(unknown.failure?.advice).toContain('use one of "db"');
  });

  it('timeout: a statement longer than the bound is stopped at the bound', async () => {
    const started = Date.now();
    const result = await run({ db: { url: trusted.urlFor('control') } }, 'postgres.query', { database: 'db', sql: 'SELECT pg_sleep(5)' }, { timeoutMs: 300 });
    expect(result.failure?.class).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('cancelled: the operator aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await run({ db: { url: trusted.urlFor('control') } }, 'postgres.query', { database: 'db', sql: 'SELECT pg_sleep(5)' }, { signal: controller.signal });
    expect(result.failure?.class).toBe('cancelled');
  });

  it('throttled then recovering: too many connections, released while the provider retries', async () => {
    const held: pg.Client[] = [];
    for (let i = 0; i < 4; i++) {
      const client = new pg.Client({ connectionString: crowded.url });
      await client.connect();
      held.push(client);
    }
    const progress: string[] = [];
    setTimeout(() => void Promise.all(held.map((client) => client.end())), 500);
    const result = await run({ db: { url: crowded.url } }, 'postgres.connection', { database: 'db' }, { progress });
    expect(result.ok).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toContain('too many clients');
    expect(progress[0]).toContain('retrying in');
  });

  it('throttled: still full after every retry is reported as throttled', async () => {
    const held: pg.Client[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const client = new pg.Client({ connectionString: crowded.url });
        await client.connect();
        held.push(client);
      }
      const result = await run({ db: { url: crowded.url } }, 'postgres.connection', { database: 'db' }, { timeoutMs: 30_000 });
      expect(result.failure?.class).toBe('throttled');
      expect(result.detail).toContain('SQLSTATE 53300');
    } finally {
      await Promise.all(held.map((client) => client.end()));
    }
  });
});
