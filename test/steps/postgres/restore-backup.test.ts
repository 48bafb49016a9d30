/**
 * Point-in-time restore with pg_basebackup and a local WAL archive, against real clusters:
 * base backup → rows written → T → rows deleted → WAL archived → restore to T into a new data
 * directory on a free port → the action follows the server until it is promoted → the rows
 * deleted after T are back. A server that stops during recovery fails the action at once with
 * its FATAL line, and a wait on it fails at once too. pgBackRest runs for real in
 * test/integration/pgbackrest-*.test.ts; WAL-G is not installable here: its argv and the parsing
 * of its backup-list are checked with a stand-in that prints WAL-G's documented JSON.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/postgres/index.js';
import { definitions } from '../../../src/steps/postgres/definitions.js';
import type { StepContext } from '../../../src/steps/provider.js';
import { chownToPostgres, createCluster, freePort, runPgBinary, type TestCluster } from '../../support/pg-cluster.js';
import { stepContext, tempDir, type Connections } from './context.js';

const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const restore = providers['postgres.restoreBackup']!;

let cluster: TestCluster;
let baseBackupDir: string;
let restoredDir: string;
let restoredPort: number;
let targetTime: string;
let connections: Connections;
let started = false;

const ctx = (timeoutMs = 60_000, extra: Partial<Parameters<typeof stepContext>[1]> = {}): StepContext =>
  stepContext(connections, { timeoutMs, backup: { tool: 'pg_basebackup', baseBackupDir, walArchiveDir: cluster.archiveDir }, ...extra });

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

beforeAll(async () => {
  cluster = await createCluster({ archive: true });
  baseBackupDir = join(cluster.baseDir, 'base-backups');
  mkdirSync(baseBackupDir);
  await chownToPostgres(baseBackupDir);
  await cluster.query("CREATE TABLE items(id int PRIMARY KEY, label text); INSERT INTO items VALUES (1, 'before backup')", [], 'control');
  await runPgBinary(cluster.binDir, 'pg_basebackup', ['-D', join(baseBackupDir, 'base-1'), '-Ft', '-X', 'none', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-l', 'nightly', '-c', 'fast']);
  await cluster.query("INSERT INTO items VALUES (2, 'after backup'), (3, 'after backup')", [], 'control');
  targetTime = (await cluster.query('SELECT clock_timestamp() AS t'))[0].t.toISOString();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await cluster.query('DELETE FROM items', [], 'control');
  const [{ wal }] = await cluster.query('SELECT pg_walfile_name(pg_switch_wal()) AS wal');
  await waitFor(async () => existsSync(join(cluster.archiveDir, wal)));

  restoredDir = join(cluster.baseDir, 'restored');
  restoredPort = await freePort();
  connections = {
    live: { url: cluster.urlFor('control') },
    restored: { url: `postgres://postgres:s3cret-pw@127.0.0.1:${restoredPort}/control`, dataDir: restoredDir, binDir: cluster.binDir, runAs: 'postgres' },
  };
});

afterAll(async () => {
  if (started) await runPgBinary(cluster.binDir, 'pg_ctl', ['-D', restoredDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  await cluster?.destroy();
});

describe('postgres.restoreBackup with pg_basebackup', () => {
  it('reconcile before anything ran finds nothing', async () => {
    expect((await restore.reconcile!(parse('postgres.restoreBackup', { into: 'restored', targetTime }), ctx())).found).toBe(false);
  });

  it('previews the chosen backup, every command and the recovery settings, password masked', async () => {
    const preview = await restore.preview!(parse('postgres.restoreBackup', { into: 'restored', targetTime }), ctx());
    expect(preview.dryRun?.ok).toBe(true);
    const text = preview.details.map((d) => `${d.label}: ${d.value}`).join('\n');
    expect(text).toContain('backup: base-1 (tar, started ');
    expect(text).toContain('per backup_label), ended ');
    expect(text).toContain('the newest base backup that ended before the target');
    expect(preview.dryRun?.detail).toMatch(/^the base backups: the target selects base-1 \(tar, started .*\), ended /);
    expect(text).toContain(`"tar" "-xf" "${join(baseBackupDir, 'base-1', 'base.tar')}" "-C" "${restoredDir}"`);
    expect(text).toContain(`restore_command = 'cp ''${cluster.archiveDir}''/%f "%p"'`);
    expect(text).toContain(`recovery_target_time = '${targetTime.replace('T', ' ').replace('Z', '+00')}'`);
    expect(text).toContain("recovery_target_action = 'promote'");
    expect(text).toContain(`port = ${restoredPort}`);
    expect(text).toContain('archive_mode = off');
    expect(text).toContain(`postgres://postgres:***@127.0.0.1:${restoredPort}/control`);
    expect(text).not.toContain('s3cret-pw');
  });

  it('refuses a target before the oldest backup, in the preview', async () => {
    const preview = await restore.preview!(parse('postgres.restoreBackup', { into: 'restored', targetTime: '2000-01-01T00:00:00Z' }), ctx());
    expect(preview.dryRun?.ok).toBe(false);
    expect(preview.dryRun?.detail).toContain('no base backup ended before the target 2000-01-01T00:00:00.000Z: the oldest, base-1, ended at ');
    expect(preview.summary).toContain('cannot start: no base backup ended before the target');
  });

  it('restores to the target time and returns once the server is promoted: rows deleted after T are back', async () => {
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'restored', targetTime }), ctx());
    started = result.ok;
    expect(result.detail).not.toContain('s3cret');
    expect(result).toMatchObject({
      ok: true,
      outputs: {
        dataDir: restoredDir,
        port: restoredPort,
        backupLabel: 'base-1',
        backupRepo: null,
        backupHasErrors: false,
        targetTime,
        url: `postgres://postgres:***@127.0.0.1:${restoredPort}/control`,
      },
    });
    expect(result.detail).toContain(`Restored pg_basebackup backup base-1 (named by ${join(baseBackupDir, 'base-1')}; backup_label of the restored directory: LABEL nightly, START WAL LOCATION `);
    // Observed by the server itself; its log's "ready" line is named too when it was written by then.
    expect(result.detail).toMatch(/was promoted \((the server log says it is ready to accept connections and )?pg_is_in_recovery\(\) is false\)/);
    // The commit of the rows written after the backup is the last one replayed; the DELETE is where recovery stopped.
    expect(Date.parse(result.outputs.lastReplayedCommitAt as string)).toBeLessThanOrEqual(Date.parse(targetTime));
    expect(Date.parse(result.outputs.stoppedBeforeCommitAt as string)).toBeGreaterThan(Date.parse(targetTime));

    // No waiting: the action returned after promotion.
    const inRecovery = providers['postgres.inRecovery']!;
    expect(await inRecovery.run(parse('postgres.inRecovery', { database: 'restored', expect: false }), ctx(5_000))).toMatchObject({ ok: true, observed: false });

    const rows = await runPgBinary(cluster.binDir, 'psql', ['-h', cluster.socketDir, '-p', String(restoredPort), '-U', 'postgres', '-d', 'control', '-Atc', 'SELECT id, label FROM items ORDER BY id']);
    expect(rows.trim().split('\n')).toEqual(['1|before backup', '2|after backup', '3|after backup']);
    expect((await cluster.query('SELECT count(*)::int AS n FROM items', [], 'control'))[0].n).toBe(0);

    const point = await providers['postgres.recoveryPoint']!.run(parse('postgres.recoveryPoint', { database: 'restored', target: targetTime }), ctx(5_000));
    expect(point.ok).toBe(true);
    expect(point.outputs.gapSeconds as number).toBeGreaterThanOrEqual(0);
    expect(point.outputs.gapSeconds as number).toBeLessThan(5);
    expect(readFileSync(join(restoredDir, 'postgresql.auto.conf'), 'utf8')).toContain('added by runbook: session session-1, step step-1');
  });

  it('a re-run never overwrites the restored data directory', async () => {
    const again = await restore.run(parse('postgres.restoreBackup', { into: 'restored', targetTime }), ctx());
    expect(again.ok).toBe(false);
    expect(again.failure?.class).toBe('conflict');
    expect(again.detail).toContain(`the data directory ${restoredDir} is not empty`);
  });

  it('reconcile after a crash between intent and result finds the running cluster', async () => {
    const reconciliation = await restore.reconcile!(parse('postgres.restoreBackup', { into: 'restored', targetTime }), ctx(5_000));
    // The backup is named from the record the restore left, not null.
    expect(reconciliation).toMatchObject({ found: true, outputs: { dataDir: restoredDir, port: restoredPort, backupLabel: 'base-1', backupRepo: null } });
    expect(reconciliation.detail).toContain(`answers on port ${restoredPort}`);
    expect(reconciliation.detail).toContain('(backup base-1, per runbook-restore.json)');
  });

  it('a server that cannot start (its port is taken) fails with the end of the server log, and reconcile says not found', async () => {
    const dataDir = join(cluster.baseDir, 'port-taken');
    const taken: Connections = { ...connections, clash: { url: `postgres://postgres@127.0.0.1:${cluster.port}/control`, dataDir, binDir: cluster.binDir, runAs: 'postgres' } };
    const context = stepContext(taken, { timeoutMs: 30_000, backup: { tool: 'pg_basebackup', baseBackupDir, walArchiveDir: cluster.archiveDir } });
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'clash', targetTime }), context);
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('expectation');
    expect(result.detail).toMatch(/^the restored server did not start: FATAL: {2}could not create any TCP\/IP sockets \(server log /);
    expect(result.failure?.advice).toContain('another server holds the restore connection\'s port');
    const reconciliation = await restore.reconcile!(parse('postgres.restoreBackup', { into: 'clash', targetTime }), context);
    expect(reconciliation.found).toBe(false);
  });

  it('a target past the newest archived WAL fails saying to archive the WAL first, or to choose an earlier target', async () => {
    const dataDir = join(cluster.baseDir, 'past-archive');
    const past: Connections = { ...connections, past: { url: `postgres://postgres@127.0.0.1:${await freePort()}/control`, dataDir, binDir: cluster.binDir, runAs: 'postgres' } };
    const context = stepContext(past, { timeoutMs: 30_000, backup: { tool: 'pg_basebackup', baseBackupDir, walArchiveDir: cluster.archiveDir } });
    // Nothing archived was written after this moment: PostgreSQL refuses to promote.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'past', targetTime: later }), context);
    if (result.ok) console.log('UNEXPECTED', result.detail);
    expect(result.ok).toBe(false);
    // With hot_standby on, pg_ctl -w returned at consistency; the action followed the server to its end.
    expect(result.detail).toMatch(/^the restored server stopped during recovery: FATAL: {2}recovery ended before configured recovery target was reached; the last commit replayed was at /);
    expect(result.failure?.advice).toContain('none after the target; PostgreSQL stops a time target only at the first commit after it');
    expect(result.failure?.advice).toContain('postgres.switchWal');
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    // A wait on it fails at once, with the server's reason, and says polling again is pointless.
    const started = Date.now();
    const wait = await providers['postgres.inRecovery']!.run(parse('postgres.inRecovery', { database: 'past', expect: false }), stepContext(past, { timeoutMs: 5_000 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(wait).toMatchObject({ ok: false, final: true, failure: { class: 'unreachable' } });
    expect(wait.detail).toContain('The server of "past" has exited: FATAL:  recovery ended before configured recovery target was reached');
    const readOnly = await providers['postgres.readOnly']!.run(parse('postgres.readOnly', { database: 'past', expect: false }), stepContext(past, { timeoutMs: 5_000 }));
    expect(readOnly).toMatchObject({ ok: false, final: true });
  });

  it('a wait on a server that is not running but whose data directory is unknown keeps polling (not final)', async () => {
    const context = stepContext({ remote: { url: `postgres://postgres@127.0.0.1:${await freePort()}/control` } }, { timeoutMs: 3_000 });
    const wait = await providers['postgres.inRecovery']!.run(parse('postgres.inRecovery', { database: 'remote', expect: false }), context);
    expect(wait.ok).toBe(false);
    expect(wait.final).toBeUndefined();
    expect(wait.failure?.class).toBe('unreachable');
  });

  it('reconcile reports a half-written data directory with no server as not found', async () => {
    const half = join(cluster.baseDir, 'half');
    mkdirSync(half);
    writeFileSync(join(half, 'PG_VERSION'), '15\n');
    const context = stepContext({ restored: { url: `postgres://postgres@127.0.0.1:${await freePort()}/control`, dataDir: half } }, { timeoutMs: 3_000 });
    const reconciliation = await restore.reconcile!(parse('postgres.restoreBackup', { into: 'restored' }), context);
    expect(reconciliation.found).toBe(false);
    expect(reconciliation.detail).toContain('move the directory aside');
  });
});

describe('postgres.restoreBackup with WAL-G (not installable here: argv and backup-list parsing)', () => {
  const connectionsFor = (dataDir: string): Connections => ({ target: { url: 'postgres://postgres@127.0.0.1:55433/control', dataDir: join(dataDir, 'data'), binDir: '/usr/lib/postgresql/15/bin', runAs: 'postgres' } });
  /** A directory the postgres user can enter, holding stand-ins for missing programs. */
  const programsDir = () => {
    const dir = tempDir('runbook-restore-');
    chmodSync(dir, 0o755);
    return dir;
  };

  it('when the program is missing, preview and run say to install it', async () => {
    const dir = programsDir();
    const savedPath = process.env.PATH;
    process.env.PATH = dir;
    try {
      const context = stepContext(connectionsFor(dir), { backup: { tool: 'pgbackrest', stanza: 'main', args: [] } });
      const preview = await restore.preview!(parse('postgres.restoreBackup', { into: 'target' }), context);
      expect(preview.dryRun?.detail).toContain('install pgbackrest (apt-get install pgbackrest)');
      const result = await restore.run(parse('postgres.restoreBackup', { into: 'target' }), context);
      expect(result.failure?.class).toBe('not-found');
      const walg = await restore.run(parse('postgres.restoreBackup', { into: 'target' }), stepContext(connectionsFor(dir), { backup: { tool: 'walg', env: {} } }));
      expect(walg.detail).toContain('install wal-g');
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('names the backup backup-list says finished before the target, never LATEST, and refuses a target before the oldest', async () => {
    const dir = programsDir();
    // backup-list --detail --json as WAL-G documents it; anything else fails like a missing bucket.
    const list = JSON.stringify([
      { backup_name: 'base_000000010000000000000002', modification_time: '2024-05-01T08:05:00Z', wal_file_name: '000000010000000000000002', start_time: '2024-05-01T08:00:00Z', finish_time: '2024-05-01T08:05:00Z', is_permanent: false },
      { backup_name: 'base_000000010000000000000009', modification_time: '2024-05-01T11:05:00Z', wal_file_name: '000000010000000000000009', start_time: '2024-05-01T11:00:00Z', finish_time: '2024-05-01T11:05:00Z', is_permanent: false },
    ]);
    writeFileSync(join(dir, 'wal-g'), `#!/bin/sh\nif [ "$1" = backup-list ]; then echo '${list}'; exit 0; fi\necho "ERROR: 2024/05/01 10:00:00.000000 failed to fetch" >&2\nexit 1\n`);
    chmodSync(join(dir, 'wal-g'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${dir}:${savedPath}`;
    try {
      const dataDir = join(dir, 'data');
      const context = () => stepContext(connectionsFor(dir), { backup: { tool: 'walg', env: { WALG_S3_PREFIX: 's3://bucket/prefix' } } });
      const walg = await restore.preview!(parse('postgres.restoreBackup', { into: 'target', targetTime: '2024-05-01T10:00:00Z' }), context());
      expect(walg.dryRun).toEqual({ ok: true, detail: `wal-g backup-list: the target selects base_000000010000000000000002 (full), ended 2024-05-01T08:05:00.000Z; ${dataDir} is empty or absent; programs present` });
      const walgText = walg.details.map((d) => d.value).join('\n');
      expect(walgText).toContain(`"${dir}/wal-g" "backup-fetch" "${dataDir}" "base_000000010000000000000002"  (with WALG_S3_PREFIX set)`);
      expect(walgText).toContain("restore_command = 'wal-g wal-fetch %f %p'");
      expect(walgText).not.toContain('s3://bucket/prefix');

      const tooEarly = await restore.preview!(parse('postgres.restoreBackup', { into: 'target', targetTime: '2024-05-01T07:00:00Z' }), context());
      expect(tooEarly.dryRun?.ok).toBe(false);
      expect(tooEarly.dryRun?.detail).toContain('no WAL-G backup finished before the target 2024-05-01T07:00:00.000Z: the oldest, base_000000010000000000000002, finished at 2024-05-01T08:05:00.000Z');

      // The run fails with WAL-G's own error first.
      const run = await restore.run(parse('postgres.restoreBackup', { into: 'target', targetTime: '2024-05-01T10:00:00Z' }), context());
      expect(run.ok).toBe(false);
      expect(run.detail).toMatch(/^wal-g backup-fetch failed \(exit 1\): ERROR: 2024\/05\/01 10:00:00.000000 failed to fetch/);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
