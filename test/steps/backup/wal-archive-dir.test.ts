/**
 * backup.walArchive for pg_basebackup environments: the newest segment file in walArchiveDir
 * against the live server's current WAL, on a real PostgreSQL 15 cluster archiving with cp.
 * The backup history file a base backup leaves in the archive is not a segment and is ignored.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walArchiveParams } from '../../../src/steps/backup/definitions.js';
import { walArchive } from '../../../src/steps/backup/wal-archive.js';
import { createCluster, runPgBinary, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from '../postgres/context.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await createCluster();
  // A base backup writes its backup history file (<segment>.<offset>.backup) into the archive.
  await runPgBinary(cluster.binDir, 'pg_basebackup', ['-D', join(cluster.baseDir, 'base'), '-Ft', '-X', 'none', '-c', 'fast', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres']);
});
afterAll(async () => cluster?.destroy());

const context = (walArchiveDir = cluster.archiveDir) =>
  stepContext({ live: { url: cluster.url } }, { backup: { tool: 'pg_basebackup', baseBackupDir: join(cluster.baseDir, 'base'), walArchiveDir } });
const reach = (params: Record<string, unknown> = {}, dir?: string) => walArchive.run(walArchiveParams.parse({ database: 'live', ...params }), context(dir));

async function switchAndWait(): Promise<string> {
  await cluster.query('CREATE TABLE IF NOT EXISTS t (n int)');
  await cluster.query('INSERT INTO t VALUES (1)');
  const [{ segment }] = await cluster.query('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
  const deadline = Date.now() + 20_000;
  while ((await cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal !== segment) {
    if (Date.now() > deadline) throw new Error(`${segment} not archived`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return segment;
}

describe('backup.walArchive on walArchiveDir', () => {
  it('passes when the directory holds every finished segment, ignoring the backup history file', async () => {
    const segment = await switchAndWait();
    expect(readdirSync(cluster.archiveDir).some((name) => name.endsWith('.backup'))).toBe(true);
    const result = await reach();
    expect(result.ok).toBe(true);
    expect(result.outputs).toMatchObject({ lastArchivedWal: segment, segmentsBehind: 0 });
    expect(result.detail).toContain(`${cluster.archiveDir} archive 000000010000000000000001…${segment}, 0 behind`);
  });

  it('fails when archive_command stops storing segments while reporting success', async () => {
    await cluster.query("ALTER SYSTEM SET archive_command = '/bin/true'");
    await cluster.query('SELECT pg_reload_conf()');
    try {
      const before = (await reach()).outputs.lastArchivedWal;
      await switchAndWait();
      await switchAndWait();
      const result = await reach();
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(new RegExp(`^${cluster.archiveDir}: the archive ends at ${before}, 2 finished segments behind the live server \\(limit 1\\)`));
    } finally {
      await cluster.query('ALTER SYSTEM RESET archive_command');
      await cluster.query('SELECT pg_reload_conf()');
    }
  });

  it('says when the directory does not exist', async () => {
    const result = await reach({}, join(cluster.baseDir, 'nowhere'));
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('does not exist');
  });
});
