/** `runbook sandbox status`: each part of the sandbox with its state, pid, endpoint and directory. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { daemonFiles, readReady, runningDaemon } from './daemon-process.js';
import type { SandboxLayout } from './layout.js';
import { isInitialised, runningServer, runProgram } from './postgres-cluster.js';
import { httpGet, portInUse, s3Keys } from './probes.js';

export type PartState = 'running' | 'stopped' | 'missing' | 'present' | 'empty';

export interface SandboxPart {
  readonly name: string;
  readonly state: PartState;
  readonly healthy: boolean;
  readonly pid?: number;
  readonly endpoint?: string;
  readonly directory?: string;
  readonly detail: string;
}

export interface SandboxStatus {
  readonly file: string;
  readonly root: string;
  readonly healthy: boolean;
  readonly parts: readonly SandboxPart[];
}

const WAL_SEGMENT = /^[0-9A-F]{24}$/;

/** Base backup directories that completed (pg_basebackup writes backup_manifest last). */
export function completedBaseBackups(baseBackupDir: string): string[] {
  if (!existsSync(baseBackupDir)) return [];
  return readdirSync(baseBackupDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(baseBackupDir, entry.name, 'backup_manifest')))
    .map((entry) => entry.name)
    .sort();
}

/** WAL segment files in the archive. */
export function walSegments(walArchiveDir: string): string[] {
  if (!existsSync(walArchiveDir)) return [];
  return readdirSync(walArchiveDir).filter((name) => WAL_SEGMENT.test(name)).sort();
}

/** Whether a bare repository at `path` has `ref` (asked of git itself). */
export async function gitRefExists(path: string, ref: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    await runProgram(['git', 'ls-remote', '--exit-code', path, ref], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function isEmptyDir(path: string): boolean {
  return readdirSync(path).length === 0;
}

async function liveCluster(layout: SandboxLayout): Promise<SandboxPart> {
  const { live } = layout;
  const base = { name: 'postgres live', endpoint: live.url, directory: live.dataDir };
  if (!isInitialised(live.dataDir)) return { ...base, state: 'missing', healthy: false, detail: 'no cluster yet' };
  const server = runningServer(live.dataDir);
  if (!server) return { ...base, state: 'stopped', healthy: false, detail: 'initialised but not running' };
  const onPort = server.port === live.port;
  return {
    ...base,
    state: 'running',
    pid: server.pid,
    healthy: onPort,
    detail: onPort ? `PostgreSQL, database ${live.database}, archiving WAL` : `running on port ${server.port}, not ${live.port}: run runbook sandbox down, then up`,
  };
}

async function restoreCluster(layout: SandboxLayout): Promise<SandboxPart> {
  const { restore } = layout;
  const base = { name: 'postgres restore', endpoint: restore.url, directory: restore.dataDir };
  if (!existsSync(restore.dataDir)) return { ...base, state: 'missing', healthy: false, detail: 'no restore directory yet' };
  const server = runningServer(restore.dataDir);
  if (server) return { ...base, state: 'running', pid: server.pid, healthy: true, detail: 'a cluster a restore started (runbook sandbox down removes it)' };
  if (!isEmptyDir(restore.dataDir)) return { ...base, state: 'stopped', healthy: false, detail: 'leftovers of a restore; runbook sandbox up empties it' };
  if (await portInUse(restore.port)) return { ...base, state: 'empty', healthy: false, detail: `port ${restore.port} is taken by another program` };
  return { ...base, state: 'empty', healthy: true, detail: `empty, ready for a restore (nothing on port ${restore.port})` };
}

function backups(layout: SandboxLayout): SandboxPart[] {
  const completed = completedBaseBackups(layout.baseBackupDir);
  const segments = walSegments(layout.walArchiveDir);
  return [
    {
      name: 'base backups',
      state: completed.length ? 'present' : 'missing',
      healthy: completed.length >= 2,
      directory: layout.baseBackupDir,
      detail: completed.length ? `${completed.length} (${completed.join(', ')})` : 'none',
    },
    {
      name: 'WAL archive',
      state: segments.length ? 'present' : 'missing',
      healthy: segments.length >= 1,
      directory: layout.walArchiveDir,
      detail: segments.length ? `${segments.length} segments, newest ${segments[segments.length - 1]}` : 'no segment archived',
    },
  ];
}

async function emulators(layout: SandboxLayout): Promise<SandboxPart[]> {
  const files = daemonFiles(layout);
  const pid = runningDaemon(files);
  const ready = pid === undefined ? undefined : readReady(files);
  const daemon: SandboxPart = {
    name: 'daemon',
    state: pid === undefined ? (existsSync(files.pid) ? 'stopped' : 'missing') : 'running',
    healthy: pid !== undefined && ready !== undefined,
    ...(pid === undefined ? {} : { pid }),
    directory: layout.daemonDir,
    detail: pid === undefined ? 'not running' : ready ? `hosts both emulators; log ${files.log}` : 'starting (no ready file yet)',
  };
  const [ec2Answer, s3Answer] = await Promise.all([httpGet(`${layout.ec2.endpoint}/__emulator/state`), httpGet(`${layout.s3.endpoint}/`)]);
  const ec2Up = pid !== undefined && ec2Answer?.status === 200;
  const ec2: SandboxPart = {
    name: 'EC2 emulator',
    state: ec2Up ? 'running' : 'stopped',
    healthy: ec2Up,
    ...(pid === undefined ? {} : { pid }),
    endpoint: layout.ec2.endpoint,
    detail: ec2Up ? `${layout.names.volumeId}, its snapshots, recovery instance ${layout.names.recoveryInstanceId}` : ec2Answer ? 'another program answers there' : 'not answering',
  };
  const buckets = [layout.names.backupBucket, layout.names.keyBucket, layout.names.auditBucket];
  const s3Up = pid !== undefined && s3Answer?.status === 200;
  const missingBuckets = s3Up ? buckets.filter((bucket) => !s3Answer!.body.includes(`<Name>${bucket}</Name>`)) : buckets;
  const backupKeys = s3Up ? ((await s3Keys(layout.s3.endpoint, layout.names.backupBucket)) ?? []) : [];
  const s3: SandboxPart = {
    name: 'S3 emulator',
    state: s3Up ? 'running' : 'stopped',
    healthy: s3Up && missingBuckets.length === 0,
    ...(pid === undefined ? {} : { pid }),
    endpoint: layout.s3.endpoint,
    directory: layout.s3Dir,
    detail: !s3Up
      ? s3Answer ? 'another program answers there' : 'not answering'
      : missingBuckets.length ? `missing buckets ${missingBuckets.join(', ')}` : `buckets ${buckets.join(', ')}; ${backupKeys.length} backup objects`,
  };
  return [daemon, ec2, s3];
}

async function iacRepo(layout: SandboxLayout): Promise<SandboxPart[]> {
  if (!layout.iacRepo) return [];
  const ok = await gitRefExists(layout.iacRepo, layout.iacRef);
  return [{ name: 'IaC repository', state: ok ? 'present' : 'missing', healthy: ok, directory: layout.iacRepo, detail: ok ? `bare git repository with ${layout.iacRef}` : 'not created' }];
}

/** Every part's state; healthy when each part is. */
export async function sandboxStatus(layout: SandboxLayout): Promise<SandboxStatus> {
  const rootPresent = existsSync(layout.marker);
  const root: SandboxPart = {
    name: 'sandbox directory',
    state: rootPresent ? 'present' : 'missing',
    healthy: rootPresent,
    directory: layout.root,
    detail: rootPresent ? 'made by runbook sandbox up' : existsSync(layout.root) ? 'exists but was not made by runbook sandbox' : 'absent',
  };
  const parts = [root, await liveCluster(layout), await restoreCluster(layout), ...backups(layout), ...(await emulators(layout)), ...(await iacRepo(layout))];
  return { file: layout.file, root: layout.root, healthy: parts.every((part) => part.healthy), parts };
}
