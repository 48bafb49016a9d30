/**
 * The sandbox's pgBackRest stanza, made by the real pgbackrest when it is installed, so drills in
 * the sandbox run the tool staging runs: repo1 a posix repo in the sandbox directory, repo2 the
 * S3 emulator over HTTPS (pgBackRest refuses plain HTTP for S3) verified against the loopback CA
 * made at `up`, `archive-push` as the live cluster's archive_command, and two full backups in
 * each repo (the runbooks count each repo on its own) plus a diff in repo1. Every call runs as the
 * cluster's OS user, as the server runs archive_command, so every file in the repos is that
 * user's. What is reported is what `pgbackrest info` printed.
 */
import { execFile } from 'node:child_process';
import { OperatorError } from '../errors.js';
import { effectiveArgv, findExecutable, toolError } from '../steps/postgres/restore/commands.js';
import { shellQuote } from '../steps/postgres/restore/recovery-config.js';
import { parsePgbackrestInfo, PGBACKREST_STATUS, type PgbackrestStanza } from '../steps/shell/pgbackrest.js';
import type { SandboxLayout } from './layout.js';
import { socketFits } from './postgres-cluster.js';

/** The installed pgbackrest: its absolute path and the version it reports. */
export interface PgbackrestProgram {
  readonly path: string;
  readonly version: string;
}

/** The tool `up` sets up, and why pg_basebackup when it is not pgBackRest. */
export type BackupToolChoice =
  | { readonly tool: 'pgbackrest'; readonly program: PgbackrestProgram }
  | { readonly tool: 'pg_basebackup'; readonly why: string };

/** Full backups `up` keeps in each repo: the runbooks' retention checks ask for two. */
export const FULL_BACKUPS_PER_REPO = 2;
const REPOS = [1, 2] as const;
const INSTALL = 'apt-get install pgbackrest for the staging tool';

/** pgBackRest when it is on PATH (where the runbooks' checks find it) and usable here; else pg_basebackup, saying why. */
export async function chooseBackupTool(layout: SandboxLayout, pathEnv = process.env.PATH ?? ''): Promise<BackupToolChoice> {
  const path = findExecutable('pgbackrest', pathEnv);
  if (!path) return { tool: 'pg_basebackup', why: `pgBackRest is not installed: ${INSTALL}` };
  if (!layout.settingsFile) {
    return {
      tool: 'pg_basebackup',
      why: `the sandbox environment in ${layout.fileLabel} has no settingsFile, through which up points the runbooks at pgBackRest: add settingsFile: .runbook-sandbox/environment.json (as in the bundled runbooks.yaml)`,
    };
  }
  if (!socketFits(layout.socketDir, layout.live.port)) {
    return { tool: 'pg_basebackup', why: `pgBackRest reaches PostgreSQL through its Unix socket, and ${layout.socketDir} is too long a path for one: keep the runbooks file in a shorter path` };
  }
  try {
    return { tool: 'pgbackrest', program: { path, version: await pgbackrestVersion(path) } };
  } catch (error) {
    return { tool: 'pg_basebackup', why: `${path} is there but does not run (${(error as Error).message}): reinstall it (${INSTALL})` };
  }
}

/** "pgBackRest 2.45 (repo1 posix, repo2 s3 over https)", or "pg_basebackup (why)". */
export function describeBackupTool(choice: BackupToolChoice): string {
  return choice.tool === 'pgbackrest' ? `pgBackRest ${choice.program.version} (repo1 posix, repo2 s3 over https)` : `pg_basebackup (${choice.why})`;
}

function execute(argv: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file!, args, { cwd: '/', timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout: `${stdout}`, stderr: `${stderr}` });
      const said = toolError({ stdout: `${stdout}`, stderr: `${stderr}` });
      reject(new Error(error.killed ? `did not finish within ${timeoutMs / 1000} s` : said || error.message));
    });
  });
}

async function pgbackrestVersion(path: string): Promise<string> {
  const { stdout } = await execute([path, 'version'], 10_000);
  const version = /pgBackRest (\S+)/.exec(stdout)?.[1];
  if (!version) throw new Error(`it printed "${stdout.trim()}", not its version`);
  return version;
}

/** Runs pgbackrest for the sandbox's stanza as the live cluster's OS user; rejects with pgBackRest's own error line. */
export async function runPgbackrest(layout: SandboxLayout, program: PgbackrestProgram, args: readonly string[], timeoutMs = 120_000): Promise<string> {
  const { pgbackrest, live } = layout;
  const argv = effectiveArgv({ argv: [program.path, `--config=${pgbackrest.configFile}`, `--stanza=${pgbackrest.stanza}`, ...args], ...(live.runAs ? { runAs: live.runAs } : {}) });
  try {
    return (await execute(argv, timeoutMs)).stdout;
  } catch (error) {
    throw new Error(`pgbackrest ${args.filter((arg) => !arg.startsWith('--')).join(' ')} failed: ${(error as Error).message} (log: ${pgbackrest.logDir})`);
  }
}

/** The live cluster's archive_command: pgBackRest's archive-push into every repo. */
export function pgbackrestArchiveCommand(layout: SandboxLayout, program: PgbackrestProgram): string {
  // %p is the server's placeholder; a literal % in a path must be doubled.
  const words = [program.path, `--config=${layout.pgbackrest.configFile}`, `--stanza=${layout.pgbackrest.stanza}`].map((word) => shellQuote(word).replace(/%/g, '%%'));
  return `${words.join(' ')} archive-push %p`;
}

/** Where repo2 answers, as pgBackRest is told: the emulator's HTTPS port, path style, the backup bucket. */
export interface Repo2Endpoint {
  readonly port: number;
  readonly caFile: string;
}

/** The pgbackrest.conf `up` writes. */
export function pgbackrestConfig(layout: SandboxLayout, repo2: Repo2Endpoint): string {
  const { pgbackrest, live } = layout;
  const lines = [
    '# Written by runbook sandbox up; rewritten when the S3 emulator moves to another port.',
    '[global]',
    `repo1-path=${pgbackrest.repo1Path}`,
    `repo1-retention-full=${FULL_BACKUPS_PER_REPO * 2}`,
    'repo2-type=s3',
    `repo2-path=${pgbackrest.repo2Path}`,
    `repo2-s3-bucket=${layout.names.backupBucket}`,
    'repo2-s3-endpoint=127.0.0.1',
    `repo2-storage-port=${repo2.port}`,
    `repo2-storage-ca-file=${repo2.caFile}`,
    `repo2-s3-region=${layout.region}`,
    'repo2-s3-uri-style=path',
    // The emulator checks no signature; these only have to be present.
    'repo2-s3-key=sandbox',
    'repo2-s3-key-secret=sandbox',
    `repo2-retention-full=${FULL_BACKUPS_PER_REPO * 2}`,
    // Small files travel in bundles: a fresh cluster is a thousand files, each an S3 request otherwise.
    'repo1-bundle=y',
    'repo2-bundle=y',
    'compress-type=lz4',
    'start-fast=y',
    // The repos are local: a wait this long means something is broken, and the error should say so
    // soon. pgBackRest retries a connection for several io-timeouts: with the emulator down, an
    // archive-push gives up after some 40 s rather than the default's 8 minutes.
    'archive-timeout=30',
    'io-timeout=5',
    `lock-path=${pgbackrest.lockDir}`,
    `log-path=${pgbackrest.logDir}`,
    'log-level-console=warn',
    // No log file by default: runbook's checks run info and check as root, and a root-owned log
    // file would be one the postgres user cannot open later. The commands postgres runs keep one.
    'log-level-file=off',
    ...['archive-push', 'archive-get', 'backup', 'expire', 'restore', 'stanza-create'].flatMap((command) => ['', `[global:${command}]`, 'log-level-file=detail']),
    '',
    `[${pgbackrest.stanza}]`,
    `pg1-path=${live.dataDir}`,
    `pg1-port=${live.port}`,
    `pg1-socket-path=${layout.socketDir}`,
    `pg1-user=${live.user}`,
    '',
  ];
  return lines.join('\n');
}

/** The stanza as `pgbackrest info` reports it. */
async function infoJson(layout: SandboxLayout, program: PgbackrestProgram, options: readonly string[]): Promise<{ json: unknown; text: string }> {
  const text = await runPgbackrest(layout, program, [...options, '--output=json', 'info'], 60_000);
  try {
    return { json: JSON.parse(text), text };
  } catch {
    throw new Error(`pgbackrest info printed no JSON: ${text.trim().slice(0, 200)}`);
  }
}

function stanzaOf(layout: SandboxLayout, json: unknown): PgbackrestStanza {
  const stanza = parsePgbackrestInfo(json, layout.pgbackrest.stanza).stanzas[0];
  if (!stanza) throw new Error(`pgbackrest info does not list stanza ${layout.pgbackrest.stanza}; is ${layout.pgbackrest.configFile} intact?`);
  return stanza;
}

/** The stanza as `pgbackrest info` reports it (`options` e.g. `--repo=1`). */
export async function readStanza(layout: SandboxLayout, program: PgbackrestProgram, options: readonly string[] = []): Promise<PgbackrestStanza> {
  return stanzaOf(layout, (await infoJson(layout, program, options)).json);
}

/**
 * The system identifier of each repo's current database (the highest db id per repo), read from
 * `info`'s text: it is a 64-bit number, which JSON.parse would round. Empty when the text does
 * not have the shape pgBackRest 2.45 prints (then nothing is taken for stale).
 */
function repoSystemIds(text: string): Map<number, string> {
  const databases = [...text.matchAll(/\{"id":(\d+),"repo-key":(\d+),"system-id":(\d+),/g)].map((match) => ({ id: Number(match[1]), repo: Number(match[2]), system: match[3]! }));
  const ids = new Map<number, string>();
  for (const database of databases.sort((a, b) => a.id - b.id)) ids.set(database.repo, database.system);
  return ids;
}

const MISSING = new Set<number>([PGBACKREST_STATUS.missingStanzaPath, PGBACKREST_STATUS.missingStanzaData]);

/** Repos that hold no stanza yet. */
function reposWithoutStanza(stanza: PgbackrestStanza): number[] {
  return stanza.repos.filter((repo) => MISSING.has(repo.status.code)).map((repo) => repo.key);
}

/**
 * Creates the stanza in every repo that lacks it. A stanza a repo holds for another database
 * (an earlier live cluster, whose data directory is gone) is deleted first: stanza-create refuses
 * a new system identifier, and its backups could not restore the live cluster anyway.
 */
export async function ensureStanza(layout: SandboxLayout, program: PgbackrestProgram, liveSystemId: string, progress: (line: string) => void): Promise<void> {
  const { json, text } = await infoJson(layout, program, []);
  let stanza = stanzaOf(layout, json);
  const unreadable = stanza.repos.find((repo) => repo.status.code === PGBACKREST_STATUS.other);
  if (unreadable) throw new OperatorError(`pgBackRest cannot read repo${unreadable.key}: ${unreadable.status.message}; fix it, or run runbook sandbox down to start over`);
  const systems = repoSystemIds(text);
  const stale = stanza.repos.filter((repo) => !MISSING.has(repo.status.code) && systems.has(repo.key) && systems.get(repo.key) !== liveSystemId).map((repo) => repo.key);
  if (stale.length) {
    // stanza-delete wants the stanza stopped and removes the stop file once it has deleted; start clears any left.
    for (const repo of stale) {
      await runPgbackrest(layout, program, ['stop']);
      await runPgbackrest(layout, program, [`--repo=${repo}`, '--force', 'stanza-delete']);
    }
    await runPgbackrest(layout, program, ['start']);
    progress(`deleted the pgBackRest stanza that ${stale.map((repo) => `repo${repo}`).join(' and ')} held for an earlier live cluster (system ${systems.get(stale[0]!)})`);
    stanza = await readStanza(layout, program);
  }
  const missing = reposWithoutStanza(stanza);
  if (missing.length === 0) return;
  await runPgbackrest(layout, program, ['stanza-create'], 60_000);
  const created = reposWithoutStanza(await readStanza(layout, program));
  if (created.length) throw new OperatorError(`pgbackrest stanza-create succeeded but info still lists no stanza in ${created.map((repo) => `repo${repo}`).join(', ')}; see ${layout.pgbackrest.logDir}`);
  progress(`created pgBackRest stanza ${layout.pgbackrest.stanza} in ${missing.map((repo) => `repo${repo} (${repoKind(repo)})`).join(' and ')}`);
}

function repoKind(repo: number): string {
  return repo === 1 ? 'posix' : 's3 over https';
}

async function takeBackup(layout: SandboxLayout, program: PgbackrestProgram, repo: number, type: 'full' | 'diff', progress: (line: string) => void): Promise<void> {
  const output = await runPgbackrest(layout, program, [`--repo=${repo}`, `--type=${type}`, '--log-level-console=info', 'backup'], 300_000);
  // pgBackRest names the set it made at info level: "new backup label = 20240101-101010F".
  const label = /new backup label = (\S+)/.exec(output)?.[1];
  progress(`took pgBackRest ${type} backup ${label ?? '(label not printed)'} in repo${repo} (${repoKind(repo)})`);
}

/**
 * Tops each repo up to two full backups (counted from `info`, flagged ones not counted), or takes
 * two new ones in each when `renew` (the older ones cannot reach the present); new fulls in repo1
 * are followed by a diff. Returns how many backups were taken.
 */
export async function ensurePgbackrestBackups(layout: SandboxLayout, program: PgbackrestProgram, renew: boolean, progress: (line: string) => void): Promise<number> {
  const stanza = await readStanza(layout, program);
  let taken = 0;
  for (const repo of REPOS) {
    const fulls = renew ? 0 : stanza.backups.filter((backup) => backup.repo === repo && backup.type === 'full' && !backup.error).length;
    for (let count = fulls; count < FULL_BACKUPS_PER_REPO; count++) {
      await takeBackup(layout, program, repo, 'full', progress);
      taken++;
    }
    // A diff only as part of making the repo's backups, not as a repair: a repo without one is healthy.
    if (repo === 1 && fulls < FULL_BACKUPS_PER_REPO) {
      await takeBackup(layout, program, repo, 'diff', progress);
      taken++;
    }
  }
  return taken;
}
