/** `runbook sandbox status`: each part of the sandbox with its state, pid, endpoint and directory. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatAge } from '../steps/postgres/result.js';
import type { PgbackrestStanza } from '../steps/shell/pgbackrest.js';
import { daemonFiles, readReady, runningDaemon } from './daemon-process.js';
import type { SandboxLayout } from './layout.js';
import { chooseBackupTool, describeBackupTool, FULL_BACKUPS_PER_REPO, readStanza, type BackupToolChoice, type PgbackrestProgram } from './pgbackrest-stanza.js';
import { isInitialised, runningServer, runProgram } from './postgres-cluster.js';
import { httpGet, httpsStatus, portInUse, s3Keys } from './probes.js';

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

/** Which backup tool the sandbox runs, and why. */
export interface SandboxBackups {
  /** The tool the sandbox environment names now (what the runbooks' checks and restores use). */
  readonly tool: 'pgbackrest' | 'pg_basebackup' | 'walg';
  /** pgBackRest's version as it reports it, when that is the tool. */
  readonly version?: string;
  /** "pgBackRest 2.45 (repo1 posix, repo2 s3 over https)", or "pg_basebackup (why)". */
  readonly detail: string;
  /** The settings file through which the environment names pgBackRest. */
  readonly settingsFile?: string;
}

export interface SandboxStatus {
  readonly file: string;
  readonly root: string;
  readonly healthy: boolean;
  readonly backups: SandboxBackups;
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

/** The environment's tool against the one `up` would set up now: a mismatch is something `up` changes. */
function backupToolPart(layout: SandboxLayout, choice: BackupToolChoice): { part: SandboxPart; backups: SandboxBackups } {
  const settingsFile = layout.backupTool === 'pgbackrest' ? layout.settingsFile : undefined;
  const base = { name: 'backup tool', state: 'present' as const, ...(settingsFile ? { directory: settingsFile } : {}) };
  const described = describeBackupTool(choice);
  const backups = (detail: string): SandboxBackups => ({
    tool: layout.backupTool,
    ...(choice.tool === 'pgbackrest' && layout.backupTool === 'pgbackrest' ? { version: choice.program.version } : {}),
    detail,
    ...(settingsFile ? { settingsFile } : {}),
  });
  if (layout.backupTool === choice.tool) {
    const detail = choice.tool === 'pgbackrest' ? `${described}, as in staging; the sandbox environment reads it from ${settingsFile}` : described;
    return { part: { ...base, healthy: true, detail }, backups: backups(described) };
  }
  const detail =
    layout.backupTool === 'pgbackrest' && choice.tool === 'pg_basebackup'
      ? `the sandbox environment names pgBackRest (${settingsFile}), but ${choice.why}; runbook sandbox up falls back to pg_basebackup`
      : choice.tool === 'pgbackrest'
        ? `pg_basebackup, but pgBackRest ${choice.program.version} is installed now: runbook sandbox up switches the sandbox to it (the staging tool)`
        : `the sandbox environment names ${layout.backupTool}, which the sandbox does not run; runbook sandbox up sets up ${described}`;
  return { part: { ...base, healthy: false, detail }, backups: backups(detail) };
}

/** One part per pgBackRest repo, from what `pgbackrest info` reports (repo2 only when the emulator answers over HTTPS). */
async function pgbackrestRepos(layout: SandboxLayout, program: PgbackrestProgram | undefined): Promise<SandboxPart[]> {
  const { pgbackrest } = layout;
  const ready = readReady(daemonFiles(layout));
  const repo2Endpoint = ready?.s3Tls ? `${ready.s3Tls.endpoint}/${layout.names.backupBucket}${pgbackrest.repo2Path}` : undefined;
  const repo1 = { name: 'pgBackRest repo1', directory: pgbackrest.repo1Path };
  const repo2 = { name: 'pgBackRest repo2', ...(repo2Endpoint ? { endpoint: repo2Endpoint } : {}) };
  const unknown = (detail: string): SandboxPart[] => [repo1, repo2].map((part) => ({ ...part, state: 'missing', healthy: false, detail }));
  if (!program) return unknown('pgBackRest is not installed here (apt-get install pgbackrest)');
  if (!existsSync(pgbackrest.configFile)) return unknown('no stanza yet');
  // pgBackRest waits io-timeout on a repo that does not answer: ask for repo1 alone when the emulator is down.
  const tlsUp = ready?.s3Tls !== undefined && (await httpsStatus(`${ready.s3Tls.endpoint}/`, join(pgbackrest.tlsDir, 'ca.crt'))) === 200;
  let stanza: PgbackrestStanza;
  try {
    stanza = await readStanza(layout, program, tlsUp ? [] : ['--repo=1']);
  } catch (error) {
    return unknown((error as Error).message);
  }
  const parts = [1, 2].map((key): SandboxPart => {
    const base = key === 1 ? repo1 : repo2;
    const kind = key === 1 ? 'posix' : `s3 over https (CA ${join(pgbackrest.tlsDir, 'ca.crt')})`;
    const repo = stanza.repos.find((candidate) => candidate.key === key);
    if (!repo) return { ...base, state: 'stopped', healthy: false, detail: `${kind}: the S3 emulator does not answer over HTTPS (runbook sandbox up restarts it)` };
    if (repo.status.code !== 0 && repo.status.code !== 2) return { ...base, state: 'missing', healthy: false, detail: `${kind}: pgBackRest reports "${repo.status.message}" (status ${repo.status.code})` };
    const backups = stanza.backups.filter((backup) => backup.repo === key);
    const counts = (['full', 'diff', 'incr'] as const).map((type) => [type, backups.filter((backup) => backup.type === type && !backup.error).length] as const).filter(([, n]) => n > 0);
    const flagged = backups.filter((backup) => backup.error).length;
    const newest = backups.at(-1);
    const archive = stanza.archives.filter((candidate) => candidate.repo === key && candidate.max).at(-1);
    const fulls = counts.find(([type]) => type === 'full')?.[1] ?? 0;
    const facts = [
      counts.length ? counts.map(([type, n]) => `${n} ${type}`).join(', ') : 'no backup',
      ...(flagged ? [`${flagged} flagged with errors`] : []),
      ...(newest ? [`newest ${newest.label}, ${formatAge((Date.now() - newest.finishedAt.getTime()) / 1000)} ago`] : []),
      archive ? `WAL ${archive.min} to ${archive.max}` : 'no WAL archived',
    ];
    return { ...base, state: 'present', healthy: fulls >= FULL_BACKUPS_PER_REPO && archive !== undefined, detail: `${kind}: ${facts.join('; ')}` };
  });
  return parts;
}

function baseBackups(layout: SandboxLayout): SandboxPart[] {
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
  // pgBackRest's repo2 needs the HTTPS endpoint, verified against the sandbox's CA.
  const tls = layout.backupTool === 'pgbackrest' ? ready?.s3Tls : undefined;
  const tlsUp = tls ? (await httpsStatus(`${tls.endpoint}/`, join(layout.pgbackrest.tlsDir, 'ca.crt'))) === 200 : true;
  const https = layout.backupTool !== 'pgbackrest' ? '' : tls ? `; HTTPS for pgBackRest on ${tls.endpoint}${tlsUp ? '' : ' does not answer'}` : '; no HTTPS endpoint for pgBackRest';
  const missingBuckets = s3Up ? buckets.filter((bucket) => !s3Answer!.body.includes(`<Name>${bucket}</Name>`)) : buckets;
  const backupKeys = s3Up ? ((await s3Keys(layout.s3.endpoint, layout.names.backupBucket)) ?? []) : [];
  const s3: SandboxPart = {
    name: 'S3 emulator',
    state: s3Up ? 'running' : 'stopped',
    healthy: s3Up && missingBuckets.length === 0 && (layout.backupTool !== 'pgbackrest' || (tls !== undefined && tlsUp)),
    ...(pid === undefined ? {} : { pid }),
    endpoint: layout.s3.endpoint,
    directory: layout.s3Dir,
    detail: !s3Up
      ? s3Answer ? 'another program answers there' : 'not answering'
      : `${missingBuckets.length ? `missing buckets ${missingBuckets.join(', ')}` : `buckets ${buckets.join(', ')}; ${backupKeys.length} backup objects`}${https}`,
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
  const choice = await chooseBackupTool(layout);
  const tool = backupToolPart(layout, choice);
  const program = choice.tool === 'pgbackrest' ? choice.program : undefined;
  const backupParts = layout.backupTool === 'pgbackrest' ? await pgbackrestRepos(layout, program) : baseBackups(layout);
  const parts = [root, await liveCluster(layout), await restoreCluster(layout), tool.part, ...backupParts, ...(await emulators(layout)), ...(await iacRepo(layout))];
  return { file: layout.file, root: layout.root, healthy: parts.every((part) => part.healthy), backups: tool.backups, parts };
}
