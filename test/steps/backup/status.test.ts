import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBaseBackups, parseStartTime } from '../../../src/steps/backup/base-backups.js';
import { definitions } from '../../../src/steps/backup/definitions.js';
import { providers } from '../../../src/steps/backup/index.js';
import { chownToPostgres, createCluster, runPgBinary, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext } from '../postgres/context.js';

let cluster: TestCluster;
let baseBackupDir: string;
const status = providers['backup.status']!;
const parse = (input: unknown) => definitions.find((d) => d.name === 'backup.status')!.params.parse(input) as any;
const ctx = (dir = baseBackupDir) => stepContext({}, { backup: { tool: 'pg_basebackup', baseBackupDir: dir, walArchiveDir: cluster.archiveDir } });

const basebackup = (name: string, format: string[]) =>
  runPgBinary(cluster.binDir, 'pg_basebackup', ['-D', join(baseBackupDir, name), ...format, '-X', 'none', '-c', 'fast', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-l', name]);

beforeAll(async () => {
  cluster = await createCluster();
  baseBackupDir = join(cluster.baseDir, 'base-backups');
  mkdirSync(baseBackupDir);
  await chownToPostgres(baseBackupDir);
  await basebackup('a-tar', ['-Ft']);
  await basebackup('b-plain', ['-Fp']);
  await basebackup('c-gzip', ['-Ft', '-z']);
  mkdirSync(join(baseBackupDir, 'not-a-backup'));
  writeFileSync(join(baseBackupDir, 'not-a-backup', 'notes.txt'), 'hello');
});
afterAll(async () => {
  await cluster?.destroy();
});

describe('base backups under baseBackupDir', () => {
  it('finds tar, plain and gzipped backups, newest first, with start times from backup_label', async () => {
    const backups = await listBaseBackups(baseBackupDir);
    expect(backups.map((b) => [b.label, b.format, b.startTimeFrom, b.backupLabel])).toEqual([
      ['c-gzip', 'tar.gz', 'backup_label', 'c-gzip'],
      ['b-plain', 'plain', 'backup_label', 'b-plain'],
      ['a-tar', 'tar', 'backup_label', 'a-tar'],
    ]);
    expect(Date.now() - backups[0]!.startTime.getTime()).toBeLessThan(60_000);
    expect(backups[0]!.finishedAt.getTime()).toBeGreaterThanOrEqual(backups[0]!.startTime.getTime());
  });

  it('parses START TIME in UTC and with numeric offsets', () => {
    expect(parseStartTime('START TIME: 2024-05-01 10:00:00 UTC\n')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseStartTime('START TIME: 2024-05-01 12:00:00 +02\n')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseStartTime('START TIME: 2024-05-01 05:30:00 -0430\n')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseStartTime('no start time here')).toBeUndefined();
  });

  it('falls back to the directory time when the label is unreadable', async () => {
    const dir = join(baseBackupDir, '..', 'other-backups');
    mkdirSync(join(dir, 'old'), { recursive: true });
    writeFileSync(join(dir, 'old', 'base.tar'), 'not a tar');
    const old = new Date('2024-01-02T03:04:05Z');
    utimesSync(join(dir, 'old'), old, old);
    const [backup] = await listBaseBackups(dir);
    expect(backup).toMatchObject({ label: 'old', format: 'tar', startTimeFrom: 'mtime', startTime: old });
  });
});

describe('backup.status with pg_basebackup', () => {
  it('passes when the newest is fresh and there are enough full backups', async () => {
    const result = await status.run(parse({ maxAge: '1h', minFull: 3, window: '1d' }), ctx());
    expect(result).toMatchObject({ ok: true, outputs: { tool: 'pg_basebackup', fullCount: 3, lastBackupLabel: 'c-gzip' } });
    expect(result.outputs.ageSeconds as number).toBeLessThan(60);
  });

  it('fails when too few full backups or the newest is too old', async () => {
    const few = await status.run(parse({ minFull: 4 }), ctx());
    expect(few.ok).toBe(false);
    expect(few.detail).toContain('3 full backups, expected at least 4');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await status.run(parse({ maxAge: '1s' }), ctx());
    expect(stale.ok).toBe(false);
    expect(stale.detail).toContain('more than 1s');
  });

  it('a missing directory is not-found; no backup settings is invalid-input', async () => {
    const missing = await status.run(parse({}), ctx(join(cluster.baseDir, 'nowhere')));
    expect(missing.failure?.class).toBe('not-found');
    const none = await status.run(parse({}), stepContext({}));
    expect(none.failure?.class).toBe('invalid-input');
  });

  it('pgbackrest missing on this machine fails with a message naming it', async () => {
    const result = await status.run(parse({ maxAge: '1d' }), stepContext({}, { backup: { tool: 'pgbackrest', stanza: 'main', args: [] } }));
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('pgbackrest');
    expect(result.failure).toBeDefined();
  });
});
