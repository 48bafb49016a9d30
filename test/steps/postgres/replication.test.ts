/** A real streaming standby: replicationLag on the primary, recovery state and recovery point on the standby. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { createCluster, freePort, runPgBinary, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from './context.js';

let primary: TestCluster;
let standbyDir: string;
let standbyPort: number;
let standbyStarted = false;
const ctx = () => stepContext({ primary: { url: primary.urlFor('control') }, standby: { url: `postgres://postgres@127.0.0.1:${standbyPort}/control` } });
const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const run = (name: string, input: unknown) => providers[name]!.run(parse(name, input), ctx());

beforeAll(async () => {
  primary = await createCluster({ archive: false });
  standbyDir = join(primary.baseDir, 'standby');
  standbyPort = await freePort();
  await runPgBinary(primary.binDir, 'pg_basebackup', ['-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast', '-h', primary.socketDir, '-p', String(primary.port), '-U', 'postgres']);
  appendFileSync(join(standbyDir, 'postgresql.auto.conf'), `port = ${standbyPort}\n`);
  await runPgBinary(primary.binDir, 'pg_ctl', ['-D', standbyDir, '-l', join(primary.baseDir, 'standby.log'), '-w', 'start']);
  standbyStarted = true;
  await primary.query('CREATE TABLE t(x int); INSERT INTO t VALUES (1)', [], 'control');
});
afterAll(async () => {
  if (standbyStarted) await runPgBinary(primary.binDir, 'pg_ctl', ['-D', standbyDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  await primary?.destroy();
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('with a streaming standby', () => {
  it('replicationLag on the primary counts the replica and its lag', async () => {
    await waitFor(async () => (await run('postgres.replicationLag', { database: 'primary', minReplicas: 1 })).ok);
    const result = await run('postgres.replicationLag', { database: 'primary', minReplicas: 1, maxLag: '1m', maxBytes: 16_000_000 });
    expect(result).toMatchObject({ ok: true, outputs: { replicas: 1 } });
    expect(result.detail).toContain('1 replica (');
    expect(result.detail).toContain('streaming');
  });

  it('the standby is in recovery and read-only, and reports how far it replayed', async () => {
    expect(await run('postgres.inRecovery', { database: 'standby', expect: true })).toMatchObject({ ok: true, outputs: { inRecovery: true } });
    expect(await run('postgres.readOnly', { database: 'standby' })).toMatchObject({ ok: true, outputs: { readOnly: true } });
    const connection = await run('postgres.connection', { database: 'standby' });
    const primaryConnection = await run('postgres.connection', { database: 'primary' });
    expect(connection.outputs.inRecovery).toBe(true);
    expect(connection.outputs.systemIdentifier).toBe(primaryConnection.outputs.systemIdentifier);
    await waitFor(async () => (await run('postgres.recoveryPoint', { database: 'standby' })).ok);
    const point = await run('postgres.recoveryPoint', { database: 'standby', target: new Date(Date.now() + 60_000).toISOString() });
    expect(point.ok).toBe(true);
    expect(point.outputs.gapSeconds as number).toBeGreaterThan(0);
    const lag = await run('postgres.replicationLag', { database: 'standby', maxLag: '1h' });
    expect(lag).toMatchObject({ ok: true, outputs: { replicas: 0 } });
    expect(lag.detail).toContain('This server is a standby');
  });
});
