/**
 * Where every part of the sandbox lives, read from the runbooks file's `sandbox` environment, so
 * a copy of the file with other ports and directories makes an independent sandbox.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { LoadedRunbooks } from '../runbooks/load.js';
import type { Environment } from '../runbooks/schema.js';

/** One local Postgres cluster of the sandbox. */
export interface SandboxCluster {
  /** The connection's name in the environment: `live` or `restore`. */
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly dataDir: string;
  readonly binDir: string;
  /** The OS user that owns the cluster's files (used through runuser when we are root). */
  readonly runAs?: string;
}

/** The S3 and EC2 names the sandbox seeds (from the environment's `vars`). */
export interface SandboxNames {
  readonly backupBucket: string;
  readonly baseBackupPrefix: string;
  readonly walPrefix: string;
  readonly keyBucket: string;
  readonly keyObject: string;
  readonly auditBucket: string;
  readonly auditPrefix: string;
  readonly volumeId: string;
  readonly recoveryInstanceId: string;
}

/** Where the sandbox's pgBackRest stanza lives (used when pgBackRest is installed). */
export interface SandboxPgbackrest {
  readonly stanza: string;
  /** Holds the config file, repo1 and the lock directory; owned by the live cluster's OS user. */
  readonly dir: string;
  readonly configFile: string;
  /** repo1: a posix repo. */
  readonly repo1Path: string;
  /** repo2: this path in the backup bucket of the S3 emulator (pgBackRest's repo2-path). */
  readonly repo2Path: string;
  readonly lockDir: string;
  readonly logDir: string;
  /** The loopback certificate the S3 emulator serves HTTPS with; pgBackRest trusts its ca.crt. */
  readonly tlsDir: string;
}

export interface SandboxLayout {
  /** The runbooks file the sandbox belongs to (absolute). */
  readonly file: string;
  /** How to name the file in messages. */
  readonly fileLabel: string;
  /** The directory holding everything the sandbox makes (the parent of the clusters' data directories). */
  readonly root: string;
  /** Written by `up`: proves the directory is ours, so `down` may remove it. */
  readonly marker: string;
  readonly live: SandboxCluster;
  readonly restore: SandboxCluster;
  /** The backup tool the environment names now (after its settingsFile, if `up` wrote one). */
  readonly backupTool: 'pgbackrest' | 'pg_basebackup' | 'walg';
  /**
   * Where `up` writes the backup tool it set up, so the runbooks use it (the environment's
   * settingsFile); absent when the environment names none, and then pgBackRest cannot be used.
   */
  readonly settingsFile?: string;
  /** The pg_basebackup fallback's directories (the environment's own `backup:`). */
  readonly baseBackupDir: string;
  readonly walArchiveDir: string;
  readonly pgbackrest: SandboxPgbackrest;
  readonly socketDir: string;
  readonly logDir: string;
  readonly daemonDir: string;
  readonly s3Dir: string;
  readonly ec2SeedFile: string;
  readonly ec2: { readonly endpoint: string; readonly port: number };
  readonly s3: { readonly endpoint: string; readonly port: number };
  readonly region: string;
  readonly names: SandboxNames;
  /** The bare IaC repository to create, when `vars.iac_repo_url` is a local path inside the root. */
  readonly iacRepo?: string;
  readonly iacRef: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** The stanza's name; the bucket layout the runbooks read (vars) follows from it. */
const SANDBOX_STANZA = 'sandbox';
/** repo2's path in the backup bucket (without the leading slash, as S3 keys start). */
const PGBACKREST_REPO2_PATH = 'pgbackrest';

function fail(label: string, what: string, fix: string): never {
  throw new ConfigError(`the sandbox environment in ${label} ${what}; ${fix}`);
}

function cluster(environment: Environment, name: string, label: string): SandboxCluster {
  const connection = environment.postgres[name];
  if (!connection) fail(label, `has no postgres.${name} connection`, `add environments.sandbox.postgres.${name} (see the bundled runbooks.yaml)`);
  if (!connection.dataDir) fail(label, `gives postgres.${name} no dataDir`, `set environments.sandbox.postgres.${name}.dataDir`);
  let url: URL;
  try {
    url = new URL(connection.url);
  } catch {
    fail(label, `has a postgres.${name}.url that is not a URL`, 'use postgres://postgres@127.0.0.1:PORT/control');
  }
  if (!LOOPBACK.has(url.hostname)) fail(label, `points postgres.${name} at ${url.hostname}`, 'the sandbox runs on 127.0.0.1 only');
  const port = Number(url.port || 5432);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  return {
    name,
    url: connection.url,
    port,
    database,
    user: decodeURIComponent(url.username) || 'postgres',
    dataDir: connection.dataDir,
    binDir: connection.binDir ?? '/usr/lib/postgresql/15/bin',
    ...(connection.runAs ? { runAs: connection.runAs } : {}),
  };
}

function endpoint(environment: Environment, service: 'ec2' | 's3', label: string): { endpoint: string; port: number } {
  const value = environment.aws?.endpoints?.[service];
  if (!value) fail(label, `has no aws.endpoints.${service}`, `set it to http://127.0.0.1:PORT`);
  const url = new URL(value);
  if (!LOOPBACK.has(url.hostname) || !url.port) fail(label, `has aws.endpoints.${service} ${value}`, 'use http://127.0.0.1:PORT (the sandbox runs on loopback only)');
  return { endpoint: value.replace(/\/+$/, ''), port: Number(url.port) };
}

function text(vars: Environment['vars'], name: string, fallback: string): string {
  const value = vars[name];
  return value === undefined ? fallback : String(value);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The sandbox's layout from a loaded runbooks file; a missing or unusable `sandbox` environment is a ConfigError. */
export function sandboxLayout(loaded: LoadedRunbooks, label: string = loaded.path): SandboxLayout {
  // As written: `up` writes the settings file, so the fallback's directories and the bucket's names come from the file itself.
  const environment = (loaded.declared ?? loaded.file).environments.sandbox;
  const current = loaded.file.environments.sandbox;
  if (!environment || !current) {
    throw new ConfigError(`${label} has no "sandbox" environment; add one (copy environments.sandbox from the bundled runbooks.yaml) or pass --file with a file that has it`);
  }
  const live = cluster(environment, 'live', label);
  const restore = cluster(environment, 'restore', label);
  if (live.port === restore.port) fail(label, `gives live and restore the same port ${live.port}`, 'give the restore connection its own port');
  const backup = environment.backup;
  if (backup?.tool !== 'pg_basebackup') {
    fail(label, 'has no pg_basebackup backup settings', 'set backup: { tool: pg_basebackup, baseBackupDir, walArchiveDir } (up switches to pgBackRest through settingsFile when it is installed)');
  }
  const root = dirname(live.dataDir);
  for (const [what, path] of [
    ['postgres.restore.dataDir', restore.dataDir],
    ['backup.baseBackupDir', backup.baseBackupDir],
    ['backup.walArchiveDir', backup.walArchiveDir],
    ...(environment.settingsFile ? [['settingsFile', environment.settingsFile] as const] : []),
  ] as const) {
    if (!inside(root, path)) fail(label, `puts ${what} (${path}) outside ${root}`, `keep every sandbox directory beside postgres.live.dataDir, in ${root}`);
  }
  if (root === dirname(root)) fail(label, 'puts postgres.live.dataDir directly under /', 'use a directory of its own, e.g. .runbook-sandbox/pg-live');
  const ec2 = endpoint(environment, 'ec2', label);
  const s3 = endpoint(environment, 's3', label);
  const ports = [live.port, restore.port, ec2.port, s3.port];
  if (new Set(ports).size !== ports.length) fail(label, `uses a port twice (${ports.join(', ')})`, 'give each part its own port');
  const vars = environment.vars;
  const iacUrl = vars.iac_repo_url === undefined ? undefined : String(vars.iac_repo_url);
  // Only a local path is ours to create; the runbooks run from the file's directory, so relative paths resolve there.
  const iacPath = iacUrl && !/^[a-z][a-z0-9+.-]*:|^[^/]+@[^/]+:/i.test(iacUrl) ? resolve(dirname(loaded.path), iacUrl) : undefined;
  return {
    file: loaded.path,
    fileLabel: label,
    root,
    marker: join(root, 'sandbox.json'),
    live,
    restore,
    backupTool: current.backup?.tool ?? 'pg_basebackup',
    ...(environment.settingsFile ? { settingsFile: environment.settingsFile } : {}),
    baseBackupDir: backup.baseBackupDir,
    walArchiveDir: backup.walArchiveDir,
    pgbackrest: {
      stanza: SANDBOX_STANZA,
      dir: join(root, 'pgbackrest'),
      configFile: join(root, 'pgbackrest', 'pgbackrest.conf'),
      repo1Path: join(root, 'pgbackrest', 'repo1'),
      repo2Path: `/${PGBACKREST_REPO2_PATH}`,
      lockDir: join(root, 'pgbackrest', 'lock'),
      logDir: join(root, 'logs', 'pgbackrest'),
      tlsDir: join(root, 'tls'),
    },
    socketDir: join(root, 'run'),
    logDir: join(root, 'logs'),
    daemonDir: join(root, 'daemon'),
    s3Dir: join(root, 's3'),
    ec2SeedFile: join(root, 'ec2-seed.json'),
    ec2,
    s3,
    region: environment.aws?.region ?? 'us-east-1',
    names: {
      backupBucket: text(vars, 'backup_bucket', 'sandbox-backups'),
      baseBackupPrefix: text(vars, 'base_backup_prefix', 'postgres/base/'),
      walPrefix: text(vars, 'wal_prefix', 'postgres/wal/'),
      keyBucket: text(vars, 'key_backup_bucket', 'sandbox-keys'),
      keyObject: text(vars, 'key_backup_object', 'keys/control-plane-kek.json.enc'),
      auditBucket: text(vars, 'audit_log_bucket', 'sandbox-audit'),
      auditPrefix: text(vars, 'audit_log_prefix', 'audit/'),
      volumeId: text(vars, 'snapshot_volume_id', 'vol-0d47a000000000001'),
      recoveryInstanceId: text(vars, 'recovery_instance_id', 'i-0a11ce0000000000a'),
    },
    ...(iacPath && inside(root, iacPath) ? { iacRepo: iacPath } : {}),
    iacRef: text(vars, 'iac_ref', 'refs/heads/main'),
  };
}
