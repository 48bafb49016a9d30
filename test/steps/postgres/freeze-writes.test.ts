import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from './context.js';

let cluster: TestCluster;
const ctx = () => stepContext({ live: { url: cluster.urlFor('control') } });
const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const freeze = providers['postgres.freezeWrites']!;
const unfreeze = providers['postgres.unfreezeWrites']!;

beforeAll(async () => {
  cluster = await createCluster({ archive: false });
  await cluster.query('CREATE TABLE t(x int)', [], 'control');
});
afterAll(async () => {
  await cluster?.destroy();
});

async function canWrite(): Promise<boolean> {
  const client = new pg.Client({ connectionString: cluster.urlFor('control') });
  await client.connect();
  try {
    await client.query('INSERT INTO t VALUES (1)');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '25006') return false;
    throw error;
  } finally {
    await client.end();
  }
}

describe('postgres.freezeWrites / unfreezeWrites', () => {
  it('previews the exact statements with the quoted database name and the current state', async () => {
    const preview = await freeze.preview!(parse('postgres.freezeWrites', { database: 'live', terminateWriters: true }), ctx());
    expect(preview.summary).toBe('Make new sessions of database "control" read-only and disconnect its other sessions');
    expect(preview.details).toContainEqual({ label: 'statement 2', value: 'ALTER DATABASE "control" SET default_transaction_read_only = on' });
    expect(preview.details.find((d) => d.label === 'then')?.value).toContain('$1 = "control"');
    expect(preview.dryRun).toEqual({ ok: true, detail: 'database "control" is currently writable' });
  });

  it('reconcile before the run finds nothing (a crash before the ALTER)', async () => {
    const reconciliation = await freeze.reconcile!(parse('postgres.freezeWrites', { database: 'live' }), ctx());
    expect(reconciliation.found).toBe(false);
  });

  it('freezes: new sessions cannot write, open sessions are disconnected when asked, and readOnly agrees', async () => {
    const open = new pg.Client({ connectionString: cluster.urlFor('control') });
    open.on('error', () => undefined);
    await open.connect();
    const result = await freeze.run(parse('postgres.freezeWrites', { database: 'live', terminateWriters: true }), ctx());
    expect(result).toMatchObject({ ok: true, outputs: { frozen: true, database: 'control' } });
    expect(result.detail).toContain('1 other session was disconnected');
    await expect(open.query('SELECT 1')).rejects.toThrow();
    expect(await canWrite()).toBe(false);
    const check = await providers['postgres.readOnly']!.run(parse('postgres.readOnly', { database: 'live' }), ctx());
    expect(check).toMatchObject({ ok: true, outputs: { readOnly: true } });
  });

  it('a re-run is harmless, and reconcile after a crash between intent and result finds the effect', async () => {
    const again = await freeze.run(parse('postgres.freezeWrites', { database: 'live' }), ctx());
    expect(again.ok).toBe(true);
    const reconciliation = await freeze.reconcile!(parse('postgres.freezeWrites', { database: 'live' }), ctx());
    expect(reconciliation).toEqual({ found: true, outputs: { frozen: true, database: 'control' }, detail: 'database "control" is frozen: the change took effect' });
    const preview = await unfreeze.preview!(parse('postgres.unfreezeWrites', { database: 'live' }), ctx());
    expect(preview.dryRun?.detail).toBe('database "control" is currently frozen (read-only for new sessions)');
  });

  it('unfreezes from a read-only session, idempotently, and reconcile agrees', async () => {
    expect((await unfreeze.reconcile!(parse('postgres.unfreezeWrites', { database: 'live' }), ctx())).found).toBe(false);
    const result = await unfreeze.run(parse('postgres.unfreezeWrites', { database: 'live' }), ctx());
    expect(result).toMatchObject({ ok: true, outputs: { frozen: false, database: 'control' } });
    expect(await canWrite()).toBe(true);
    expect((await unfreeze.run(parse('postgres.unfreezeWrites', { database: 'live' }), ctx())).ok).toBe(true);
    expect((await unfreeze.reconcile!(parse('postgres.unfreezeWrites', { database: 'live' }), ctx())).found).toBe(true);
  });

  it('a role that may not alter the database gets a permission failure', async () => {
    await cluster.query('CREATE ROLE clerk LOGIN');
    const context = stepContext({ live: { url: cluster.urlFor('control', 'clerk') } });
    const result = await freeze.run(parse('postgres.freezeWrites', { database: 'live' }), context);
    expect(result.failure?.class).toBe('permission');
  });

  it('quotes a database name that would break unquoted SQL', async () => {
    await cluster.query('CREATE DATABASE "odd ""name"""');
    const context = stepContext({ odd: { url: cluster.urlFor('odd "name"') } });
    const result = await freeze.run(parse('postgres.freezeWrites', { database: 'odd' }), context);
    expect(result).toMatchObject({ ok: true, outputs: { database: 'odd "name"' } });
    expect((await freeze.reconcile!(parse('postgres.freezeWrites', { database: 'odd' }), context)).found).toBe(true);
  });
});
