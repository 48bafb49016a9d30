/**
 * Throwaway PostgreSQL clusters for tests, made from the machine's server binaries.
 *
 * Each cluster lives in its own temp directory (data, WAL archive, socket, log), listens on a
 * free loopback port only, and is removed by `destroy()`. As root, every server binary runs as the
 * `postgres` user through runuser (the server refuses to run as root), so the directory is chowned
 * to that user. Settings go into postgresql.conf (not `pg_ctl -o`) so that a base backup taken from
 * the cluster carries them, as a real one would.
 *
 * Databases: `postgres` and `control` (an empty database for tests that want their own tables).
 * Auth: `trust` on loopback and the socket; `auth: 'scram'` requires a password on TCP
 * (the superuser `postgres` gets `password`, default "secret-pw"), the socket stays trust.
 *
 * Share one cluster per test file (beforeAll/afterAll): starting one takes about a second.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where the PostgreSQL 15 server binaries are (override with PG_BIN_DIR). */
export const PG_BIN_DIR = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/** The OS user that owns cluster files when tests run as root. */
export const PG_OS_USER = 'postgres';

export interface ClusterOptions {
  /** WAL archiving into `archiveDir` (default true). */
  archive?: boolean;
  /** Extra postgresql.conf settings, e.g. `{ max_connections: '5' }`; values are written as given (quote strings yourself). */
  settings?: Record<string, string>;
  /** `trust` (default) or `scram`: TCP connections need the password. */
  auth?: 'trust' | 'scram';
  /** The superuser's password when `auth` is `scram` (default "secret-pw"). */
  password?: string;
}

export interface TestCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (with the password when auth is scram). */
  url: string;
  port: number;
  dataDir: string;
  archiveDir: string;
  binDir: string;
  /** The temp directory holding everything (removed by destroy). */
  baseDir: string;
  /** The directory of the server's Unix socket. */
  socketDir: string;
  /** The server log (pg_ctl -l). */
  logFile: string;
  /** A URL for another database and/or user on this cluster (no password unless given). */
  urlFor(database: string, user?: string, password?: string): string;
  /** Runs one statement as the superuser over the socket (own connection, closed after) and returns the rows. */
  query(sql: string, params?: unknown[], database?: string): Promise<any[]>;
  /** Starts the server again after stop(). */
  start(): Promise<void>;
  /** Stops the server (fast shutdown); files stay. */
  stop(): Promise<void>;
  /** Stops the server immediately and removes every file; safe to call twice. */
  destroy(): Promise<void>;
}

/** Runs a PostgreSQL binary (as the postgres user when we are root); rejects with its output on failure. */
export async function runPgBinary(binDir: string, program: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const binary = join(binDir, program);
  if (!existsSync(binary)) {
    throw new Error(`${binary} not found: install postgresql-15 (apt-get install postgresql-15)`);
  }
  const [file, argv] = isRoot() ? ['runuser', ['-u', PG_OS_USER, '--', binary, ...args]] : [binary, [...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: options.timeoutMs ?? 60_000, cwd: tmpdir() }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Hands a path (recursively) to the postgres user when we are root, so the server can use it. */
export async function chownToPostgres(path: string): Promise<void> {
  if (!isRoot()) return;
  await new Promise<void>((resolve, reject) => {
    execFile('chown', ['-R', `${PG_OS_USER}:`, path], (error) => (error ? reject(error) : resolve()));
  });
}

/** Makes, configures and starts a throwaway cluster. */
export async function createCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const binDir = PG_BIN_DIR;
  const baseDir = await mkdtemp(join(tmpdir(), 'runbook-pg-'));
  const dataDir = join(baseDir, 'data');
  const archiveDir = join(baseDir, 'archive');
  const socketDir = join(baseDir, 'socket');
  const logFile = join(baseDir, 'server.log');
  await mkdir(archiveDir);
  await mkdir(socketDir);
  await chownToPostgres(baseDir);

  const scram = options.auth === 'scram';
  const password = options.password ?? 'secret-pw';
  let port = 0;
  let running = false;
  let destroyed = false;

  const pgCtl = (args: string[]) => runPgBinary(binDir, 'pg_ctl', ['-D', dataDir, ...args]);

  const query = async (sql: string, params: unknown[] = [], database = 'postgres'): Promise<any[]> => {
    const client = new pg.Client({ host: socketDir, port, user: 'postgres', database });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  const start = async () => {
    await pgCtl(['-l', logFile, '-w', '-t', '60', 'start']);
    running = true;
  };

  const cluster: TestCluster = {
    get url() {
      return cluster.urlFor('postgres', 'postgres', scram ? password : undefined);
    },
    get port() {
      return port;
    },
    dataDir,
    archiveDir,
    binDir,
    baseDir,
    socketDir,
    logFile,
    urlFor(database, user = 'postgres', pass) {
      const auth = pass === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(pass)}`;
      return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    },
    query,
    start,
    async stop() {
      if (!running) return;
      await pgCtl(['-m', 'fast', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running || existsSync(join(dataDir, 'postmaster.pid'))) {
        await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        running = false;
      }
      await rm(baseDir, { recursive: true, force: true });
    },
  };

  try {
    const authArgs = scram ? ['-A', 'trust', '--auth-host=scram-sha-256'] : ['-A', 'trust'];
    await runPgBinary(binDir, 'initdb', ['-D', dataDir, ...authArgs, '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const archive = options.archive ?? true;
    const settings: Record<string, string> = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${socketDir}'`,
      fsync: 'off',
      wal_level: 'replica',
      archive_mode: archive ? 'on' : 'off',
      archive_command: archive ? `'cp %p ${archiveDir}/%f'` : "''",
      ...options.settings,
    };
    // The port is chosen last and retried: another process may take a free port before we bind it.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const conf = Object.entries({ ...settings, port: String(port) })
        .map(([name, value]) => `${name} = ${value}`)
        .join('\n');
      await writeFile(join(dataDir, 'postgresql.runbook-test.conf'), `${conf}\n`);
      if (attempt === 1) await appendFile(join(dataDir, 'postgresql.conf'), "\ninclude 'postgresql.runbook-test.conf'\n");
      await chownToPostgres(dataDir);
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    await query('CREATE DATABASE control');
    if (scram) await query(`ALTER ROLE postgres PASSWORD '${password.replace(/'/g, "''")}'`);
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
