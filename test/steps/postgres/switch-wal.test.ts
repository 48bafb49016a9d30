/** postgres.switchWal against a real cluster with WAL archiving (and one without). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import { providers } from '../../../src/steps/postgres/index.js';
import { createCluster, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from './context.js';

let archiving: TestCluster;
let plain: TestCluster;
const switchWal = providers['postgres.switchWal']!;
const params = definitions.find((d) => d.name === 'postgres.switchWal')!.params.parse({ database: 'live' });

beforeAll(async () => {
  [archiving, plain] = await Promise.all([createCluster({ archive: true }), createCluster({ archive: false })]);
});
afterAll(async () => {
  await Promise.all([archiving?.destroy(), plain?.destroy()]);
});

describe('postgres.switchWal', () => {
  it('previews the statement and the archiver state', async () => {
    const preview = await switchWal.preview!(params, stepContext({ live: { url: archiving.url } }));
    expect(preview.summary).toBe('Close the current WAL segment of "live" and wait until it is archived');
    expect(preview.details).toContainEqual({ label: 'statement', value: 'SELECT pg_walfile_name(lsn) AS wal, lsn::text AS lsn FROM pg_switch_wal() AS lsn' });
    expect(preview.dryRun?.ok).toBe(true);
  });

  it('closes the segment holding the latest change and returns once that segment is in the archive', async () => {
    await archiving.query('CREATE TABLE IF NOT EXISTS t(x int)');
    await archiving.query('INSERT INTO t VALUES (1)');
    const result = await switchWal.run(params, stepContext({ live: { url: archiving.url } }));
    expect(result.ok).toBe(true);
    const walFile = result.outputs.walFile as string;
    expect(walFile).toMatch(/^[0-9A-F]{24}$/);
    expect(existsSync(join(archiving.archiveDir, walFile))).toBe(true);
    expect(result.detail).toContain(`(segment ${walFile}) is archived`);
    const [row] = await archiving.query('SELECT last_archived_wal FROM pg_stat_archiver');
    expect(row.last_archived_wal >= walFile).toBe(true);
  });

  it('fails with the fix when archive_mode is off', async () => {
    const result = await switchWal.run(params, stepContext({ live: { url: plain.url } }));
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('expectation');
    expect(result.detail).toContain('archive_mode is off on "live": nothing is archived');
  });
});
