/**
 * shell.pgbackrestInfo and shell.walgBackups against real processes: executables named
 * `pgbackrest` and `wal-g`, first on PATH, that print JSON in the tools' documented formats.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedEnvironment } from '../../../src/runbooks/environment.js';
import { pgbackrestInfo, walgBackups } from '../../../src/steps/shell/backup-checks.js';
import { pgbackrestInfoParams, walgBackupsParams } from '../../../src/steps/shell/definitions.js';
import { stepContext } from './step-context.js';

const fixtures = join(import.meta.dirname, 'fixtures');
let dir: string;
let bin: string;
let argvLog: string;

// One fake tool, installed under both names: logs its argv and environment, then behaves per FAKE_MODE.
const fakeTool = `#!${process.execPath}
const fs = require('node:fs');
if (process.env.FAKE_LOG) fs.appendFileSync(process.env.FAKE_LOG, JSON.stringify({ argv: process.argv.slice(2), prefix: process.env.WALG_FILE_PREFIX ?? null }) + '\\n');
switch (process.env.FAKE_MODE) {
  case 'fail':
    process.stderr.write("ERROR: [055]: unable to load info file '/var/lib/pgbackrest/backup/main/backup.info'\\n");
    process.exit(55);
  case 'denied':
    process.stderr.write('ERROR: [041]: unable to open file: permission denied\\n');
    process.exit(41);
  case 'text':
    process.stdout.write('stanza: main\\n    status: ok\\n');
    break;
  case 'hang':
    setInterval(() => {}, 1000);
    break;
  default:
    process.stdout.write(fs.readFileSync(process.env.FAKE_FIXTURE, 'utf8'));
}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-backup-tools-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const name of ['pgbackrest', 'wal-g']) {
    writeFileSync(join(bin, name), fakeTool);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'null.json'), 'null\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  argvLog = join(dir, `log-${Math.random().toString(36).slice(2)}.jsonl`);
});

const env = (fixture: string, extra: Record<string, string> = {}) => ({
  PATH: `${bin}:${process.env.PATH}`,
  FAKE_FIXTURE: join(fixtures, fixture),
  FAKE_LOG: argvLog,
  ...extra,
});
const calls = () => readFileSync(argvLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { argv: string[]; prefix: string | null });
const fixedNow = (iso: string) => () => new Date(iso);

describe('shell.pgbackrestInfo', () => {
  it('passes when the last successful backup is young enough and enough full backups exist', async () => {
    const result = await pgbackrestInfo.run(
      pgbackrestInfoParams.parse({ stanza: 'main', maxAge: '26h', minFull: 1, env: env('pgbackrest-info.json') }),
      stepContext({ now: fixedNow('2024-03-04T00:00:40Z') }),
    );
    expect(result.ok).toBe(true);
    expect(result.outputs).toMatchObject({
      lastBackupAt: '2024-03-03T01:00:40.000Z',
      ageSeconds: 23 * 3600,
      fullCount: 1,
      backupCount: 3,
      failedCount: 1,
      lastBackupLabel: '20240301-010002F_20240303-010002I',
      lastBackupRepo: 1,
    });
    expect(result.expected).toBe('a successful backup in repo1; last backup age <= 1d 2h; full backups >= 1');
    expect(result.observed).toBe('repo1: last backup 20240301-010002F_20240303-010002I (incr) 23h ago; 1 full of 3; 1 flagged with errors');
    expect(calls()[0]!.argv).toEqual(['--output=json', '--stanza=main', 'info']);
  });

  it('takes the stanza and extra arguments from the environment\'s backup settings', async () => {
    const result = await pgbackrestInfo.run(
      pgbackrestInfoParams.parse({ env: env('pgbackrest-info.json') }),
      stepContext({
        now: fixedNow('2024-03-04T00:00:40Z'),
        environment: { backup: { tool: 'pgbackrest', stanza: 'main', args: ['--config=/etc/pgbackrest/main.conf'] } } as Partial<ResolvedEnvironment>,
      }),
    );
    expect(result.ok).toBe(true);
    expect(calls()[0]!.argv).toEqual(['--config=/etc/pgbackrest/main.conf', '--output=json', '--stanza=main', 'info']);
  });

  it('fails, without a failure class, when the last successful backup is too old', async () => {
    const result = await pgbackrestInfo.run(
      pgbackrestInfoParams.parse({ stanza: 'main', maxAge: '26h', env: env('pgbackrest-info.json') }),
      stepContext({ now: fixedNow('2024-03-04T12:00:40Z') }),
    );
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.detail).toBe('pgBackRest: repo1: the last successful backup is 1d 11h old (limit 1d 2h).');
    expect(result.outputs.ageSeconds).toBe(35 * 3600);
  });

  it('fails when fewer full backups exist than asked (the errored full does not count)', async () => {
    const result = await pgbackrestInfo.run(
      pgbackrestInfoParams.parse({ stanza: 'main', minFull: 2, env: env('pgbackrest-info.json') }),
      stepContext({ now: fixedNow('2024-03-04T00:00:40Z') }),
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('pgBackRest: repo1: 1 full backup, fewer than 2.');
  });

  it('fails for a stanza without backups', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ stanza: 'empty', env: env('pgbackrest-info.json') }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('pgBackRest: repo1 lists no successful backup.');
    expect(result.outputs.lastBackupAt).toBeNull();
  });

  it('classifies an unknown stanza as not-found', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ stanza: 'nope', env: env('pgbackrest-info.json') }), stepContext());
    expect(result.failure?.class).toBe('not-found');
    expect(result.failure?.advice).toContain('stanza-create');
  });

  it('classifies a failing pgbackrest as unreachable, quoting its error', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ stanza: 'main', env: env('pgbackrest-info.json', { FAKE_MODE: 'fail' }) }), stepContext());
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toContain("pgbackrest failed (exit code 55): ERROR: [055]: unable to load info file");
  });

  it('classifies "permission denied" as permission', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ env: env('pgbackrest-info.json', { FAKE_MODE: 'denied' }) }), stepContext());
    expect(result.failure?.class).toBe('permission');
  });

  it('classifies output that is not JSON as an expectation failure', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ env: env('pgbackrest-info.json', { FAKE_MODE: 'text' }) }), stepContext());
    expect(result.failure?.class).toBe('expectation');
    expect(result.detail).toContain('did not print JSON');
  });

  it('says what to install when pgbackrest is missing', async () => {
    const result = await pgbackrestInfo.run(pgbackrestInfoParams.parse({ env: { PATH: join(dir, 'empty-path') } }), stepContext());
    expect(result.failure?.class).toBe('not-found');
    expect(result.failure?.advice).toContain('install pgbackrest');
  });

  it('kills a hanging pgbackrest at the timeout', async () => {
    const result = await pgbackrestInfo.run(
      pgbackrestInfoParams.parse({ env: env('pgbackrest-info.json', { FAKE_MODE: 'hang' }) }),
      stepContext({ timeoutMs: 500 }),
    );
    expect(result.failure?.class).toBe('timeout');
  });
});

describe('shell.walgBackups', () => {
  it('passes with the environment\'s WAL-G settings, counting _D_ backups as incremental', async () => {
    const result = await walgBackups.run(
      walgBackupsParams.parse({ maxAge: '1d', minFull: 2, env: env('walg-backup-list.json') }),
      stepContext({
        now: fixedNow('2024-03-03T12:00:00Z'),
        environment: { backup: { tool: 'walg', env: { WALG_FILE_PREFIX: '/srv/wal-g' } } } as Partial<ResolvedEnvironment>,
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.outputs).toMatchObject({
      lastBackupAt: '2024-03-03T01:00:40.118Z',
      fullCount: 2,
      backupCount: 3,
      failedCount: 0,
      lastBackupName: 'base_000000010000000000000009',
    });
    expect(calls()[0]).toEqual({ argv: ['backup-list', '--detail', '--json'], prefix: '/srv/wal-g' });
  });

  it('counts only full backups inside the window', async () => {
    const result = await walgBackups.run(
      walgBackupsParams.parse({ minFull: 2, window: '2d', env: env('walg-backup-list.json') }),
      stepContext({ now: fixedNow('2024-03-04T00:00:00Z') }),
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('WAL-G: 1 full backup within 2d, fewer than 2.');
  });

  it('fails when WAL-G lists no backups (it prints null)', async () => {
    const result = await walgBackups.run(walgBackupsParams.parse({ env: env('walg-backup-list.json', { FAKE_FIXTURE: join(dir, 'null.json') }) }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('WAL-G: WAL-G lists no successful backup.');
  });

  it('says what to install when wal-g is missing', async () => {
    const result = await walgBackups.run(walgBackupsParams.parse({ env: { PATH: join(dir, 'empty-path') } }), stepContext());
    expect(result.failure?.class).toBe('not-found');
    expect(result.failure?.advice).toContain('install wal-g');
  });
});
