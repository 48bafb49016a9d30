/**
 * shell.pgbackrestCheck and backup.walArchive against real pgBackRest 2.45 and a live PostgreSQL 15
 * archiving through archive-push into two repos: healthy, then archiving broken two ways (an
 * archive-push that fails, and an archive_command that claims success without storing anything),
 * then a repo made unreadable. What they print is what pgBackRest and the server reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walArchive } from '../../../src/steps/backup/wal-archive.js';
import { walArchiveParams } from '../../../src/steps/backup/definitions.js';
import { pgbackrestCheckParams } from '../../../src/steps/shell/definitions.js';
import { pgbackrestCheck } from '../../../src/steps/shell/pgbackrest-check.js';
import { createStanza, type TestStanza } from '../../support/pgbackrest.js';
import { stepContext } from '../postgres/context.js';

let stanza: TestStanza;

beforeAll(async () => {
  stanza = await createStanza({ repos: 2, backups: ['full'] });
});
afterAll(async () => stanza?.cleanup());

const context = () =>
  stepContext({ live: { url: stanza.cluster.url } }, { timeoutMs: 30_000, backup: { tool: 'pgbackrest', stanza: 'main', args: [...stanza.args] } });
const check = (params: Record<string, unknown> = {}) => pgbackrestCheck.run(pgbackrestCheckParams.parse({ env: stanza.env, ...params }), context());

/** backup.walArchive takes no env: the shim (pgbackrest as the repo owner) goes first on runbook's own PATH. */
async function archiveReach(params: Record<string, unknown> = {}) {
  const path = process.env.PATH;
  process.env.PATH = stanza.env.PATH;
  try {
    return await walArchive.run(walArchiveParams.parse({ database: 'live', ...params }), context());
  } finally {
    process.env.PATH = path;
  }
}

async function archivedUpTo(segment: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await stanza.cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal !== segment) {
    if (Date.now() > deadline) throw new Error(`${segment} was not archived in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('pgbackrest check', () => {
  it('passes with the segment pgBackRest archived and the repos it reached', async () => {
    const result = await check();
    expect(result.ok).toBe(true);
    expect(result.outputs.archivedTo).toEqual([1, 2]);
    expect(result.outputs.walSegment).toMatch(/^[0-9A-F]{24}$/);
    expect(result.detail).toMatch(/^pgbackrest check \(stanza main\): WAL segment [0-9A-F]{24} archived to repo1 and repo2 in \d+\.\ds, as pgBackRest reported\.$/);
    // The segment is really in both repos, as info shows.
    const archive = (await stanza.info())[0].archive;
    expect(archive.map((entry: any) => entry.max)).toEqual([result.outputs.walSegment, result.outputs.walSegment]);
  });

  it('fails with pgBackRest\'s ERROR line when archive-push fails', async () => {
    const undo = await stanza.breakArchiving('fail');
    try {
      const result = await check({ archiveTimeout: '3s' });
      expect(result.ok).toBe(false);
      expect(result.outputs.exitCode).toBe(82);
      expect(result.detail).toMatch(/^pgbackrest check failed \(exit code 82\) while checking repo1 archive: ERROR: \[082\]: WAL segment [0-9A-F]{24} was not archived before the 3000ms timeout/);
      expect(result.failure).toEqual({ class: 'expectation', advice: expect.stringContaining('pg_stat_archiver') });
    } finally {
      await undo();
    }
  });

  it('fails naming the repo it could not read, with pgBackRest\'s reason', async () => {
    const undo = await stanza.makeRepoUnreadable(2);
    try {
      const result = await check();
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/^pgbackrest check failed \(exit code 41\) while checking repo2 configuration: ERROR: \[041\]: unable to load info file '.*\/repo2\/archive\/main\/archive\.info'/);
      expect(result.detail).toContain('(FileOpenError: unable to open file');
      expect(result.detail).toContain('[13] Permission denied');
      expect(result.failure?.class).toBe('permission');
    } finally {
      await undo();
    }
  });
});

describe('backup.walArchive: the archive range from pgbackrest info against the live WAL', () => {
  it('passes when every repo holds the segments the server has finished', async () => {
    await archivedUpTo(await stanza.switchWal());
    const result = await archiveReach();
    expect(result.ok).toBe(true);
    expect(result.outputs.segmentsBehind).toBe(0);
    const [{ current }] = await stanza.cluster.query('SELECT pg_walfile_name(pg_current_wal_lsn()) AS current');
    const maxes = (await stanza.info())[0].archive.map((entry: any) => entry.max);
    expect((result.outputs.archives as any[]).map((entry) => [entry.name, entry.walMax, entry.segmentsBehind])).toEqual([['repo1', maxes[0], 0], ['repo2', maxes[1], 0]]);
    expect(result.outputs.lastArchivedWal).toBe(maxes[0]);
    expect(result.detail).toContain(`(LSN `);
    expect(String(result.outputs.currentWal) >= current).toBe(true);
  });

  it('fails when archive_command reports success without storing anything (pg_stat_archiver looks healthy)', async () => {
    const undo = await stanza.breakArchiving('drop');
    try {
      await archivedUpTo(await stanza.switchWal());
      await archivedUpTo(await stanza.switchWal());
      const [archiver] = await stanza.cluster.query('SELECT failed_count, last_archived_wal FROM pg_stat_archiver');
      const result = await archiveReach();
      expect(result.ok).toBe(false);
      expect(result.outputs.segmentsBehind).toBe(2);
      expect(result.detail).toMatch(/^repo1: the archive ends at [0-9A-F]{24}, 2 finished segments behind the live server \(limit 1\): archiving there has stopped or is falling behind; repo2: the archive ends at/);
      // The server believes it archived everything.
      expect(archiver.last_archived_wal > String(result.outputs.lastArchivedWal)).toBe(true);
      expect((await archiveReach({ maxBehind: 2 })).ok).toBe(true);
    } finally {
      await undo();
    }
  });

  it('fails naming a repo pgBackRest cannot read', async () => {
    // Archiving works again: the next finished segment reaches both repos.
    await archivedUpTo(await stanza.switchWal());
    expect((await archiveReach()).ok).toBe(true);
    const undo = await stanza.makeRepoUnreadable(2);
    try {
      const result = await archiveReach();
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/^repo2: permission denied: \[PathOpenError\] .* \[13\] Permission denied \(pgBackRest status 99\)/);
      expect(result.failure?.class).toBe('permission');
      expect((await archiveReach({ repo: 1 })).ok).toBe(true);
    } finally {
      await undo();
    }
  });
});
