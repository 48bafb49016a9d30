import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/metadata/index.js';
import { awsContext } from '../../support/aws-context.js';
import { standardSeed, startEc2Emulator, type Ec2Emulator } from '../../support/ec2.js';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';

const NOW = new Date();
const check = providers['metadata.snapshotConsistency']!;
let emulator: Ec2Emulator;
let cluster: TestCluster;

beforeAll(async () => {
  [emulator, cluster] = await Promise.all([startEc2Emulator({ seed: standardSeed(NOW) }), createCluster({ archive: false })]);
  await cluster.query('CREATE TABLE snapshot_records (snapshot_id text PRIMARY KEY, state text NOT NULL, volume_id text)', [], 'control');
  await cluster.query(
    `INSERT INTO snapshot_records VALUES
      ('snap-0a1', 'completed', 'vol-0db'), ('snap-0a2', 'completed', 'vol-0db'), ('snap-0a3', 'completed', 'vol-0db'),
      ('snap-0a4', 'completed', 'vol-0db'), ('snap-0a5', 'pending', 'vol-0db'), ('snap-0gone', 'completed', 'vol-0db'),
      ('snap-0other', 'completed', 'vol-0other')`,
    [],
    'control',
  );
});

afterAll(async () => {
  await emulator?.close();
  await cluster?.destroy();
});

const context = (database = 'control') =>
  awsContext({ ec2: emulator.endpoint, postgres: { meta: { url: cluster.urlFor(database) } } });

describe('metadata.snapshotConsistency', () => {
  it('reports each difference: missing in EC2, missing in the store, state mismatches', async () => {
    const result = await check.run({ database: 'meta', sql: 'SELECT snapshot_id, state, volume_id FROM snapshot_records', volumeIds: ['vol-0db'] }, context());
    expect(result.ok).toBe(false);
    expect(result.outputs).toEqual({
      storeCount: 6,
      ec2Count: 6,
      missingInEc2: ['snap-0gone'],
      missingInStore: ['snap-0bad'],
      stateMismatches: [{ snapshotId: 'snap-0a4', store: 'completed', ec2: 'error' }],
    });
    expect(result.detail).toBe(
      '3 differences between the store (6) and EC2 (6): snap-0gone is in the store (completed) but not in EC2; ' +
        'snap-0bad is in EC2 (completed) but not in the store; snap-0a4 is completed in the store but error in EC2.',
    );
  });

  it('passes when both sides agree', async () => {
    const result = await check.run(
      { database: 'meta', sql: "SELECT snapshot_id, CASE WHEN snapshot_id = 'snap-0a4' THEN 'error' ELSE state END AS state FROM snapshot_records WHERE snapshot_id <> 'snap-0gone' AND volume_id = 'vol-0db' UNION ALL SELECT 'snap-0bad', 'completed'", tags: {} },
      context(),
    );
    expect(result.detail).toBe('The store and EC2 agree on 6 snapshots.');
    expect(result.ok).toBe(true);
  });

  it('scopes EC2 by tags', async () => {
    const result = await check.run({ database: 'meta', sql: "SELECT snapshot_id, state FROM snapshot_records WHERE snapshot_id IN ('snap-0a1','snap-0a2','snap-0a3')", tags: { app: 'orders' } }, context());
    expect(result.outputs.ec2Count).toBe(5);
    expect(result.outputs.missingInStore).toEqual(['snap-0a4', 'snap-0a5']);
  });

  it('refuses a query without snapshot_id and state as invalid input', async () => {
    const result = await check.run({ database: 'meta', sql: 'SELECT snapshot_id AS id FROM snapshot_records' }, context());
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('returned columns id, not snapshot_id and state');
  });

  it('classifies a missing table and an unknown connection', async () => {
    const missing = await check.run({ database: 'meta', sql: 'SELECT snapshot_id, state FROM nowhere' }, context());
    expect(missing.failure?.class).toBe('not-found');
    const unknown = await check.run({ database: 'elsewhere', sql: 'SELECT 1' }, context());
    expect(unknown.failure?.class).toBe('invalid-input');
    expect(unknown.detail).toContain('has no postgres connection "elsewhere"');
  });

  it('classifies EC2 throttling that recovers as a pass with the retries reported', async () => {
    emulator.state.injectFaults({ action: 'DescribeSnapshots', code: 'RequestLimitExceeded', times: 2 });
    const ctx = context();
    const result = await check.run({ database: 'meta', sql: 'SELECT snapshot_id, state FROM snapshot_records', volumeIds: ['vol-0db'] }, ctx);
    expect(result.outputs.ec2Count).toBe(6);
    expect(ctx.progress.filter((line) => line.includes('RequestLimitExceeded'))).toHaveLength(2);
  });
});
