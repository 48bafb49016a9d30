/**
 * shell.pgbackrestInfo, shell.pgbackrestRepos and backup.status against real pgBackRest 2.45: a
 * stanza with two posix repos (repo1: full, diff, incr; repo2: two fulls), then each failure made
 * for real: an unreadable repo, a repo moved away, a missing stanza, an unreachable repo host and
 * a backup of a page corrupted on purpose. Every line the checks print must be what pgBackRest said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers as backupProviders } from '../../../src/steps/backup/index.js';
import { pgbackrestInfo } from '../../../src/steps/shell/backup-checks.js';
import { pgbackrestInfoParams, pgbackrestReposParams } from '../../../src/steps/shell/definitions.js';
import { pgbackrestRepos } from '../../../src/steps/shell/pgbackrest-repos.js';
import { createStanza, labelsIn, type TestStanza } from '../../support/pgbackrest.js';
import { stepContext } from '../postgres/context.js';

let stanza: TestStanza;

beforeAll(async () => {
  stanza = await createStanza({ repos: 2, backups: ['full', 'diff', 'incr', { type: 'full', repo: 2 }, { type: 'full', repo: 2 }] });
});
afterAll(async () => stanza?.cleanup());

const context = (args: readonly string[] = stanza.args) =>
  stepContext({}, { timeoutMs: 30_000, backup: { tool: 'pgbackrest', stanza: 'main', args: [...args] } });
const info = (params: Record<string, unknown> = {}, args?: readonly string[]) =>
  pgbackrestInfo.run(pgbackrestInfoParams.parse({ env: stanza.env, ...params }), context(args));
const repos = (params: Record<string, unknown> = {}, args?: readonly string[]) =>
  pgbackrestRepos.run(pgbackrestReposParams.parse({ env: stanza.env, ...params }), context(args));

describe('pgBackRest read repo by repo', () => {
  it('counts each repo on its own: 1 full in repo1, 2 in repo2, never "3 full"', async () => {
    const result = await info({ minFull: 1, maxAge: '1h' });
    expect(result.ok).toBe(true);
    const [repo1, repo2] = result.outputs.repos as any[];
    expect(repo1).toMatchObject({ repo: 1, status: 'ok', statusCode: 0, problem: null, fullCount: 1, backupCount: 3, lastBackupType: 'incr' });
    expect(repo2).toMatchObject({ repo: 2, status: 'ok', fullCount: 2, backupCount: 2, lastBackupType: 'full' });
    expect(repo1.lastBackupLabel).toBe(labelsIn(await stanza.info(), 1)[2]);
    expect(result.observed).toMatch(/^repo1: last backup \d{8}-\d{6}F_\d{8}-\d{6}I \(incr\) \d+s ago; 1 full of 3; repo2: last backup \d{8}-\d{6}F \(full\) \d+s ago; 2 full of 2$/);
    expect(result.expected).toBe('a successful backup in each repo (repo1, repo2); last backup age <= 1h; full backups >= 1');
    // The weakest repo's figures: a threshold on them holds for both.
    expect(result.outputs.fullCount).toBe(1);
  });

  it('fails minFull: 2 for repo1 alone, naming it', async () => {
    const result = await info({ minFull: 2 });
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.detail).toBe('pgBackRest: repo1: 1 full backup, fewer than 2.');
  });

  it('checks one repo when asked: repo2 has its two fulls', async () => {
    const result = await info({ minFull: 2, repo: 2 });
    expect(result.ok).toBe(true);
    expect((result.outputs.repos as any[]).map((repo) => repo.repo)).toEqual([2]);
    expect(result.outputs.lastBackupLabel).toBe(labelsIn(await stanza.info(), 2)[1]);
  });

  it('an unreadable repo: classified as permission, named, in pgBackRest\'s words; the other repo still reported', async () => {
    const undo = await stanza.makeRepoUnreadable(2);
    try {
      const result = await info({ maxAge: '1h' });
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/^pgBackRest: repo2: permission denied: \[PathOpenError\] unable to list file info for path '.*\/repo2\/backup': \[13\] Permission denied \(pgBackRest status 99\)\.$/);
      expect(result.detail).not.toContain('no successful backup');
      expect(result.failure).toEqual({ class: 'permission', advice: expect.stringMatching(/^repo2: run pgbackrest as the user that owns the repository/) });
      expect(result.observed).toMatch(/^repo1: last backup .* \(incr\) .*; repo2: permission denied: \[PathOpenError\]/);

      const sound = await repos();
      expect(sound.ok).toBe(false);
      expect(sound.failure?.class).toBe('permission');
      expect(sound.outputs.unusableRepos).toEqual([2]);
      // Two repos, one failing: asking for the healthy one passes.
      expect((await repos({ repo: 1 })).ok).toBe(true);
    } finally {
      await undo();
    }
  });

  it('a repo moved away: the stanza is missing there, named', async () => {
    const undo = await stanza.moveRepoAway(2);
    try {
      const result = await info();
      expect(result.ok).toBe(false);
      expect(result.detail).toBe('pgBackRest: repo2: stanza missing: missing stanza path (pgBackRest status 1).');
      expect(result.failure?.class).toBe('not-found');
      expect(result.failure?.advice).toContain('repo2-path');
    } finally {
      await undo();
    }
  });

  it('a stanza that does not exist: not-found, with pgBackRest\'s status for each repo', async () => {
    const result = await info({ stanza: 'nope' });
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toMatch(/^pgBackRest reports stanza "nope": missing stanza path \(repo1: missing stanza path; repo2: missing stanza path\)\. check the stanza name/);
  });

  it('an unreachable repo host: classified as unreachable, named', async () => {
    const config = await stanza.withUnreachableRepo();
    const result = await info({}, [`--config=${config}`]);
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toMatch(/^pgBackRest: repo3: host unreachable: \[HostConnectError\] unable to connect to '127\.0\.0\.1:\d+': \[111\] Connection refused \(pgBackRest status 99\)\.$/);
  });

  it('backup.status reads the same per-repo facts through the environment', async () => {
    const status = backupProviders['backup.status']!;
    // backup.status takes no env: the shim (pgbackrest as the repo owner) goes first on runbook's own PATH.
    const path = process.env.PATH;
    process.env.PATH = stanza.env.PATH;
    let result;
    try {
      result = await status.run({ maxAge: 3600, minFull: 1 }, context());
    } finally {
      process.env.PATH = path;
    }
    expect(result.ok).toBe(true);
    expect(result.outputs).toMatchObject({ tool: 'pgbackrest', fullCount: 1 });
    expect((result.outputs.repos as any[]).map((repo) => [repo.repo, repo.fullCount])).toEqual([[1, 1], [2, 2]]);
  });

  // Last: every later backup of this cluster carries the corrupted page until the table is gone.
  it('a backup of a page corrupted on purpose fails pgbackrestRepos with pgBackRest\'s error list; a clean full supersedes it', async () => {
    expect((await repos()).ok).toBe(true);
    const file = await stanza.corruptTablePage();
    const label = await stanza.backup('full');
    const result = await repos();
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.detail).toContain(`repo1: backup ${label} (full, finished `);
    expect(result.detail).toContain(`has errors detected during backup (pgBackRest error: true; error list: ${file}): page checksum failures, so the live database has corrupted pages`);
    expect(result.outputs.erroredBackups).toEqual([{ repo: 1, label, errorList: [file] }]);

    // Freshness is not what failed: the freshness check reports the flag but passes on the clean backups.
    const fresh = await info({ maxAge: '1h' });
    expect(fresh.ok).toBe(true);
    expect(fresh.observed).toContain('1 flagged with errors');

    await stanza.cluster.query('DROP TABLE corrupt_me');
    await stanza.backup('full');
    const after = await repos();
    expect(after.ok).toBe(true);
    expect(after.outputs.supersededErrored).toBe(1);
    expect(after.detail).toContain('(1 flagged backup superseded by a later clean full backup)');
  });
});
