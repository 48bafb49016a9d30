/**
 * Choosing the backup a restore starts from, as each tool chooses it, on catalogues shaped like
 * the tools' own output (the pgBackRest JSON below is what `pgbackrest info --output=json` 2.45
 * printed for a two-repo stanza; the integration tests run the real thing). Also the small
 * parsers of tool output: pgBackRest's "restore backup set" line and error lines, the server log.
 */
import { describe, expect, it } from 'vitest';
import { toolError, programName } from '../../../src/steps/postgres/restore/commands.js';
import { parsePgbackrestSets } from '../../../src/steps/postgres/restore/pgbackrest-sets.js';
import { withInfoLogging } from '../../../src/steps/postgres/restore/plan.js';
import { restoredSetOf } from '../../../src/steps/postgres/restore/restore-backup.js';
import { chooseBaseBackup, choosePgbackrestSet, chooseWalgBackup, cleanAlternative } from '../../../src/steps/postgres/restore/select-backup.js';
import { adviceFor, fatalLine, parseLogTimestamp, recoveryFacts } from '../../../src/steps/postgres/server-log.js';
import type { BaseBackup } from '../../../src/steps/backup/base-backups.js';

const epoch = (iso: string) => Date.parse(iso) / 1000;
const set = (label: string, repo: number, start: string, stop: string, extra: Record<string, unknown> = {}) => ({
  label,
  type: label.endsWith('F') ? 'full' : label.endsWith('D') ? 'diff' : 'incr',
  error: false,
  timestamp: { start: epoch(start), stop: epoch(stop) },
  database: { id: 1, 'repo-key': repo },
  ...extra,
});
const info = (backups: unknown[], repos: Array<{ key: number; code?: number; message?: string }> = [{ key: 1 }, { key: 2 }]) => [
  {
    name: 'main',
    status: { code: 0, message: 'ok' },
    repo: repos.map((repo) => ({ key: repo.key, cipher: 'none', status: { code: repo.code ?? 0, message: repo.message ?? 'ok' } })),
    backup: backups,
  },
];

const twoRepos = info([
  set('20261201-100000F', 1, '2026-12-01T10:00:00Z', '2026-12-01T10:00:05Z'),
  set('20261201-110000F', 2, '2026-12-01T11:00:00Z', '2026-12-01T11:00:05Z'),
  set('20261201-100000F_20261201-120000I', 1, '2026-12-01T12:00:00Z', '2026-12-01T12:00:05Z'),
]);

describe('choosing the pgBackRest set as pgbackrest restore does', () => {
  const sets = parsePgbackrestSets(twoRepos, 'main');

  it('takes the newest set in repo1 that stopped before the target, even when repo2 has a nearer one', () => {
    const choice = choosePgbackrestSet(sets, { target: new Date('2026-12-01T11:30:00Z') });
    expect(choice).toMatchObject({ label: '20261201-100000F', repo: 'repo1', hasErrors: false });
    expect(choice.reason).toBe('the newest set in repo1 that stopped before the target, as pgbackrest restore chooses');
    expect(choosePgbackrestSet(sets, { target: new Date('2026-12-01T13:00:00Z') }).label).toBe('20261201-100000F_20261201-120000I');
  });

  it('compares whole seconds, as pgBackRest reads the target: a stop in the same second does not count', () => {
    expect(() => choosePgbackrestSet(sets, { target: new Date('2026-12-01T10:00:05.900Z'), args: ['--repo=1'] })).toThrow('no pgBackRest backup set stopped before the target 2026-12-01T10:00:05.900Z');
    expect(choosePgbackrestSet(sets, { target: new Date('2026-12-01T10:00:06Z') }).label).toBe('20261201-100000F');
  });

  it('goes on to repo2 when repo1 has nothing old enough, and honours --repo in backup.args', () => {
    const early = parsePgbackrestSets(info([set('20261201-100000F', 1, '2026-12-01T10:00:00Z', '2026-12-01T10:00:05Z'), set('20261201-090000F', 2, '2026-12-01T09:00:00Z', '2026-12-01T09:00:05Z')]), 'main');
    expect(choosePgbackrestSet(early, { target: new Date('2026-12-01T09:30:00Z') })).toMatchObject({ label: '20261201-090000F', repo: 'repo2' });
    expect(choosePgbackrestSet(sets, { target: new Date('2026-12-01T13:00:00Z'), args: ['--config=/x', '--repo=2'] })).toMatchObject({ label: '20261201-110000F', repo: 'repo2' });
  });

  it('skips a repo pgBackRest cannot read and says so', () => {
    const broken = parsePgbackrestSets(info(twoRepos[0]!.backup.filter((b: any) => b.database['repo-key'] === 2), [{ key: 1, code: 99, message: "[PathOpenError] unable to list file info for path '/r1/backup': [13] Permission denied" }, { key: 2 }]), 'main');
    const choice = choosePgbackrestSet(broken, { target: new Date('2026-12-01T13:00:00Z') });
    expect(choice).toMatchObject({ label: '20261201-110000F', repo: 'repo2' });
    expect(choice.notes).toEqual(["repo1 skipped, as pgbackrest restore skips it: [PathOpenError] unable to list file info for path '/r1/backup': [13] Permission denied"]);
  });

  it('refuses a target before every set, naming the oldest', () => {
    expect(() => choosePgbackrestSet(sets, { target: new Date('2026-12-01T09:00:00Z') })).toThrow(
      expect.objectContaining({ message: 'no pgBackRest backup set stopped before the target 2026-12-01T09:00:00.000Z', advice: expect.stringContaining('the oldest usable set, 20261201-100000F in repo1, stopped at 2026-12-01T10:00:05.000Z') }),
    );
  });

  it('honours --set, and refuses one that stopped after the target', () => {
    expect(choosePgbackrestSet(sets, { set: '20261201-110000F' })).toMatchObject({ label: '20261201-110000F', repo: 'repo2' });
    expect(() => choosePgbackrestSet(sets, { set: '20261201-110000F', target: new Date('2026-12-01T10:30:00Z') })).toThrow('backup set 20261201-110000F in repo2 stopped at 2026-12-01T11:00:05.000Z, not before the target');
    expect(() => choosePgbackrestSet(sets, { set: 'nope' })).toThrow('no backup set nope in repo1, repo2');
  });

  it('flags a set pgBackRest marked with errors and names the newest clean one', () => {
    const flagged = parsePgbackrestSets(
      info([set('20261201-100000F', 1, '2026-12-01T10:00:00Z', '2026-12-01T10:00:05Z'), set('20261201-120000F', 1, '2026-12-01T12:00:00Z', '2026-12-01T12:00:05Z', { error: true })]),
      'main',
    );
    const choice = choosePgbackrestSet(flagged, { target: new Date('2026-12-01T13:00:00Z') });
    expect(choice).toMatchObject({ label: '20261201-120000F', hasErrors: true });
    expect(cleanAlternative(flagged, choice, { target: new Date('2026-12-01T13:00:00Z') })).toBe('20261201-100000F (repo1)');
  });
});

describe('WAL-G and pg_basebackup catalogues', () => {
  const walg = [
    { label: 'base_000000010000000000000002', type: 'full' as const, startedAt: new Date('2026-12-01T10:00:00Z'), finishedAt: new Date('2026-12-01T10:05:00Z'), ok: true, permanent: false },
    { label: 'base_000000010000000000000008', type: 'full' as const, startedAt: new Date('2026-12-01T12:00:00Z'), finishedAt: new Date('2026-12-01T12:05:00Z'), ok: true, permanent: false },
  ];

  it('WAL-G: the newest backup that finished before the target, never LATEST blindly', () => {
    expect(chooseWalgBackup(walg, new Date('2026-12-01T12:02:00Z'), undefined).label).toBe('base_000000010000000000000002');
    expect(chooseWalgBackup(walg, undefined, undefined).label).toBe('base_000000010000000000000008');
    expect(() => chooseWalgBackup(walg, new Date('2026-12-01T09:00:00Z'), undefined)).toThrow('no WAL-G backup finished before the target 2026-12-01T09:00:00.000Z');
    expect(() => chooseWalgBackup(walg, new Date('2026-12-01T12:02:00Z'), 'base_000000010000000000000008')).toThrow('finished at 2026-12-01T12:05:00.000Z, not before the target');
  });

  it('pg_basebackup: the newest that ended (backup_manifest written) before the target', () => {
    const base = (label: string, start: string, end: string): BaseBackup => ({ label, dir: `/b/${label}`, format: 'tar', source: `/b/${label}/base.tar`, startTime: new Date(start), startTimeFrom: 'backup_label', finishedAt: new Date(end) });
    const backups = [base('late', '2026-12-01T12:00:00Z', '2026-12-01T12:30:00Z'), base('early', '2026-12-01T10:00:00Z', '2026-12-01T10:30:00Z')];
    // Started before the target but still running at it: unusable.
    expect(chooseBaseBackup(backups, new Date('2026-12-01T12:10:00Z'), undefined).label).toBe('early');
    expect(chooseBaseBackup(backups, new Date('2026-12-01T12:40:00Z'), undefined).label).toBe('late');
  });
});

describe('reading the tools\' own words', () => {
  it('finds the set pgbackrest restore says it restores', () => {
    const stdout = '2026-12-01 19:03:10.087 P00   INFO: repo2: restore backup set 20261201-190257F_20261201-190301I, recovery will start at 2026-12-01 19:03:01\n';
    expect(restoredSetOf({ stdout, stderr: '' })).toEqual({ repo: 'repo2', label: '20261201-190257F_20261201-190301I' });
    expect(restoredSetOf({ stdout: 'P00   INFO: restore backup set 20190101-000000F\n', stderr: '' })).toEqual({ repo: 'repo1', label: '20190101-000000F' });
  });

  it('puts pgBackRest\'s ERROR line first, not the argv', () => {
    const stderr = "WARN: repo1: [FileOpenError] unable to load info file\nERROR: [075]: unable to find backup set with stop time less than '2000-01-01 00:00:00+00'\n";
    expect(toolError({ stdout: '', stderr })).toBe("ERROR: [075]: unable to find backup set with stop time less than '2000-01-01 00:00:00+00'");
    expect(programName(['/usr/bin/pgbackrest', '--stanza=main', '--pg1-path=/x', 'restore'])).toBe('pgbackrest restore');
  });

  it('keeps pgBackRest naming the set: --log-level-console=info unless already as verbose', () => {
    expect(withInfoLogging(['--config=/c'])).toEqual(['--config=/c', '--log-level-console=info']);
    expect(withInfoLogging(['--log-level-console=warn'])).toEqual(['--log-level-console=info']);
    expect(withInfoLogging(['--log-level-console=detail'])).toEqual(['--log-level-console=detail']);
  });

  const log = [
    '2026-12-01 19:03:55.710 UTC [15960] LOG:  consistent recovery state reached at 0/6000100',
    '2026-12-01 19:03:55.711 UTC [15957] LOG:  database system is ready to accept read-only connections',
    '2026-12-01 19:03:55.720 UTC [15960] LOG:  restored log file "000000010000000000000008" from archive',
    '2026-12-01 19:03:55.720 UTC [15960] LOG:  last completed transaction was at log time 2026-12-01 19:03:48.332207+00',
    '2026-12-01 19:03:55.720 UTC [15960] FATAL:  recovery ended before configured recovery target was reached',
    '2026-12-01 19:03:55.725 UTC [15957] LOG:  startup process (PID 15960) exited with exit code 1',
  ].join('\n');

  it('reads the FATAL line and how far recovery got from the server log', () => {
    expect(fatalLine(log)).toBe('FATAL:  recovery ended before configured recovery target was reached');
    // "ready to accept read-only connections" is a hot standby, not a promotion.
    expect(recoveryFacts(log)).toEqual({ lastReplayedCommitAt: new Date('2026-12-01T19:03:48.332Z'), lastRestoredSegment: '000000010000000000000008', consistent: true, promoted: false });
    expect(recoveryFacts(`${log}\n2026-12-01 19:03:56.036 UTC [16267] LOG:  database system is ready to accept connections`).promoted).toBe(true);
    expect(adviceFor(fatalLine(log), recoveryFacts(log))).toContain('postgres.switchWal');
    expect(parseLogTimestamp('2026-12-01 21:04:03.204894+02')).toEqual(new Date('2026-12-01T19:04:03.204Z'));
    expect(recoveryFacts('LOG:  recovery stopping before commit of transaction 733, time 2026-12-01 19:04:03.204894+00').stoppedBeforeCommitAt).toEqual(new Date('2026-12-01T19:04:03.204Z'));
  });
});
