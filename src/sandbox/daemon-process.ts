/**
 * The sandbox daemon seen from outside: where its files are, starting it detached (stdio to a
 * log file) and waiting for its ready file, finding it again, and stopping it.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxLayout, SandboxNames } from './layout.js';
import { processAlive, readCommandLine } from './postgres-cluster.js';

/** What the daemon reads at start (written by `up`). */
export interface DaemonConfig {
  readonly ec2Port: number;
  readonly s3Port: number;
  readonly s3Dir: string;
  readonly ec2SeedFile: string;
  /** The EC2 emulator's state, saved as it changes so a restarted daemon keeps volumes a drill made. */
  readonly ec2StateFile: string;
  readonly readyFile: string;
  readonly pidFile: string;
  readonly names: SandboxNames;
  /** Mirror the pg_basebackup backups into the backup bucket (not with pgBackRest: its repo2 is there). */
  readonly mirrorBackups: boolean;
  readonly baseBackupDir: string;
  readonly walArchiveDir: string;
  /**
   * Also serve the S3 store over HTTPS, for pgBackRest, on a free port other than `avoidPorts`
   * (the sandbox's other ports); the plain HTTP endpoint stays on `s3Port` for the runbooks' checks.
   */
  readonly s3Tls?: { readonly certFile: string; readonly keyFile: string; readonly avoidPorts: readonly number[] };
  readonly syncIntervalMs: number;
}

/** What the daemon writes once both emulators listen and the first sync is done. */
export interface DaemonReady {
  readonly pid: number;
  readonly startedAt: string;
  readonly ec2: { readonly endpoint: string; readonly port: number };
  readonly s3: { readonly endpoint: string; readonly port: number };
  /** The same S3 store over HTTPS, when the config asked for it. */
  readonly s3Tls?: { readonly endpoint: string; readonly port: number };
}

export interface DaemonFiles {
  readonly config: string;
  readonly ready: string;
  readonly pid: string;
  readonly log: string;
}

export function daemonFiles(layout: SandboxLayout): DaemonFiles {
  return {
    config: join(layout.daemonDir, 'daemon.json'),
    ready: join(layout.daemonDir, 'ready.json'),
    pid: join(layout.daemonDir, 'daemon.pid'),
    log: join(layout.logDir, 'daemon.log'),
  };
}

/** The S3 emulator's certificate, for the HTTPS endpoint pgBackRest uses. */
export interface DaemonTls {
  readonly certFile: string;
  readonly keyFile: string;
}

/** What the daemon should run with: `tls` for pgBackRest (then no pg_basebackup mirror), none for pg_basebackup. */
export function daemonConfig(layout: SandboxLayout, tls?: DaemonTls): DaemonConfig {
  const files = daemonFiles(layout);
  return {
    ec2Port: layout.ec2.port,
    s3Port: layout.s3.port,
    s3Dir: layout.s3Dir,
    ec2SeedFile: layout.ec2SeedFile,
    ec2StateFile: join(layout.daemonDir, 'ec2-state.json'),
    readyFile: files.ready,
    pidFile: files.pid,
    names: layout.names,
    mirrorBackups: !tls,
    baseBackupDir: layout.baseBackupDir,
    walArchiveDir: layout.walArchiveDir,
    ...(tls ? { s3Tls: { ...tls, avoidPorts: [layout.live.port, layout.restore.port, layout.ec2.port, layout.s3.port] } } : {}),
    syncIntervalMs: 5_000,
  };
}

/** The config the running daemon was started with, as written to its directory. */
export function writtenConfig(files: DaemonFiles): DaemonConfig | undefined {
  try {
    return JSON.parse(readFileSync(files.config, 'utf8')) as DaemonConfig;
  } catch {
    return undefined;
  }
}

/** The built daemon script: dist/sandbox-daemon.js, found from this module (the bundle splits code into dist/chunks/). */
export function daemonScriptPath(): string | undefined {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    for (const candidate of [join(directory, 'sandbox-daemon.js'), join(directory, 'dist', 'sandbox-daemon.js')]) {
      if (existsSync(candidate)) return candidate;
    }
    directory = dirname(directory);
  }
  return undefined;
}

/** The running daemon's pid, when its pid file names a live sandbox daemon. */
export function runningDaemon(files: DaemonFiles): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(files.pid, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  const command = readCommandLine(pid);
  return command === undefined || command.includes('sandbox-daemon') ? pid : undefined;
}

/** The daemon's ready file, if it wrote one. */
export function readReady(files: DaemonFiles): DaemonReady | undefined {
  try {
    return JSON.parse(readFileSync(files.ready, 'utf8')) as DaemonReady;
  } catch {
    return undefined;
  }
}

function logTail(log: string): string {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the daemon detached and resolves once it is ready; rejects with its log's tail if it exits first. */
export async function startDaemon(layout: SandboxLayout, script: string, config: DaemonConfig, timeoutMs = 15_000): Promise<DaemonReady> {
  const files = daemonFiles(layout);
  writeFileSync(files.config, `${JSON.stringify(config, null, 2)}\n`);
  const log = openSync(files.log, 'a');
  let exited: string | undefined;
  try {
    const child = spawn(process.execPath, [script, files.config], { detached: true, stdio: ['ignore', log, log], cwd: layout.root });
    child.once('exit', (code, signal) => (exited = signal ?? String(code)));
    child.once('error', (error) => (exited = error.message));
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = readReady(files);
    if (ready && processAlive(ready.pid)) return ready;
    if (exited !== undefined) throw new Error(`the sandbox daemon exited (${exited}) before it was ready: ${logTail(files.log) || `see ${files.log}`}`);
    await sleep(50);
  }
  throw new Error(`the sandbox daemon was not ready within ${timeoutMs / 1000} s; see ${files.log}`);
}

/** Stops the daemon: SIGTERM, then SIGKILL after `graceMs`; false when none was running. */
export async function stopDaemon(files: DaemonFiles, graceMs = 2_000): Promise<boolean> {
  const pid = runningDaemon(files);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(25);
  if (processAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (processAlive(pid)) await sleep(10);
  }
  return true;
}
