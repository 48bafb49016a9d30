/**
 * extractRows on a "restored" database and reapplyRows into the "live" one (two databases of one
 * throwaway cluster): artifacts, preview counts, one transaction, idempotent re-runs, reconcile.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext, tempDir } from './context.js';

let cluster: TestCluster;
let artifactsDir: string;
const ctx = () => stepContext({ live: { url: cluster.urlFor('control') }, restored: { url: cluster.urlFor('restored') } }, { artifactsDir, stepId: 'extract-orders' });
const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const extract = providers['postgres.extractRows']!;
const reapply = providers['postgres.reapplyRows']!;

const TABLE = `CREATE TABLE orders(
  id bigint PRIMARY KEY, note text, amount numeric(10,2), placed timestamptz, data jsonb, blob bytea,
  CONSTRAINT amount_small CHECK (amount < 1000))`;

beforeAll(async () => {
  cluster = await createCluster({ archive: false });
  await cluster.query('CREATE DATABASE restored');
  await cluster.query(TABLE, [], 'restored');
  await cluster.query(
    `INSERT INTO orders VALUES
      (1, 'plain', 1.50, '2024-05-01 10:00:00+00', '{"a": 1}', '\\x00ff'),
      (2, 'it''s \\ quoted', 2.00, '2024-05-01 10:01:00.123456+00', '[]', NULL),
      (3, NULL, 3.25, NULL, NULL, NULL),
      (4, 'changed later', 4.00, '2024-05-01 10:03:00+00', '{}', NULL)`,
    [],
    'restored',
  );
  await cluster.query(TABLE, [], 'control');
});
afterAll(async () => {
  await cluster?.destroy();
});
beforeEach(async () => {
  artifactsDir = tempDir();
  // The live database lost rows 1 and 2, and row 4 changed since.
  await cluster.query("TRUNCATE orders; INSERT INTO orders VALUES (3, NULL, 3.25, NULL, NULL, NULL), (4, 'edited', 4.00, '2024-05-01 10:03:00+00', '{}', NULL)", [], 'control');
});

async function extractAll() {
  const params = parse('postgres.extractRows', { database: 'restored', sql: 'SELECT * FROM orders WHERE id >= $1 ORDER BY id', params: [1], table: 'public.orders', key: ['id'] });
  return extract.run(params, ctx());
}

describe('postgres.extractRows', () => {
  it('previews the query, its parameters and the files it writes', async () => {
    const preview = await extract.preview!(parse('postgres.extractRows', { database: 'restored', sql: 'SELECT * FROM orders WHERE id >= $1', params: [1], table: 'orders', key: ['id'], name: 'lost-orders' }), ctx());
    expect(preview.details).toContainEqual({ label: '$1', value: '1' });
    expect(preview.details).toContainEqual({ label: 'writes', value: `${artifactsDir}/lost-orders.json, ${artifactsDir}/lost-orders.sql` });
  });

  it('writes a JSON artifact with text values and a SQL artifact with escaped literals', async () => {
    const result = await extractAll();
    expect(result).toMatchObject({ ok: true, outputs: { rowCount: 4, jsonArtifact: `${artifactsDir}/extract-orders.json`, columns: ['id', 'note', 'amount', 'placed', 'data', 'blob'] } });
    expect(result.artifacts).toEqual(['extract-orders.json', 'extract-orders.sql']);
    const artifact = JSON.parse(readFileSync(`${artifactsDir}/extract-orders.json`, 'utf8'));
    expect(artifact).toMatchObject({ format: 'runbook-rows/1', table: 'public.orders', key: ['id'] });
    expect(artifact.rows[0]).toEqual({ id: '1', note: 'plain', amount: '1.50', placed: '2024-05-01 10:00:00+00', data: '{"a": 1}', blob: '\\x00ff' });
    expect(artifact.rows[1].placed).toBe('2024-05-01 10:01:00.123456+00');
    const sql = readFileSync(`${artifactsDir}/extract-orders.sql`, 'utf8');
    expect(sql).toContain(`INSERT INTO "public"."orders" ("id", "note", "amount", "placed", "data", "blob") VALUES ('1', 'plain', '1.50', '2024-05-01 10:00:00+00', '{"a": 1}', E'\\\\x00ff') ON CONFLICT DO NOTHING;`);
    expect(sql).toContain(`E'it''s \\\\ quoted'`);
    expect(sql).toContain(`VALUES ('3', NULL, '3.25', NULL, NULL, NULL)`);
  });

  it('reconcile finds the artifact once written', async () => {
    const params = parse('postgres.extractRows', { database: 'restored', sql: 'SELECT * FROM orders', table: 'orders', key: ['id'] });
    expect((await extract.reconcile!(params, ctx())).found).toBe(false);
    await extract.run(params, ctx());
    expect(await extract.reconcile!(params, ctx())).toMatchObject({ found: true, outputs: { rowCount: 4 } });
  });

  it('refuses a key the query does not return', async () => {
    const result = await extract.run(parse('postgres.extractRows', { database: 'restored', sql: 'SELECT note FROM orders', table: 'orders', key: ['id'] }), ctx());
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('does not return the key column id');
  });
});

describe('postgres.reapplyRows', () => {
  it('previews missing and different rows and asks to confirm the count to write', async () => {
    const { outputs } = await extractAll();
    const preview = await reapply.preview!(parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact }), ctx());
    expect(preview.confirmValue).toBe('2');
    expect(preview.dryRun).toEqual({ ok: true, detail: '2 missing, 1 different, 1 unchanged' });
    expect(preview.details).toContainEqual({ label: 'missing rows', value: '2: id=1; id=2' });
    const upsert = await reapply.preview!(parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact, mode: 'upsert' }), ctx());
    expect(upsert.confirmValue).toBe('3');
    expect(upsert.details.find((d) => d.label.startsWith('update'))?.value).toBe('UPDATE "public"."orders" SET "note" = $1, "amount" = $2, "placed" = $3, "data" = $4, "blob" = $5 WHERE "id" = $6');
  });

  it('inserts the missing rows exactly, leaves changed rows in insert-missing mode, and a re-run writes nothing', async () => {
    const { outputs } = await extractAll();
    const params = parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact });
    expect((await reapply.reconcile!(params, ctx())).found).toBe(false);
    const result = await reapply.run(params, ctx());
    expect(result).toMatchObject({ ok: true, outputs: { inserted: 2, updated: 0, unchanged: 1 } });
    expect(result.detail).toContain('1 different rows left as they are');
    const rows = await cluster.query("SELECT id, note, amount::text, placed, data, encode(blob, 'hex') AS blob FROM orders ORDER BY id", [], 'control');
    expect(rows.map((row) => row.note)).toEqual(['plain', "it's \\ quoted", null, 'edited']);
    expect(rows[0]).toMatchObject({ amount: '1.50', data: { a: 1 }, blob: '00ff' });
    expect((rows[1].placed as Date).toISOString()).toBe('2024-05-01T10:01:00.123Z');
    const again = await reapply.run(params, ctx());
    expect(again.outputs).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
    // A crash after commit but before the result was recorded: reconcile finds every row present.
    expect(await reapply.reconcile!(params, ctx())).toMatchObject({ found: true, outputs: { inserted: 0, updated: 0, unchanged: 4 } });
  });

  it('upsert also rewrites the changed row', async () => {
    const { outputs } = await extractAll();
    const params = parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact, mode: 'upsert' });
    expect(await reapply.run(params, ctx())).toMatchObject({ ok: true, outputs: { inserted: 2, updated: 1, unchanged: 1 } });
    expect((await cluster.query('SELECT note FROM orders WHERE id = 4', [], 'control'))[0].note).toBe('changed later');
    expect((await reapply.reconcile!(params, ctx())).found).toBe(true);
  });

  it('writes in one transaction: a row the target refuses rolls back all of them, and reconcile says not applied', async () => {
    const { outputs } = await extractAll();
    await cluster.query('ALTER TABLE orders DROP CONSTRAINT amount_small; ALTER TABLE orders ADD CONSTRAINT amount_tiny CHECK (amount < 2) NOT VALID', [], 'control');
    try {
      const params = parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact });
      const result = await reapply.run(params, ctx());
      expect(result.ok).toBe(false);
      expect(result.failure?.class).toBe('conflict');
      expect((await cluster.query('SELECT count(*)::int AS n FROM orders', [], 'control'))[0].n).toBe(2);
      expect((await reapply.reconcile!(params, ctx())).found).toBe(false);
    } finally {
      await cluster.query('ALTER TABLE orders DROP CONSTRAINT amount_tiny', [], 'control');
    }
  });

  it('a missing table in the target is not-found, a bad artifact path is invalid-input', async () => {
    const { outputs } = await extractAll();
    await cluster.query('ALTER TABLE orders RENAME TO orders_old', [], 'control');
    try {
      const result = await reapply.run(parse('postgres.reapplyRows', { database: 'live', rows: outputs.jsonArtifact }), ctx());
      expect(result.failure?.class).toBe('not-found');
    } finally {
      await cluster.query('ALTER TABLE orders_old RENAME TO orders', [], 'control');
    }
    const missing = await reapply.run(parse('postgres.reapplyRows', { database: 'live', rows: 'nope.json' }), ctx());
    expect(missing.failure?.class).toBe('invalid-input');
    expect(missing.detail).toContain(`no rows artifact at ${artifactsDir}/nope.json`);
  });
});
