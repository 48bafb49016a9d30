/**
 * `runbook sandbox up|down`: makes the local staging environment the runbooks file's `sandbox`
 * environment describes, checks and repairs it part by part (a second `up` changes nothing that
 * is healthy), and removes everything it made.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigError, OperatorError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { daemonConfig, daemonFiles, daemonScriptPath, readReady, runningDaemon, startDaemon, stopDaemon, writtenConfig, type DaemonReady, type DaemonTls } from './daemon-process.js';
import type { Ec2Seed } from './ec2-emulator/index.js';
import { pgbackrestEnvironmentSettings, removeEnvironmentSettings, writeEnvironmentSettings } from './environment-settings.js';
import type { SandboxCluster, SandboxLayout } from './layout.js';
import {
  chooseBackupTool,
  describeBackupTool,
  ensurePgbackrestBackups,
  ensureStanza,
  pgbackrestArchiveCommand,
  pgbackrestConfig,
  readStanza,
  type BackupToolChoice,
  type PgbackrestProgram,
} from './pgbackrest-stanza.js';
import {
  archiveCommand,
  handToOwner,
  initCluster,
  isInitialised,
  liveSettings,
  requirePostgresBinaries,
  requireReachable,
  runningServer,
  runProgram,
  startCluster,
  stopCluster,
  takeBaseBackup,
  updateSettings,
} from './postgres-cluster.js';
import { httpGet, httpsStatus, portInUse, s3Keys } from './probes.js';
import { ec2Seed, seedControlPlane } from './seed.js';
import { completedBaseBackups, gitRefExists, sandboxStatus, walSegments, type SandboxStatus } from './status.js';
import { ensureLoopbackCertificate } from './tls-certificate.js';

/** Receives one line per thing `up` or `down` does. */
export type Progress = (line: string) => void;

const BASE_BACKUPS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withDatabase<T>(cluster: SandboxCluster, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: cluster.user, database, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Refuses before anything is made: missing programs, a directory that is not ours, ports other programs hold. */
async function preflight(layout: SandboxLayout): Promise<string> {
  requirePostgresBinaries(layout.live);
  requirePostgresBinaries(layout.restore);
  const script = daemonScriptPath();
  if (!script) throw new ConfigError('the sandbox daemon is not built (dist/sandbox-daemon.js is missing): run npm run build');
  if (existsSync(layout.root) && !existsSync(layout.marker) && readdirSync(layout.root).length > 0) {
    throw new ConfigError(`${layout.root} exists and was not made by runbook sandbox: move it aside, or point the sandbox's dataDirs in ${layout.fileLabel} elsewhere`);
  }
  const taken: number[] = [];
  const liveServer = runningServer(layout.live.dataDir);
  if (!liveServer && (await portInUse(layout.live.port))) taken.push(layout.live.port);
  if (!runningServer(layout.restore.dataDir) && (await portInUse(layout.restore.port))) taken.push(layout.restore.port);
  if (runningDaemon(daemonFiles(layout)) === undefined) {
    for (const port of [layout.ec2.port, layout.s3.port]) if (await portInUse(port)) taken.push(port);
  }
  if (taken.length) {
    const list = taken.map((port) => `127.0.0.1:${port}`).join(', ');
    throw new ConfigError(
      `${taken.length === 1 ? 'port' : 'ports'} ${list} ${taken.length === 1 ? 'is' : 'are'} in use by another program; stop it (ss -ltnp shows which) or change the sandbox ports in ${layout.fileLabel}`,
    );
  }
  return script;
}

async function makeDirectories(layout: SandboxLayout, choice: BackupToolChoice, progress: Progress): Promise<void> {
  if (!existsSync(layout.marker)) {
    await mkdir(layout.root, { recursive: true });
    await writeFile(layout.marker, `${JSON.stringify({ madeBy: 'runbook sandbox up', file: layout.file, createdAt: new Date().toISOString() }, null, 2)}\n`);
    progress(`created ${layout.root}`);
  }
  // The postgres user must traverse the root to reach its directories; everything else in it stays ours.
  await chmod(layout.root, 0o755);
  await requireReachable(layout.live, layout.root);
  for (const dir of [layout.daemonDir, layout.s3Dir]) await mkdir(dir, { recursive: true });
  const { pgbackrest } = layout;
  const backupDirs = choice.tool === 'pgbackrest' ? [pgbackrest.dir, pgbackrest.repo1Path, pgbackrest.lockDir, pgbackrest.logDir] : [layout.baseBackupDir, layout.walArchiveDir];
  for (const dir of [layout.socketDir, layout.logDir, ...backupDirs]) {
    if (existsSync(dir)) continue;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await handToOwner(layout.live, dir);
  }
}

/** The certificate the S3 emulator serves HTTPS with; its directory readable by the cluster's OS user, who runs pgBackRest. */
async function ensureCertificate(layout: SandboxLayout, progress: Progress): Promise<DaemonTls & { caFile: string; created: boolean }> {
  const certificate = await ensureLoopbackCertificate(layout.pgbackrest.tlsDir);
  // ca.crt is world-readable; server.key stays its owner's (the daemon's).
  await chmod(layout.pgbackrest.tlsDir, 0o755);
  if (certificate.created) progress(`made a loopback TLS certificate in ${layout.pgbackrest.tlsDir} (pgBackRest trusts its ca.crt)`);
  return certificate;
}

/** The EC2 seed, made once (times relative to the first `up`) so the store's rows and EC2 always agree. */
async function ensureEc2Seed(layout: SandboxLayout): Promise<Ec2Seed> {
  if (existsSync(layout.ec2SeedFile)) return JSON.parse(readFileSync(layout.ec2SeedFile, 'utf8')) as Ec2Seed;
  const seed = ec2Seed(layout.names, new Date());
  await writeFile(layout.ec2SeedFile, `${JSON.stringify(seed, null, 2)}\n`);
  return seed;
}

/** The live cluster's settings for the backup tool: its archive_command is the tool's. */
function settingsFor(layout: SandboxLayout, choice: BackupToolChoice): Record<string, string> {
  const command = choice.tool === 'pgbackrest' ? pgbackrestArchiveCommand(layout, choice.program) : archiveCommand(layout.walArchiveDir);
  return liveSettings({ port: layout.live.port, socketDir: layout.socketDir, archiveCommand: command });
}

/** Initialises (when needed) and starts the live cluster. */
async function ensureLiveCluster(layout: SandboxLayout, settings: Record<string, string>, progress: Progress): Promise<void> {
  const { live } = layout;
  if (!isInitialised(live.dataDir)) {
    // A directory initdb left half-made is ours to redo.
    await rm(live.dataDir, { recursive: true, force: true });
    await mkdir(live.dataDir, { recursive: true, mode: 0o700 });
    await handToOwner(live, live.dataDir);
    await initCluster(live, settings);
    progress(`initialised the live cluster in ${live.dataDir}`);
  }
  if (!runningServer(live.dataDir)) {
    await startCluster(live, join(layout.logDir, 'pg-live.log'));
    progress(`started the live cluster on 127.0.0.1:${live.port}`);
  }
}

/**
 * Points archive_command at the backup tool set up now (it changes when the tool does) and
 * reloads the server; true when it changed, and so the other tool's archive has a gap from now on.
 */
async function ensureArchiveCommand(layout: SandboxLayout, settings: Record<string, string>, choice: BackupToolChoice, progress: Progress): Promise<boolean> {
  if (!(await updateSettings(layout.live, settings))) return false;
  await withDatabase(layout.live, 'postgres', (client) => client.query('SELECT pg_reload_conf()'));
  progress(`set the live cluster's archive_command to ${choice.tool === 'pgbackrest' ? "pgBackRest's archive-push" : `a copy into ${layout.walArchiveDir}`}`);
  return true;
}

async function ensureControlDatabase(layout: SandboxLayout, seed: Ec2Seed, progress: Progress): Promise<void> {
  const { live } = layout;
  const created = await withDatabase(live, 'postgres', async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [live.database]);
    if (found.rowCount) return false;
    // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
    await client.query(`CREATE DATABASE ${quoteIdent(live.database)}`);
    return true;
  });
  if (created) progress(`created database ${live.database}`);
  const seeded = await withDatabase(live, live.database, async (client) => {
    const present = await client.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present");
    if (present.rows[0]?.present) return false;
    await seedControlPlane(client, seed, new Date());
    return true;
  });
  if (seeded) progress('created the control plane schema: migrations, tenants, config objects, reconcile queue, snapshot metadata');
}

function backupLabel(existing: readonly string[]): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let label = `base-${stamp}`;
  for (let n = 2; existing.includes(label); n++) label = `base-${stamp}-${n}`;
  return label;
}

async function ensureBaseBackups(layout: SandboxLayout, progress: Progress): Promise<number> {
  // A directory without backup_manifest is a backup that never finished.
  for (const entry of readdirSync(layout.baseBackupDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !existsSync(join(layout.baseBackupDir, entry.name, 'backup_manifest'))) {
      await rm(join(layout.baseBackupDir, entry.name), { recursive: true, force: true });
    }
  }
  let taken = 0;
  for (let completed = completedBaseBackups(layout.baseBackupDir); completed.length < BASE_BACKUPS; completed = completedBaseBackups(layout.baseBackupDir)) {
    const label = backupLabel(readdirSync(layout.baseBackupDir));
    await takeBaseBackup(layout.live, '127.0.0.1', join(layout.baseBackupDir, label), label);
    progress(`took base backup ${label}`);
    taken++;
  }
  return taken;
}

/** Switches to a new WAL segment and waits until the archiver has copied the finished one. */
async function switchWal(layout: SandboxLayout, progress: Progress): Promise<void> {
  await withDatabase(layout.live, 'postgres', async (client) => {
    // A WAL record first, so the switch always finishes a segment.
    await client.query("SELECT pg_logical_emit_message(false, 'runbook-sandbox', 'wal switch')");
    const finished = (await client.query('SELECT pg_walfile_name(pg_switch_wal()) AS name')).rows[0].name as string;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const row = (await client.query('SELECT last_archived_wal, last_failed_wal FROM pg_stat_archiver')).rows[0];
      if (row.last_archived_wal && row.last_archived_wal >= finished) break;
      if (Date.now() > deadline) {
        throw new OperatorError(`WAL segment ${finished} was not archived within 15 s (last failed: ${row.last_failed_wal ?? 'none'}); see ${join(layout.logDir, 'pg-live.log')}`);
      }
      await sleep(50);
    }
    progress(`switched WAL; segment ${finished} archived`);
  });
}

async function ensureRestoreDirectory(layout: SandboxLayout, progress: Progress): Promise<void> {
  const { restore } = layout;
  if (runningServer(restore.dataDir)) {
    progress(`left the restored cluster in ${restore.dataDir} running (runbook sandbox down removes it)`);
    return;
  }
  if (existsSync(restore.dataDir) && readdirSync(restore.dataDir).length > 0) {
    await rm(restore.dataDir, { recursive: true, force: true });
    progress(`emptied ${restore.dataDir} (leftovers of a restore)`);
  }
  if (!existsSync(restore.dataDir)) {
    await mkdir(restore.dataDir, { recursive: true });
    await chmod(restore.dataDir, 0o700);
    await handToOwner(restore, restore.dataDir);
  }
}

/** Whether the running daemon answers on every endpoint it should (HTTPS verified against the sandbox's CA). */
async function daemonAnswers(layout: SandboxLayout, ready: DaemonReady | undefined, caFile: string | undefined): Promise<boolean> {
  if (!ready) return false;
  const [ec2, s3, tls] = await Promise.all([
    httpGet(`${layout.ec2.endpoint}/__emulator/state`),
    httpGet(`${layout.s3.endpoint}/`),
    caFile ? (ready.s3Tls ? httpsStatus(`${ready.s3Tls.endpoint}/`, caFile) : undefined) : 200,
  ]);
  return ec2?.status === 200 && s3?.status === 200 && tls === 200;
}

/** Starts the daemon, or restarts it when it does not answer or runs with other settings (HTTPS for pgBackRest, or the pg_basebackup mirror); returns its ready file. */
async function ensureDaemon(layout: SandboxLayout, script: string, tls: (DaemonTls & { caFile: string; created: boolean }) | undefined, progress: Progress): Promise<DaemonReady> {
  const files = daemonFiles(layout);
  const wanted = daemonConfig(layout, tls && { certFile: tls.certFile, keyFile: tls.keyFile });
  const pid = runningDaemon(files);
  if (pid !== undefined) {
    const ready = readReady(files);
    const why =
      JSON.stringify(writtenConfig(files)) !== JSON.stringify(wanted)
        ? tls ? 'to serve HTTPS for pgBackRest' : 'to mirror the pg_basebackup backups'
        : !(await daemonAnswers(layout, ready, tls?.caFile))
          ? 'they did not answer'
          : tls?.created ? 'to serve the new TLS certificate' : undefined;
    if (!why) return ready!;
    await stopDaemon(files);
    progress(`restarted the emulators (${why})`);
  }
  const ready = await startDaemon(layout, script, wanted);
  const https = ready.s3Tls ? ` and ${ready.s3Tls.endpoint} (HTTPS, for pgBackRest)` : '';
  progress(`started the EC2 emulator on ${ready.ec2.endpoint} and the S3 emulator on ${ready.s3.endpoint}${https} (pid ${ready.pid})`);
  return ready;
}

/** Makes the mirror copy what is new now (the daemon syncs every few seconds anyway) and waits until it has. */
async function syncMirror(layout: SandboxLayout, ready: DaemonReady, somethingNew: boolean): Promise<void> {
  if (somethingNew) process.kill(ready.pid, 'SIGHUP');
  await waitForMirror(layout);
}

/** Waits until the backup bucket holds every completed base backup's manifest and the archived WAL. */
async function waitForMirror(layout: SandboxLayout): Promise<void> {
  const { names } = layout;
  const wanted = [
    ...completedBaseBackups(layout.baseBackupDir).map((label) => `${names.baseBackupPrefix}${label}/backup_manifest`),
    ...walSegments(layout.walArchiveDir).map((segment) => `${names.walPrefix}${segment}`),
  ];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const keys = new Set((await s3Keys(layout.s3.endpoint, names.backupBucket)) ?? []);
    const missing = wanted.filter((key) => !keys.has(key));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new OperatorError(`the S3 mirror lacks ${missing.length} objects (e.g. ${missing[0]}); see ${daemonFiles(layout).log}`);
    await sleep(100);
  }
}

/** A bare repository with one commit on the ref, made with git's plumbing (no work tree). */
async function ensureIacRepo(layout: SandboxLayout, progress: Progress): Promise<void> {
  const repo = layout.iacRepo;
  if (!repo || (await gitRefExists(repo, layout.iacRef))) return;
  const git = (args: string[], input?: string) =>
    runProgram(['git', '--git-dir', repo, ...args], {
      ...(input === undefined ? {} : { input }),
      env: { ...process.env, GIT_AUTHOR_NAME: 'runbook sandbox', GIT_AUTHOR_EMAIL: 'sandbox@localhost', GIT_COMMITTER_NAME: 'runbook sandbox', GIT_COMMITTER_EMAIL: 'sandbox@localhost' },
    });
  try {
    await rm(repo, { recursive: true, force: true });
    await runProgram(['git', 'init', '--bare', '--quiet', repo]);
    const readme = (await git(['hash-object', '-w', '--stdin'], '# Sandbox infrastructure as code\n\nThe source of truth the sandbox control plane is rebuilt from.\n')).trim();
    const tree = (await git(['mktree'], `100644 blob ${readme}\tREADME.md\n`)).trim();
    const commit = (await git(['commit-tree', tree, '-m', 'sandbox: initial infrastructure'])).trim();
    await git(['update-ref', layout.iacRef, commit]);
    await git(['symbolic-ref', 'HEAD', layout.iacRef]);
  } catch (error) {
    const missingGit = /ENOENT|not found/i.test((error as Error).message);
    throw new OperatorError(missingGit ? 'git is not installed: install git (apt-get install git) and re-run runbook sandbox up' : `creating ${repo} failed: ${(error as Error).message}`);
  }
  progress(`created the IaC repository ${repo} (${layout.iacRef})`);
}

/** Writes pgbackrest.conf for the emulator's HTTPS port (it moves when the daemon restarts). */
async function ensurePgbackrestConfig(layout: SandboxLayout, ready: DaemonReady, caFile: string, progress: Progress): Promise<void> {
  if (!ready.s3Tls) throw new OperatorError(`the sandbox daemon serves no HTTPS endpoint for pgBackRest; see ${daemonFiles(layout).log}`);
  const { configFile } = layout.pgbackrest;
  const text = pgbackrestConfig(layout, { port: ready.s3Tls.port, caFile });
  const before = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
  if (before === text) return;
  await writeFile(configFile, text, { mode: 0o640 });
  await chmod(configFile, 0o640);
  await handToOwner(layout.live, configFile);
  progress(
    before === undefined
      ? `wrote ${configFile} (stanza ${layout.pgbackrest.stanza}: repo1 ${layout.pgbackrest.repo1Path}, repo2 ${ready.s3Tls.endpoint}/${layout.names.backupBucket}${layout.pgbackrest.repo2Path})`
      : before.includes(`\nrepo2-storage-port=${ready.s3Tls.port}\n`)
        ? `rewrote ${configFile} (its settings had changed)`
        : `pointed pgBackRest's repo2 at ${ready.s3Tls.endpoint} in ${configFile}`,
  );
}

/** The pgBackRest stanza with both repos and their backups; the environment's settings file then names it. */
async function ensurePgbackrestBackupsUp(layout: SandboxLayout, program: PgbackrestProgram, seed: Ec2Seed, settings: Record<string, string>, choice: BackupToolChoice, progress: Progress): Promise<void> {
  const systemId = await withDatabase(layout.live, 'postgres', async (client) => String((await client.query('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0].id));
  // Before the control database is made, so the first segments it fills have a stanza to go to.
  await ensureStanza(layout, program, systemId, progress);
  // Backups from before an earlier switch to pg_basebackup cannot be rolled forward across the WAL pgBackRest missed.
  const switched = await ensureArchiveCommand(layout, settings, choice, progress);
  await ensureControlDatabase(layout, seed, progress);
  const taken = await ensurePgbackrestBackups(layout, program, switched, progress);
  const stanza = await readStanza(layout, program);
  const broken = stanza.repos.find((repo) => repo.status.code !== 0);
  if (broken) throw new OperatorError(`pgBackRest reports repo${broken.key} of stanza ${stanza.name}: ${broken.status.message}; see ${layout.pgbackrest.logDir}, or run runbook sandbox down to start over`);
  const withoutWal = stanza.repos.filter((repo) => !stanza.archives.some((archive) => archive.repo === repo.key && archive.max));
  if (taken === 0 && withoutWal.length > 0) await switchWal(layout, progress);
  if (await writeEnvironmentSettings(layout.settingsFile!, pgbackrestEnvironmentSettings(layout, program))) {
    progress(`wrote ${layout.settingsFile}: the sandbox environment now uses pgBackRest (stanza ${layout.pgbackrest.stanza}, --config=${layout.pgbackrest.configFile})`);
  }
}

/** Base backups by pg_basebackup and a WAL archive by copy, mirrored into the backup bucket; the environment as the runbooks file writes it. */
async function ensureBaseBackupsUp(layout: SandboxLayout, seed: Ec2Seed, settings: Record<string, string>, choice: BackupToolChoice, ready: DaemonReady, progress: Progress): Promise<void> {
  if (await ensureArchiveCommand(layout, settings, choice, progress)) {
    // They cannot be rolled forward across the WAL that went to pgBackRest instead of the archive.
    const stale = completedBaseBackups(layout.baseBackupDir);
    for (const label of stale) await rm(join(layout.baseBackupDir, label), { recursive: true, force: true });
    if (stale.length) progress(`removed ${stale.length} base backups from before pgBackRest ran (the WAL archive has a gap since)`);
  }
  await ensureControlDatabase(layout, seed, progress);
  const newBackups = await ensureBaseBackups(layout, progress);
  const switched = newBackups > 0 || walSegments(layout.walArchiveDir).length === 0;
  if (switched) await switchWal(layout, progress);
  await syncMirror(layout, ready, switched);
  if (layout.settingsFile && (await removeEnvironmentSettings(layout.settingsFile))) {
    progress(`removed ${layout.settingsFile}: the sandbox environment uses pg_basebackup, as ${layout.fileLabel} writes it`);
  }
}

/** Makes or repairs every part; returns the status afterwards. */
export async function sandboxUp(layout: SandboxLayout, progress: Progress = () => undefined): Promise<SandboxStatus> {
  const script = await preflight(layout);
  const choice = await chooseBackupTool(layout);
  progress(`backups: ${describeBackupTool(choice)}`);
  try {
    await makeDirectories(layout, choice, progress);
    const seed = await ensureEc2Seed(layout);
    // pgBackRest's repo2 is on the S3 emulator, so the daemon comes first, serving HTTPS.
    const tls = choice.tool === 'pgbackrest' ? await ensureCertificate(layout, progress) : undefined;
    const ready = await ensureDaemon(layout, script, tls, progress);
    if (choice.tool === 'pgbackrest') await ensurePgbackrestConfig(layout, ready, tls!.caFile, progress);
    const settings = settingsFor(layout, choice);
    await ensureLiveCluster(layout, settings, progress);
    if (choice.tool === 'pgbackrest') await ensurePgbackrestBackupsUp(layout, choice.program, seed, settings, choice, progress);
    else await ensureBaseBackupsUp(layout, seed, settings, choice, ready, progress);
    await ensureRestoreDirectory(layout, progress);
    await ensureIacRepo(layout, progress);
  } catch (error) {
    if (error instanceof OperatorError) throw error;
    // A program or server failed: say so in one line; a re-run picks up where this one stopped.
    throw new OperatorError(
      `sandbox up failed: ${(error as Error).message}; fix the cause and re-run runbook sandbox up (it keeps what is healthy), or run runbook sandbox down to start over`,
      ExitCode.failed,
    );
  }
  // The environment now names the tool set up (the settings file was just written or removed).
  return sandboxStatus({ ...layout, backupTool: choice.tool });
}

/** Stops the daemon and every cluster in the sandbox (a restored one too) and removes the directory. */
export async function sandboxDown(layout: SandboxLayout, progress: Progress = () => undefined): Promise<void> {
  if (!existsSync(layout.root)) {
    progress(`nothing to remove: ${layout.root} does not exist`);
    return;
  }
  if (!existsSync(layout.marker)) {
    throw new ConfigError(`${layout.root} was not made by runbook sandbox (no sandbox.json in it); remove it yourself if it is safe to`);
  }
  const [daemon, live, restore] = await Promise.all([stopDaemon(daemonFiles(layout)), stopCluster(layout.live), stopCluster(layout.restore)]);
  const stopped = [daemon && 'the emulators', live && 'the live cluster', restore && 'the restored cluster'].filter(Boolean);
  if (stopped.length) progress(`stopped ${stopped.join(', ')}`);
  await rm(layout.root, { recursive: true, force: true });
  progress(`removed ${layout.root}`);
}
