/**
 * Proof that a third-party S3 client accepts the emulator: real pgBackRest (/usr/bin/pgbackrest)
 * keeps a stanza's repo on the emulated S3 over HTTPS, verifying the certificate against the CA
 * that `createLoopbackCertificate` made (repo1-storage-ca-file), for a throwaway PostgreSQL 15
 * cluster whose archive_command is `pgbackrest archive-push`. The steps run in order and share
 * the stanza: stanza-create, archive-push of whole 16 MiB segments (multipart: 5 MiB parts),
 * a full backup and `info`, a second backup whose expiry deletes the first (DeleteObjects), and
 * a restore into a new data directory that starts and holds the data.
 *
 * As root, pgBackRest runs as the cluster's owner (postgres), as the server runs archive_command;
 * its config, log and lock paths live in a temp directory owned by that user.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoopbackCertificate, type LoopbackCertificateFiles } from '../../src/sandbox/tls-certificate.js';
import { chownToPostgres, createCluster, freePort, PG_OS_USER, runPgBinary, type TestCluster } from '../support/pg-cluster.js';
import { startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';

const PGBACKREST = process.env.PGBACKREST_BIN ?? '/usr/bin/pgbackrest';
const STANZA = 'sandbox';
const BUCKET = 'pgbackrest';
/** repo1-path: every key of the repo starts with this (without the leading slash). */
const REPO_PATH = 'repo';
const MiB = 1024 * 1024;
const WAL_SEGMENT_SIZE = 16 * MiB;

let workDir: string;
let pgbackrestDir: string;
let configPath: string;
let certificate: LoopbackCertificateFiles;
let emulator: S3Emulator;
let cluster: TestCluster;
let restoredDir: string | undefined;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs pgbackrest for the stanza (as postgres when we are root) and returns what it said. */
function pgbackrest(args: readonly string[], timeoutMs = 120_000): Promise<Run> {
  const argv = [`--config=${configPath}`, `--stanza=${STANZA}`, ...args];
  const [file, fileArgs] = isRoot ? ['runuser', ['-u', PG_OS_USER, '--', PGBACKREST, ...argv]] : [PGBACKREST, argv];
  return new Promise((resolve) => {
    execFile(file, fileArgs, { cwd: pgbackrestDir, timeout: timeoutMs, maxBuffer: 16 * MiB }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ exitCode, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Fails with pgBackRest's own words when it did not exit 0. */
function expectSuccess(run: Run, what: string): void {
  if (run.exitCode !== 0) throw new Error(`pgbackrest ${what} exited ${run.exitCode}: ${run.stderr.trim() || run.stdout.trim()}`);
}

/** The repo's objects whose key starts with `prefix` (relative to the repo path). */
function repoObjects(prefix: string) {
  return emulator.store.objects(BUCKET).filter((object) => object.key.startsWith(`${REPO_PATH}/${prefix}`));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, explain: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s: ${await explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const logTail = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : `${path} does not exist`);

/** Makes an archivable segment: writes rows, then switches WAL; returns the segment that was closed. */
async function switchWal(rows: number): Promise<string> {
  await cluster.query('INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, $1) AS g', [rows], 'control');
  const [{ segment }] = await cluster.query('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
  return segment as string;
}

async function waitForArchived(segment: string): Promise<void> {
  await waitFor(
    `segment ${segment} was not archived`,
    async () => {
      const [row] = await cluster.query('SELECT last_archived_wal FROM pg_stat_archiver');
      return row.last_archived_wal !== null && row.last_archived_wal >= segment ? true : undefined;
    },
    60_000,
    async () => {
      const [row] = await cluster.query('SELECT failed_count, last_failed_wal FROM pg_stat_archiver');
      return `${row.failed_count} failed attempts (last ${row.last_failed_wal ?? 'none'}); server log:\n${logTail(cluster.logFile)}`;
    },
  );
}

beforeAll(async () => {
  if (!existsSync(PGBACKREST)) throw new Error(`${PGBACKREST} not found: install pgBackRest (apt-get install pgbackrest)`);
  workDir = await mkdtemp(join(tmpdir(), 'runbook-s3-pgbackrest-'));
  // pgBackRest (as postgres) must reach the CA file; the server key stays readable by root only.
  await chmod(workDir, 0o755);
  certificate = await createLoopbackCertificate(join(workDir, 'tls'));
  await chmod(join(workDir, 'tls'), 0o755);
  emulator = await startS3Emulator({ tls: certificate });
  emulator.store.createBucket(BUCKET);

  pgbackrestDir = join(workDir, 'pgbackrest');
  await mkdir(join(pgbackrestDir, 'log'), { recursive: true });
  await mkdir(join(pgbackrestDir, 'lock'));
  configPath = join(pgbackrestDir, 'pgbackrest.conf');
  cluster = await createCluster({ settings: { archive_command: `'${PGBACKREST} --config=${configPath} --stanza=${STANZA} archive-push %p'` } });
  await cluster.query('CREATE TABLE filler (id int, note text)', [], 'control');
  const config = [
    '[global]',
    'repo1-type=s3',
    `repo1-path=/${REPO_PATH}`,
    'repo1-s3-endpoint=127.0.0.1',
    `repo1-storage-port=${emulator.port}`,
    `repo1-storage-ca-file=${certificate.caFile}`,
    `repo1-s3-bucket=${BUCKET}`,
    'repo1-s3-region=us-east-1',
    'repo1-s3-uri-style=path',
    'repo1-s3-key=sandbox',
    'repo1-s3-key-secret=sandbox-secret',
    'repo1-retention-full=1',
    // Uncompressed, each WAL segment is stored whole (16 MiB), so it must go up in 5 MiB parts.
    'compress-type=none',
    'start-fast=y',
    `log-path=${join(pgbackrestDir, 'log')}`,
    `lock-path=${join(pgbackrestDir, 'lock')}`,
    'log-level-console=warn',
    'log-level-file=detail',
    '',
    `[${STANZA}]`,
    `pg1-path=${cluster.dataDir}`,
    `pg1-port=${cluster.port}`,
    `pg1-socket-path=${cluster.socketDir}`,
    '',
  ].join('\n');
  await writeFile(configPath, config, { mode: 0o600 });
  await chownToPostgres(pgbackrestDir);
});

afterAll(async () => {
  if (restoredDir && existsSync(join(restoredDir, 'postmaster.pid'))) {
    await runPgBinary(cluster.binDir, 'pg_ctl', ['-D', restoredDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  }
  await cluster?.destroy();
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('pgBackRest with its repo on the emulated S3 over TLS', () => {
  it('creates the stanza', async () => {
    expectSuccess(await pgbackrest(['stanza-create']), 'stanza-create');
    expect(repoObjects('').map((object) => object.key)).toEqual(
      expect.arrayContaining([`${REPO_PATH}/archive/${STANZA}/archive.info`, `${REPO_PATH}/backup/${STANZA}/backup.info`]),
    );
  });

  it('archive-push stores each 16 MiB segment whole, uploaded in 5 MiB parts', async () => {
    const partsBefore = emulator.controls.requestLog.filter((operation) => operation === 'UploadPart').length;
    const segment = await switchWal(1000);
    await waitForArchived(segment);
    const [archived] = repoObjects(`archive/${STANZA}/15-1/${segment.slice(0, 16)}/${segment}-`);
    expect(archived, `no object for ${segment} in the repo`).toBeDefined();
    expect(archived!.size).toBe(WAL_SEGMENT_SIZE);
    // 16 MiB in 5 MiB parts: 4 parts, and S3's multipart ETag says so.
    expect(archived!.etag).toMatch(/^"[0-9a-f]{32}-4"$/);
    // pgBackRest names the file after the SHA-1 of its content: the parts were joined intact.
    const body = emulator.store.body(BUCKET, archived!.key);
    expect(`${segment}-${createHash('sha1').update(body).digest('hex')}`).toBe(archived!.key.split('/').pop());
    const partsAfter = emulator.controls.requestLog.filter((operation) => operation === 'UploadPart').length;
    expect(partsAfter - partsBefore).toBeGreaterThanOrEqual(4);
  });

  it('takes a full backup that info reports, a relation over 5 MiB uploaded in parts', async () => {
    await cluster.query("CREATE TABLE kept AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 150000) AS g", [], 'control');
    const [{ path }] = await cluster.query("SELECT pg_relation_filepath('kept') AS path", [], 'control');
    expectSuccess(await pgbackrest(['backup', '--type=full']), 'backup');
    const info = await pgbackrest(['info', '--output=json']);
    expectSuccess(info, 'info');
    const [stanza] = JSON.parse(info.stdout);
    expect(stanza.status).toMatchObject({ code: 0, message: 'ok' });
    expect(stanza.backup).toHaveLength(1);
    const [backup] = stanza.backup;
    expect(backup).toMatchObject({ type: 'full', error: false, database: { 'repo-key': 1 } });
    expect(stanza.archive[0].min <= backup.archive.start && backup.archive.stop <= stanza.archive[0].max).toBe(true);
    const [relation] = repoObjects(`backup/${STANZA}/${backup.label}/pg_data/${path}`);
    expect(relation, `no object for ${path} in backup ${backup.label}`).toBeDefined();
    expect(relation!.size).toBeGreaterThan(5 * MiB);
    expect(relation!.etag).toMatch(/-\d+"$/);
  });

  it('expires the older full backup after a newer one, deleting its objects with DeleteObjects', async () => {
    const [{ label: older }] = JSON.parse((await pgbackrest(['info', '--output=json'])).stdout)[0].backup;
    await cluster.query('INSERT INTO kept SELECT g, md5(g::text) FROM generate_series(150001, 160000) AS g', [], 'control');
    expectSuccess(await pgbackrest(['backup', '--type=full']), 'second backup');
    const [stanza] = JSON.parse((await pgbackrest(['info', '--output=json'])).stdout);
    expect(stanza.backup.map((backup: { label: string }) => backup.label)).not.toContain(older);
    expect(stanza.backup).toHaveLength(1);
    expect(repoObjects(`backup/${STANZA}/${older}/`)).toEqual([]);
    expect(emulator.controls.requestLog).toContain('DeleteObjects');
  });

  it('restores into a new data directory that starts and holds the data', async () => {
    const [{ count: expectedCount, digest: expectedDigest }] = await cluster.query('SELECT count(*)::int AS count, md5(string_agg(note, \',\' ORDER BY id)) AS digest FROM kept', [], 'control');
    restoredDir = join(pgbackrestDir, 'restored');
    await mkdir(restoredDir, { mode: 0o700 });
    await chownToPostgres(restoredDir);
    expectSuccess(await pgbackrest(['restore', `--pg1-path=${restoredDir}`, '--type=immediate', '--target-action=promote']), 'restore');
    // The restored server gets its own port, and does not archive into the stanza it came from.
    const port = await freePort();
    await appendFile(join(restoredDir, 'postgresql.auto.conf'), `port = ${port}\narchive_mode = off\n`);
    const logFile = join(pgbackrestDir, 'restored.log');
    await runPgBinary(cluster.binDir, 'pg_ctl', ['-D', restoredDir, '-l', logFile, '-w', '-t', '60', 'start']);
    const client = new pg.Client({ host: cluster.socketDir, port, user: 'postgres', database: 'control' });
    await client.connect();
    try {
      // pg_ctl -w returns once recovery is consistent; the promotion follows.
      await waitFor('the restored server was not promoted', async () => ((await client.query('SELECT pg_is_in_recovery() AS recovering')).rows[0].recovering ? undefined : true), 60_000, async () => logTail(logFile));
      const { rows } = await client.query('SELECT count(*)::int AS count, md5(string_agg(note, \',\' ORDER BY id)) AS digest FROM kept');
      expect(rows[0]).toEqual({ count: expectedCount, digest: expectedDigest });
      expect(expectedCount).toBe(160000);
    } finally {
      await client.end();
    }
    // The WAL to reach consistency came back through archive-get, that is GetObject on whole segments.
    expect(readFileSync(logFile, 'utf8')).toMatch(/restored log file "0000000100000000000000[0-9A-F]{2}" from archive/);
  });

  it('refuses the repo when the certificate does not verify against its CA file', async () => {
    const otherDir = join(workDir, 'other-ca');
    const other = await createLoopbackCertificate(otherDir);
    await chmod(otherDir, 0o755);
    const run = await pgbackrest(['info', '--output=json', `--repo1-storage-ca-file=${other.caFile}`, '--io-timeout=1']);
    const [stanza] = JSON.parse(run.stdout);
    expect(stanza.repo[0].status.message).toContain(`unable to verify certificate presented by '127.0.0.1:${emulator.port}'`);
  });

  it('was never answered with an emulator failure', () => {
    // pgBackRest probes for files that may not exist; NoSuchKey on those is S3's answer, not a failure.
    const unexpected = emulator.controls.errorLog.filter((error) => !(error.status === 404 && error.code === 'NoSuchKey'));
    expect(unexpected).toEqual([]);
    expect(new Set(emulator.controls.requestLog)).toEqual(new Set(['HeadObject', 'ListObjectsV2', 'PutObject', 'GetObject', 'DeleteObject', 'DeleteObjects', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']));
  });
});
