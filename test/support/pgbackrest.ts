/**
 * Real pgBackRest stanzas for tests: a throwaway PostgreSQL 15 cluster (test/support/pg-cluster.ts)
 * with data checksums, `pgbackrest archive-push` as its archive_command, one or two posix repos,
 * and the backups asked for (full, diff, incr), all taken by /usr/bin/pgbackrest itself.
 *
 * Everything pgBackRest touches (config file, repos, log, lock and spool paths) lives in one temp
 * directory owned by the postgres user; as root, every pgbackrest call runs as that user through
 * runuser, as the server's archive_command does. `binDir` holds a `pgbackrest` that does the same,
 * so a provider run with `env` (PATH) reaches the real binary as postgres: as root, a repository
 * made unreadable with chmod would otherwise still be readable.
 *
 * The failure cases (an unreadable repo, a repo moved away, broken archiving, a corrupted page, an
 * unreachable repo host) are made for real, each by one helper that returns how to undo it.
 *
 * A stanza takes 5-10 s to build (three backups, each waiting for its WAL to be archived): share
 * one per test file (beforeAll/afterAll).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chownToPostgres, createCluster, freePort, PG_OS_USER, runPgBinary, type ClusterOptions, type TestCluster } from './pg-cluster.js';

/** Where Debian's pgbackrest package puts the binary (override with PGBACKREST_BIN). */
export const PGBACKREST_BIN = process.env.PGBACKREST_BIN ?? '/usr/bin/pgbackrest';

export type PgbackrestBackupType = 'full' | 'diff' | 'incr';

/** One backup to take while building the stanza; a bare type goes to repo 1. */
export type BackupRequest = PgbackrestBackupType | { readonly type: PgbackrestBackupType; readonly repo: number };

export interface StanzaOptions {
  /** Posix repos: 1 or 2 (default 2); archive-push writes every segment to each. */
  repos?: number;
  /** Backups to take, in order (default: full, diff, incr in repo 1); rows are written before each. */
  backups?: readonly BackupRequest[];
  /** Stanza name (default "main"). */
  stanza?: string;
  /** Extra postgresql.conf settings for the cluster. */
  settings?: ClusterOptions['settings'];
}

export interface PgbackrestRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestStanza {
  readonly cluster: TestCluster;
  readonly stanza: string;
  /** The pgbackrest.conf every call uses (`--config`). */
  readonly configPath: string;
  /** The temp directory holding config, repos, log, lock and spool (removed by cleanup). */
  readonly baseDir: string;
  /** Repo paths, repo 1 first (`repoPaths[key - 1]`). */
  readonly repoPaths: readonly string[];
  readonly logPath: string;
  /** A directory holding `pgbackrest`, which runs the real binary as postgres (as root) with any arguments. */
  readonly binDir: string;
  /** Environment for a provider's process: PATH with `binDir` first. */
  readonly env: Readonly<Record<string, string>>;
  /** Arguments every call needs: `--config=…` (what an environment's `backup.args` would hold). */
  readonly args: readonly string[];
  /** Runs pgbackrest with `--config` and `args` (as postgres when root); never rejects on a non-zero exit. */
  run(args: readonly string[], options?: { config?: string }): Promise<PgbackrestRun>;
  /** Takes a backup and returns its label (as `info` reports it); rejects with pgBackRest's output on failure. */
  backup(type: PgbackrestBackupType, options?: { repo?: number }): Promise<string>;
  /** `pgbackrest info --output=json` for this stanza, parsed (`--config` may point to another config, e.g. `withUnreachableRepo`). */
  info(options?: { config?: string; stanza?: string }): Promise<any[]>;
  /** Writes `count` rows into the table `filler` (so a diff or incr has something to copy) and returns the new row count. */
  writeRows(count?: number): Promise<number>;
  /** Forces a WAL switch and returns the name of the segment that was just closed. */
  switchWal(): Promise<string>;
  /** chmod 000 on a repo's path: pgBackRest (as postgres) can no longer read it. Returns the undo. */
  makeRepoUnreadable(repo: number): Promise<() => Promise<void>>;
  /** Renames a repo's path away, as if the mount were gone. Returns the undo. */
  moveRepoAway(repo: number): Promise<() => Promise<void>>;
  /**
   * Breaks archiving: `fail` sets archive_command to an archive-push for a misspelt stanza, which
   * exits non-zero (PostgreSQL retries and counts failures in pg_stat_archiver); `drop` to
   * /bin/true, which reports success without pushing (the archive silently stops growing).
   * Returns the undo, which restores the working archive-push.
   */
  breakArchiving(mode?: 'fail' | 'drop'): Promise<() => Promise<void>>;
  /**
   * Makes a table whose first heap page is then corrupted on disk (with the server stopped, after
   * a checkpoint), so the next backup finds a page checksum error. Returns the table's file path
   * relative to the data directory. The table has autovacuum off so nothing reads it by itself.
   */
  corruptTablePage(table?: string): Promise<string>;
  /**
   * Writes a second config file that adds an S3 repo (next repo key) whose endpoint is a closed
   * loopback port, so `info` with it reports that repo's host as unreachable. Returns its path.
   */
  withUnreachableRepo(): Promise<string>;
  /** Stops the cluster and removes every file; safe to call twice. */
  cleanup(): Promise<void>;
}

const FILLER_TABLE = 'filler';

/** Fails with what to install when pgBackRest is missing. */
export function requirePgbackrest(): void {
  if (!existsSync(PGBACKREST_BIN)) {
    throw new Error(`${PGBACKREST_BIN} not found: install pgBackRest (apt-get install pgbackrest, or scripts/install-test-deps.sh)`);
  }
}

/** Builds a cluster, a stanza in its repos, and the backups asked for. */
export async function createStanza(options: StanzaOptions = {}): Promise<TestStanza> {
  requirePgbackrest();
  const stanza = options.stanza ?? 'main';
  const repoCount = options.repos ?? 2;
  if (!Number.isInteger(repoCount) || repoCount < 1 || repoCount > 4) throw new Error(`repos must be 1 to 4, got ${repoCount}`);
  const backups = options.backups ?? ['full', 'diff', 'incr'];

  const baseDir = await mkdtemp(join(tmpdir(), 'runbook-pgbackrest-'));
  const repoPaths = Array.from({ length: repoCount }, (_, index) => join(baseDir, `repo${index + 1}`));
  const logPath = join(baseDir, 'log');
  const lockPath = join(baseDir, 'lock');
  const spoolPath = join(baseDir, 'spool');
  const binDir = join(baseDir, 'bin');
  const configPath = join(baseDir, 'pgbackrest.conf');
  for (const dir of [...repoPaths, logPath, lockPath, spoolPath, binDir]) await mkdir(dir, { recursive: true });
  await chmod(baseDir, 0o755);
  await writeFile(join(binDir, 'pgbackrest'), shim(), { mode: 0o755 });

  const archivePush = archiveCommand(configPath, stanza);
  let cluster: TestCluster | undefined;
  let cleaned = false;

  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await cluster?.destroy();
    // A repo left unreadable by a test must not stop its removal.
    await Promise.all(repoPaths.map((path) => chmod(path, 0o750).catch(() => undefined)));
    await rm(baseDir, { recursive: true, force: true });
  };

  try {
    cluster = await createCluster({ settings: { archive_command: quoteSetting(archivePush), ...options.settings } });
    await enableDataChecksums(cluster);
    const globalLines = [
      '[global]',
      `log-path=${logPath}`,
      `lock-path=${lockPath}`,
      `spool-path=${spoolPath}`,
      'log-level-console=warn',
      'log-level-file=detail',
      'start-fast=y',
      // A check or backup waiting on WAL that never arrives fails in seconds, not the default minute.
      'archive-timeout=10',
      'compress-type=none',
      ...repoPaths.flatMap((path, index) => [`repo${index + 1}-path=${path}`, `repo${index + 1}-retention-full=10`]),
    ];
    const stanzaLines = [`[${stanza}]`, `pg1-path=${cluster.dataDir}`, `pg1-port=${cluster.port}`, `pg1-socket-path=${cluster.socketDir}`, 'pg1-user=postgres'];
    await writeFile(configPath, `${[...globalLines, '', ...stanzaLines].join('\n')}\n`);
    await chownToPostgres(baseDir);

    const run = (args: readonly string[], runOptions: { config?: string } = {}) => runPgbackrest([`--config=${runOptions.config ?? configPath}`, ...args]);
    const mustRun = async (args: readonly string[]) => {
      const result = await run(args);
      if (result.exitCode !== 0) throw new Error(`pgbackrest ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
      return result;
    };
    const info = async (infoOptions: { config?: string; stanza?: string } = {}) => {
      const result = await run([`--stanza=${infoOptions.stanza ?? stanza}`, '--output=json', 'info'], infoOptions);
      if (result.exitCode !== 0) throw new Error(`pgbackrest info failed (exit ${result.exitCode}):\n${result.stderr}`);
      return JSON.parse(result.stdout) as any[];
    };
    const live = cluster;
    const setArchiveCommand = async (command: string) => {
      // ALTER SYSTEM takes no bind parameters; the command is ours, quoted as a literal.
      await live.query(`ALTER SYSTEM SET archive_command = ${quoteSetting(command)}`);
      await live.query('SELECT pg_reload_conf()');
    };

    await live.query(`CREATE TABLE ${FILLER_TABLE} (id bigserial PRIMARY KEY, note text NOT NULL)`);
    await mustRun([`--stanza=${stanza}`, 'stanza-create']);

    const stanzaHandle: TestStanza = {
      cluster: live,
      stanza,
      configPath,
      baseDir,
      repoPaths,
      logPath,
      binDir,
      env: { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      args: [`--config=${configPath}`],
      run,
      async backup(type, backupOptions = {}) {
        const repo = backupOptions.repo ?? 1;
        const before = new Set(labelsIn(await info(), repo));
        await mustRun([`--stanza=${stanza}`, `--repo=${repo}`, `--type=${type}`, 'backup']);
        const label = labelsIn(await info(), repo).find((candidate) => !before.has(candidate));
        if (!label) throw new Error(`pgbackrest backup --type=${type} --repo=${repo} succeeded but info lists no new backup in repo${repo}`);
        return label;
      },
      info,
      async writeRows(count = 100) {
        await live.query(`INSERT INTO ${FILLER_TABLE} (note) SELECT 'row ' || n FROM generate_series(1, $1::int) AS n`, [count]);
        const rows = await live.query(`SELECT count(*)::int AS count FROM ${FILLER_TABLE}`);
        return rows[0].count as number;
      },
      async switchWal() {
        // pg_switch_wal() is a no-op on an idle segment; a write makes sure there is one to close.
        await live.query(`INSERT INTO ${FILLER_TABLE} (note) VALUES ('wal switch')`);
        const rows = await live.query('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
        return rows[0].segment as string;
      },
      async makeRepoUnreadable(repo) {
        const path = repoPath(repoPaths, repo);
        await chmod(path, 0o000);
        return async () => chmod(path, 0o750);
      },
      async moveRepoAway(repo) {
        const path = repoPath(repoPaths, repo);
        const away = `${path}.moved-away`;
        await rename(path, away);
        return async () => rename(away, path);
      },
      async breakArchiving(mode = 'fail') {
        // `fail` is still an archive-push (so `pgbackrest check` gets past its archive_command test), to a stanza that does not exist.
        await setArchiveCommand(mode === 'fail' ? archiveCommand(configPath, `${stanza}-misspelt`) : '/bin/true');
        return async () => {
          await live.query('ALTER SYSTEM RESET archive_command');
          await live.query('SELECT pg_reload_conf()');
        };
      },
      async corruptTablePage(table = 'corrupt_me') {
        await live.query(`CREATE TABLE ${table} (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false)`);
        await live.query(`INSERT INTO ${table} SELECT n, repeat('x', 100) FROM generate_series(1, 20) AS n`);
        const rows = await live.query(`SELECT pg_relation_filepath($1) AS path`, [table]);
        const relative = rows[0].path as string;
        await live.query('CHECKPOINT');
        await live.stop();
        // Bytes in the middle of page 0 (its free space): the page stays parseable, its checksum no longer matches.
        const file = await open(join(live.dataDir, relative), 'r+');
        try {
          await file.write(Buffer.alloc(64, 0xa5), 0, 64, 4096);
        } finally {
          await file.close();
        }
        await live.start();
        return relative;
      },
      async withUnreachableRepo() {
        const port = await freePort();
        const key = repoPaths.length + 1;
        const path = join(baseDir, `pgbackrest-unreachable-repo${key}.conf`);
        const lines = [
          ...globalLines,
          `repo${key}-type=s3`,
          `repo${key}-path=/pgbackrest`,
          `repo${key}-s3-bucket=unreachable`,
          `repo${key}-s3-endpoint=127.0.0.1`,
          `repo${key}-storage-port=${port}`,
          `repo${key}-s3-region=us-east-1`,
          `repo${key}-s3-key=test-access-key`,
          `repo${key}-s3-key-secret=test-secret-key`,
          `repo${key}-s3-uri-style=path`,
          `repo${key}-storage-verify-tls=n`,
          // pgBackRest retries a refused connection until io-timeout: keep the test short.
          'io-timeout=1',
        ];
        await writeFile(path, `${[...lines, '', ...stanzaLines].join('\n')}\n`);
        await chownToPostgres(path);
        return path;
      },
      cleanup,
    };

    for (const request of backups) {
      const { type, repo } = typeof request === 'string' ? { type: request, repo: 1 } : request;
      await stanzaHandle.writeRows();
      await stanzaHandle.backup(type, { repo });
    }
    return stanzaHandle;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The labels of the backups `info` lists in one repo, oldest first. */
export function labelsIn(info: readonly any[], repo: number): string[] {
  return (info[0]?.backup ?? []).filter((backup: any) => backup.database?.['repo-key'] === repo).map((backup: any) => backup.label as string);
}

/** Runs /usr/bin/pgbackrest with these arguments (as postgres when root). */
export function runPgbackrest(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<PgbackrestRun> {
  requirePgbackrest();
  const [file, argv] = isRoot() ? ['runuser', ['-u', PG_OS_USER, '--', PGBACKREST_BIN, ...args]] : [PGBACKREST_BIN, [...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: options.timeoutMs ?? 120_000, cwd: tmpdir(), maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`pgbackrest ${args.join(' ')} could not run: ${error.message}\n${stderr}`));
      else resolve({ exitCode: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function repoPath(repoPaths: readonly string[], repo: number): string {
  const path = repoPaths[repo - 1];
  if (!path) throw new Error(`no repo${repo}: this stanza has ${repoPaths.length} repo(s)`);
  return path;
}

/** The server's archive_command: archive-push of each segment to every repo. */
function archiveCommand(configPath: string, stanza: string): string {
  return `${PGBACKREST_BIN} --config=${configPath} --stanza=${stanza} archive-push %p`;
}

/** A postgresql.conf string value. */
function quoteSetting(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The shim in `binDir`: the real pgbackrest, as postgres when we are root. */
function shim(): string {
  const run = isRoot() ? `exec runuser -u ${PG_OS_USER} -- ${PGBACKREST_BIN} "$@"` : `exec ${PGBACKREST_BIN} "$@"`;
  // runuser keeps the caller's working directory; one postgres cannot enter would fail pgbackrest's own chdir checks.
  return `#!/bin/sh\ncd /tmp || exit 1\n${run}\n`;
}

/** pgBackRest verifies page checksums only when the cluster has them: turn them on (server stopped). */
async function enableDataChecksums(cluster: TestCluster): Promise<void> {
  await cluster.stop();
  await runPgBinary(cluster.binDir, 'pg_checksums', ['--enable', '--no-sync', '-D', cluster.dataDir]);
  await cluster.start();
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
