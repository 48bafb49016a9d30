/**
 * The pgBackRest test helper (test/support/pgbackrest.ts) makes what it claims: each case is
 * checked against what real pgBackRest 2.45 and PostgreSQL report, so tests built on it test
 * the product against real output, never against the helper's idea of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStanza, labelsIn, type TestStanza } from '../../support/pgbackrest.js';

let stanza: TestStanza;

beforeAll(async () => {
  stanza = await createStanza({ repos: 2, backups: ['full', 'diff', 'incr', { type: 'full', repo: 2 }] });
});
afterAll(async () => stanza?.cleanup());

const repoStatus = (info: any[], key: number) => info[0].repo.find((repo: any) => repo.key === key)?.status;

describe('createStanza', () => {
  it('takes full, diff and incr backups into repo1 and a full one into repo2', async () => {
    const info = await stanza.info();
    expect(info).toHaveLength(1);
    expect(info[0].name).toBe('main');
    expect(info[0].status).toMatchObject({ code: 0, message: 'ok' });
    expect(info[0].repo.map((repo: any) => [repo.key, repo.status.code])).toEqual([[1, 0], [2, 0]]);
    const types = (repo: number) => info[0].backup.filter((backup: any) => backup.database['repo-key'] === repo).map((backup: any) => backup.type);
    expect(types(1)).toEqual(['full', 'diff', 'incr']);
    expect(types(2)).toEqual(['full']);
    expect(labelsIn(info, 1)[0]).toMatch(/^\d{8}-\d{6}F$/);
    expect(labelsIn(info, 1)[1]).toMatch(/^\d{8}-\d{6}F_\d{8}-\d{6}D$/);
    expect(labelsIn(info, 1)[2]).toMatch(/^\d{8}-\d{6}F_\d{8}-\d{6}I$/);
    expect(info[0].backup.every((backup: any) => backup.error === false)).toBe(true);
  });

  it('archives through pgbackrest archive-push into both repos', async () => {
    const [setting] = await stanza.cluster.query('SHOW archive_command');
    expect(setting.archive_command).toContain('archive-push %p');
    const segment = await stanza.switchWal();
    await waitFor(async () => (await stanza.cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal === segment);
    const archive = (await stanza.info())[0].archive;
    expect(archive.map((entry: any) => [entry.database['repo-key'], entry.max])).toEqual([[1, segment], [2, segment]]);
  });

  it('runs pgbackrest through binDir as the user that owns the repos', async () => {
    const { execFileSync } = await import('node:child_process');
    const output = execFileSync('pgbackrest', [...stanza.args, '--stanza=main', '--output=json', 'info'], { env: { ...process.env, ...stanza.env } });
    expect(JSON.parse(output.toString())[0].repo).toHaveLength(2);
  });

  it('makes a repo unreadable, and undoes it', async () => {
    const undo = await stanza.makeRepoUnreadable(2);
    const broken = await stanza.info();
    expect(repoStatus(broken, 1)).toEqual({ code: 0, message: 'ok' });
    expect(repoStatus(broken, 2).code).toBe(99);
    expect(repoStatus(broken, 2).message).toMatch(/^\[PathOpenError\] unable to list file info for path '.*repo2\/backup': \[13\] Permission denied$/);
    expect(broken[0].status).toMatchObject({ code: 4, message: 'different across repos' });
    await undo();
    expect(repoStatus(await stanza.info(), 2)).toEqual({ code: 0, message: 'ok' });
  });

  it('moves a repo away, and back', async () => {
    const undo = await stanza.moveRepoAway(2);
    const broken = await stanza.info();
    expect(repoStatus(broken, 2)).toEqual({ code: 1, message: 'missing stanza path' });
    expect(labelsIn(broken, 2)).toEqual([]);
    await undo();
    expect(labelsIn(await stanza.info(), 2)).toHaveLength(1);
  });

  it('reports a stanza that does not exist', async () => {
    const info = await stanza.info({ stanza: 'nope' });
    expect(info[0]).toMatchObject({ name: 'nope', status: { code: 1, message: 'missing stanza path' }, backup: [] });
  });

  it('adds a repo whose host is unreachable', async () => {
    const config = await stanza.withUnreachableRepo();
    const info = await stanza.info({ config });
    expect(repoStatus(info, 3).code).toBe(99);
    expect(repoStatus(info, 3).message).toMatch(/^\[HostConnectError\] unable to connect to '127\.0\.0\.1:\d+': \[111\] Connection refused$/);
    expect(repoStatus(info, 1).code).toBe(0);
  });

  it('passes pgbackrest check, and fails it once archiving is broken', async () => {
    expect(await stanza.run(['--stanza=main', 'check'])).toMatchObject({ exitCode: 0 });
    const undo = await stanza.breakArchiving('fail');
    try {
      const [before] = await stanza.cluster.query('SELECT failed_count FROM pg_stat_archiver');
      const check = await stanza.run(['--stanza=main', 'check']);
      expect(check.exitCode).toBe(82);
      expect(check.stderr).toMatch(/ERROR: \[082\]: WAL segment \w+ was not archived before the 10000ms timeout/);
      const [after] = await stanza.cluster.query('SELECT failed_count FROM pg_stat_archiver');
      expect(Number(after.failed_count)).toBeGreaterThan(Number(before.failed_count));
    } finally {
      await undo();
    }
    await waitFor(async () => (await stanza.run(['--stanza=main', 'check'])).exitCode === 0);
  });

  it('stops the archive growing when archiving silently drops segments', async () => {
    const undo = await stanza.breakArchiving('drop');
    try {
      const maxBefore = (await stanza.info())[0].archive[0].max;
      const segment = await stanza.switchWal();
      await waitFor(async () => (await stanza.cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal === segment);
      expect((await stanza.info())[0].archive[0].max).toBe(maxBefore);
      expect(segment > maxBefore).toBe(true);
    } finally {
      await undo();
    }
  });

  // Last: every later full backup of this cluster carries the corrupted page too.
  it('corrupts a heap page so the next backup is flagged error: true', async () => {
    const file = await stanza.corruptTablePage();
    expect(file).toMatch(/^base\/\d+\/\d+$/);
    const result = await stanza.run(['--stanza=main', '--type=full', 'backup']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`WARN: invalid page checksum found in file ${stanza.cluster.dataDir}/${file} at page 0`);
    const backups = (await stanza.info())[0].backup;
    const newest = backups[backups.length - 1];
    expect(newest).toMatchObject({ type: 'full', error: true, database: { 'repo-key': 1 } });
    expect(backups.slice(0, -1).every((backup: any) => backup.error === false)).toBe(true);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
