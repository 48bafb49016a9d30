/**
 * The sandbox's local PostgreSQL clusters: initdb, pg_ctl and pg_basebackup from the connection's
 * binDir, run as its OS user (runuser when we are root), argv arrays only, never a shell.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { effectiveArgv, isRoot } from '../steps/postgres/restore/commands.js';
import { confString, shellQuote } from '../steps/postgres/restore/recovery-config.js';
import type { SandboxCluster } from './layout.js';

const INSTALL = 'install postgresql-15 (apt-get install postgresql-15)';

/** Runs a program (argv only) and resolves with its output; rejects with the output's tail. */
export function runProgram(argv: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(file!, args, { timeout: options.timeoutMs ?? 60_000, cwd: '/', env: options.env ?? process.env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(`${stdout}${stderr}`);
      const tail = `${stderr || stdout}`.trim().split('\n').slice(-4).join(' | ');
      reject(new Error(`${argv.join(' ')} failed: ${tail || error.message}`));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs one of the cluster's server programs as its OS user. */
function runPg(cluster: SandboxCluster, program: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const argv = effectiveArgv({ argv: [join(cluster.binDir, program), ...args], ...(cluster.runAs ? { runAs: cluster.runAs } : {}) });
  return runProgram(argv, { timeoutMs });
}

/** Throws a ConfigError naming what to install when the server programs the sandbox needs are absent. */
export function requirePostgresBinaries(cluster: SandboxCluster): void {
  for (const program of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres']) {
    if (!existsSync(join(cluster.binDir, program))) {
      throw new ConfigError(`PostgreSQL server program ${program} not found in ${cluster.binDir}: ${INSTALL}, or set postgres.${cluster.name}.binDir`);
    }
  }
  if (isRoot() && !cluster.runAs) {
    throw new ConfigError(`PostgreSQL cannot run as root: set environments.sandbox.postgres.${cluster.name}.runAs (e.g. postgres)`);
  }
}

/** Hands a path (recursively) to the cluster's OS user when we are root. */
export async function handToOwner(cluster: SandboxCluster, path: string): Promise<void> {
  if (isRoot() && cluster.runAs) await runProgram(['chown', '-R', `${cluster.runAs}:`, path]);
}

/** Throws a ConfigError when the cluster's OS user cannot reach `directory` (a parent without o+x). */
export async function requireReachable(cluster: SandboxCluster, directory: string): Promise<void> {
  if (!isRoot() || !cluster.runAs) return;
  try {
    await runProgram(['runuser', '-u', cluster.runAs, '--', 'test', '-x', directory]);
  } catch {
    throw new ConfigError(
      `the ${cluster.runAs} user cannot reach ${directory}; let it traverse every parent directory (chmod o+x on each), or keep the runbooks file (and so the sandbox) in a directory it can reach`,
    );
  }
}

/** A running server's pid and port from postmaster.pid, when that process is alive. */
export function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  // A pid reused by another program after a crash is not our server.
  const command = readCommandLine(pid);
  if (command !== undefined && !/postgres|postmaster/.test(command)) return undefined;
  return { pid, port: Number(lines[3]) };
}

/** Whether a process exists and has not exited (signal 0 probes without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // An exited process stays a zombie until its parent (often init, for daemons) reaps it.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The process's command line (NULs as spaces); undefined where /proc is unavailable. */
export function readCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** An initialised cluster directory (PG_VERSION present). */
export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/** archive_command copying a finished segment into `walArchiveDir` (never overwriting one there). */
export function archiveCommand(walArchiveDir: string): string {
  // %f and %p are the server's placeholders; a literal % in the path must be doubled.
  const dir = shellQuote(walArchiveDir.replace(/\/+$/, '')).replace(/%/g, '%%');
  return `test ! -f ${dir}/%f && cp %p ${dir}/%f`;
}

/** Whether the server's Unix socket fits in `socketDir` (socket paths are limited to about 107 bytes). */
export function socketFits(socketDir: string, port: number): boolean {
  return Buffer.byteLength(join(socketDir, `.s.PGSQL.${port}.lock`)) < 100;
}

/**
 * The settings the live cluster runs with; they live in the data directory (postgresql.sandbox.conf)
 * so backups carry them. `archiveCommand` is the backup tool's (a copy into the WAL archive, or
 * pgBackRest's archive-push).
 */
export function liveSettings(options: { port: number; socketDir: string; archiveCommand: string }): Record<string, string> {
  // Beyond the socket length limit the sandbox uses TCP only.
  const socket = socketFits(options.socketDir, options.port);
  return {
    listen_addresses: confString('127.0.0.1'),
    port: String(options.port),
    unix_socket_directories: confString(socket ? options.socketDir : ''),
    wal_level: 'replica',
    archive_mode: 'on',
    archive_command: confString(options.archiveCommand),
    // A segment at least every minute while anything writes, so point-in-time restores reach recent changes.
    archive_timeout: '60',
    max_wal_senders: '5',
    fsync: 'off',
    log_timezone: confString('UTC'),
    timezone: confString('UTC'),
  };
}

const SETTINGS_FILE = 'postgresql.sandbox.conf';

function settingsText(settings: Record<string, string>): string {
  return `# written by runbook sandbox up\n${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`;
}

/** initdb into an empty, owned data directory and writes the sandbox settings. */
export async function initCluster(cluster: SandboxCluster, settings: Record<string, string>): Promise<void> {
  // 1 MB WAL segments keep the archive (and its S3 copy) small; trust on loopback only.
  await runPg(cluster, 'initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', cluster.user, '--no-sync', '-E', 'UTF8', '--locale=C', '--wal-segsize=1', '--no-instructions']);
  await writeFile(join(cluster.dataDir, SETTINGS_FILE), settingsText(settings));
  await appendFile(join(cluster.dataDir, 'postgresql.conf'), `\ninclude '${SETTINGS_FILE}'\n`);
  await handToOwner(cluster, cluster.dataDir);
}

/**
 * Rewrites the sandbox settings of an initialised cluster when they differ from `settings`;
 * true when it did (the caller reloads the server: archive_command takes effect on reload).
 */
export async function updateSettings(cluster: SandboxCluster, settings: Record<string, string>): Promise<boolean> {
  const path = join(cluster.dataDir, SETTINGS_FILE);
  const wanted = settingsText(settings);
  if (existsSync(path) && readFileSync(path, 'utf8') === wanted) return false;
  await writeFile(path, wanted);
  await handToOwner(cluster, path);
  return true;
}

/** Starts the cluster and waits until it accepts connections. */
export async function startCluster(cluster: SandboxCluster, logFile: string): Promise<void> {
  await runPg(cluster, 'pg_ctl', ['-D', cluster.dataDir, '-l', logFile, '-w', '-t', '30', 'start'], 40_000);
}

/** Stops a cluster: fast shutdown, then immediate, then SIGKILL; false when none was running. */
export async function stopCluster(cluster: SandboxCluster): Promise<boolean> {
  const server = runningServer(cluster.dataDir);
  if (!server) return false;
  let stopped = false;
  for (const mode of ['fast', 'immediate']) {
    try {
      await runPg(cluster, 'pg_ctl', ['-D', cluster.dataDir, '-m', mode, '-w', '-t', '3', 'stop'], 5_000);
      stopped = true;
      break;
    } catch {
      // try harder below
    }
  }
  if (!stopped && processAlive(server.pid)) process.kill(server.pid, 'SIGKILL');
  // pg_ctl returns once postmaster.pid is gone, a moment before the process (and its port) is.
  const deadline = Date.now() + 3_000;
  while (processAlive(server.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return true;
}

/** Takes a compressed tar-format base backup (with its manifest) into `directory`. */
export async function takeBaseBackup(cluster: SandboxCluster, host: string, directory: string, label: string): Promise<void> {
  await runPg(cluster, 'pg_basebackup', [
    '-h', host, '-p', String(cluster.port), '-U', cluster.user,
    '-D', directory, '-Ft', '-z', '-X', 'stream', '-c', 'fast', '-l', label, '--no-sync',
  ], 120_000);
}
