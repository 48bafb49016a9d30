/**
 * Parses `pgbackrest info --output=json`, keeping everything a check may report: each repo's
 * status and message, each backup's repo, type, label, times, WAL range and `error` flag, and
 * the WAL archive range per repo.
 *
 * The format, as pgBackRest 2.45 prints it (checked against real stanzas in the tests, see
 * test/support/pgbackrest.ts; "kept stable", pgbackrest.org/command.html#command-info):
 *   [{ name, cipher, status: { code, message, lock: { backup: { held } } },
 *      repo: [{ key, cipher, status: { code, message } }],
 *      db: [{ id, "repo-key", "system-id", version }],
 *      archive: [{ id: "15-1", database: { id, "repo-key" }, min, max }],
 *      backup: [{ label, type, prior, reference, error, database: { id, "repo-key" },
 *                 timestamp: { start, stop } (epoch seconds), archive: { start, stop },
 *                 lsn: { start, stop }, info: { size, delta, repository: { size, delta } } }] }]
 * Status codes are pgBackRest's src/command/info/info.c: 0 ok, 1 missing stanza path, 2 no valid
 * backups, 3 missing stanza data, 4 different across repos (the stanza's status when its repos
 * disagree), 5 database mismatch across repos, 6 requested backup not found, 99 other (a repo
 * that could not be read; the message is pgBackRest's error, e.g. "[PathOpenError] … [13]
 * Permission denied" or "[HostConnectError] unable to connect to …").
 * `error: true` means pgBackRest detected errors while copying the backup's files, i.e. page
 * checksum failures: `info --set=LABEL` lists the files under "error list".
 */
import { formatFailure, toDate, type BackupEntry, type BackupList, type BackupType } from './backup-list.js';

/** Status codes of `pgbackrest info` (src/command/info/info.c). */
export const PGBACKREST_STATUS = {
  ok: 0,
  missingStanzaPath: 1,
  noBackup: 2,
  missingStanzaData: 3,
  mixed: 4,
  databaseMismatch: 5,
  backupMissing: 6,
  other: 99,
} as const;

export interface PgbackrestStatus {
  readonly code: number;
  /** pgBackRest's own message, as printed. */
  readonly message: string;
}

export interface PgbackrestRepo {
  readonly key: number;
  readonly cipher?: string;
  readonly status: PgbackrestStatus;
}

export interface PgbackrestBackup extends BackupEntry {
  readonly repo: number;
  /** pgBackRest's `error` flag: errors (page checksum failures) were detected during the backup. */
  readonly error: boolean;
  /** The WAL the backup needs to be consistent (`archive.start`/`archive.stop`). */
  readonly walStart?: string;
  readonly walStop?: string;
  /** The backup this one depends on (`prior`), for diff and incr backups. */
  readonly prior?: string;
  /** Files in which pgBackRest found errors (`error-list`; only printed by `info --set=LABEL`). */
  readonly errorList?: readonly string[];
}

export interface PgbackrestArchive {
  readonly repo: number;
  /** The archive id, e.g. "15-1" (PostgreSQL version and database history id). */
  readonly id: string;
  readonly databaseId: number;
  /** The oldest and newest WAL segment in this repo; null when the archive holds none. */
  readonly min: string | null;
  readonly max: string | null;
}

export interface PgbackrestStanza {
  readonly name: string;
  readonly status: PgbackrestStatus;
  readonly repos: PgbackrestRepo[];
  readonly backups: PgbackrestBackup[];
  readonly archives: PgbackrestArchive[];
  /** A backup or expire holds the stanza's lock right now. */
  readonly backupRunning: boolean;
}

export interface PgbackrestInfo extends BackupList {
  /** The stanzas parsed (only the one asked for, when `stanza` is given and present). */
  readonly stanzas: PgbackrestStanza[];
  readonly backups: PgbackrestBackup[];
}

const TYPES: readonly string[] = ['full', 'diff', 'incr'];
const TOOL = 'pgbackrest info';

/** Parses the JSON printed by `pgbackrest info --output=json`; `stanza` keeps only that stanza. */
export function parsePgbackrestInfo(json: unknown, stanza?: string): PgbackrestInfo {
  if (!Array.isArray(json)) throw formatFailure(TOOL, 'expected a JSON array of stanzas');
  const stanzas = json.map((entry, index) => parseStanza(entry, index)).filter((parsed) => stanza === undefined || parsed.name === stanza);
  return { stanzas, backups: stanzas.flatMap((parsed) => parsed.backups) };
}

function parseStanza(entry: unknown, index: number): PgbackrestStanza {
  const record = asObject(entry, `stanza ${index}`);
  const name = typeof record.name === 'string' ? record.name : undefined;
  if (!name) throw formatFailure(TOOL, `stanza ${index} has no "name"`);
  const where = `stanza "${name}"`;
  const status = parseStatus(record.status, `${where} status`);
  const lock = isObject(record.status) && isObject(record.status.lock) && isObject(record.status.lock.backup) ? record.status.lock.backup : {};
  // Before multi-repo support (2.33) there was no "repo" list: one repo, whose status is the stanza's.
  const repos = record.repo === undefined ? [{ key: 1, status }] : asArray(record.repo, `${where} "repo"`).map((repo, position) => parseRepo(repo, `${where} repo ${position}`));
  return {
    name,
    status,
    repos,
    backups: asArray(record.backup ?? [], `${where} "backup"`).map((backup, position) => parseBackup(backup, `${where} backup ${position}`)),
    archives: asArray(record.archive ?? [], `${where} "archive"`).map((archive, position) => parseArchive(archive, `${where} archive ${position}`)),
    backupRunning: lock.held === true,
  };
}

function parseStatus(value: unknown, where: string): PgbackrestStatus {
  const status = value === undefined ? {} : asObject(value, where);
  const code = typeof status.code === 'number' ? status.code : 0;
  const message = typeof status.message === 'string' ? status.message : code === 0 ? 'ok' : `status ${code}`;
  return { code, message };
}

function parseRepo(entry: unknown, where: string): PgbackrestRepo {
  const record = asObject(entry, where);
  if (typeof record.key !== 'number') throw formatFailure(TOOL, `${where} has no numeric "key"`);
  return { key: record.key, ...(typeof record.cipher === 'string' ? { cipher: record.cipher } : {}), status: parseStatus(record.status, `repo${record.key} status`) };
}

function parseBackup(entry: unknown, where: string): PgbackrestBackup {
  const record = asObject(entry, where);
  const label = typeof record.label === 'string' ? record.label : undefined;
  if (!label) throw formatFailure(TOOL, `${where} has no "label"`);
  const type = typeof record.type === 'string' && TYPES.includes(record.type) ? (record.type as BackupType) : undefined;
  if (!type) throw formatFailure(TOOL, `backup ${label} has type ${JSON.stringify(record.type)}, expected full, diff or incr`);
  const timestamp = record.timestamp === undefined ? {} : asObject(record.timestamp, `backup ${label} timestamp`);
  const startedAt = toDate(timestamp.start);
  const finishedAt = toDate(timestamp.stop);
  if (!startedAt || !finishedAt) throw formatFailure(TOOL, `backup ${label} lacks timestamp.start/stop (epoch seconds)`);
  const database = isObject(record.database) ? record.database : {};
  const repo = typeof database['repo-key'] === 'number' ? database['repo-key'] : 1;
  const archive = isObject(record.archive) ? record.archive : {};
  const error = record.error === true;
  return {
    label,
    type,
    startedAt,
    finishedAt,
    ok: !error,
    repo,
    error,
    ...(typeof archive.start === 'string' ? { walStart: archive.start } : {}),
    ...(typeof archive.stop === 'string' ? { walStop: archive.stop } : {}),
    ...(typeof record.prior === 'string' ? { prior: record.prior } : {}),
    ...(Array.isArray(record['error-list']) ? { errorList: record['error-list'].filter((file): file is string => typeof file === 'string') } : {}),
  };
}

function parseArchive(entry: unknown, where: string): PgbackrestArchive {
  const record = asObject(entry, where);
  const database = isObject(record.database) ? record.database : {};
  return {
    repo: typeof database['repo-key'] === 'number' ? database['repo-key'] : 1,
    id: typeof record.id === 'string' ? record.id : '?',
    databaseId: typeof database.id === 'number' ? database.id : 0,
    min: typeof record.min === 'string' ? record.min : null,
    max: typeof record.max === 'string' ? record.max : null,
  };
}

/** Why a repo cannot be used, read from pgBackRest's status code and message. */
export type RepoProblem = 'permission' | 'missing-stanza' | 'unreachable' | 'database-mismatch' | 'error';

/** A repo's status as a problem class, or undefined when the repo is usable (ok, or readable without backups). */
export function repoProblem(status: PgbackrestStatus): RepoProblem | undefined {
  if (status.code === PGBACKREST_STATUS.ok || status.code === PGBACKREST_STATUS.noBackup) return undefined;
  if (status.code === PGBACKREST_STATUS.missingStanzaPath || status.code === PGBACKREST_STATUS.missingStanzaData) return 'missing-stanza';
  if (status.code === PGBACKREST_STATUS.databaseMismatch) return 'database-mismatch';
  const message = status.message;
  if (/permission denied|\[13\]|access ?denied|forbidden|\[403\]/i.test(message)) return 'permission';
  if (/HostConnectError|HostResolveError|unable to connect|connection refused|could not resolve|unable to get address|timed? ?out|\[111\]|\[113\]|no route to host|network is unreachable/i.test(message)) return 'unreachable';
  if (/missing stanza|FileMissingError|PathMissingError|unable to open missing file/i.test(message)) return 'missing-stanza';
  return 'error';
}

/** Words for a repo problem, the first half of the line naming it. */
export const REPO_PROBLEM_TEXT: Readonly<Record<RepoProblem, string>> = {
  permission: 'permission denied',
  'missing-stanza': 'stanza missing',
  unreachable: 'host unreachable',
  'database-mismatch': 'database mismatch',
  error: 'unreadable',
};

/** One sentence of advice per repo problem. */
export const REPO_PROBLEM_ADVICE: Readonly<Record<RepoProblem, string>> = {
  permission: 'run pgbackrest as the user that owns the repository (usually postgres), or fix the ownership of its path',
  'missing-stanza': 'the repository path is gone or holds no stanza: check that it is mounted and repoN-path is right, or run pgbackrest stanza-create',
  unreachable: 'check the network path and credentials to the repository host (repoN-host, or the object store endpoint)',
  'database-mismatch': 'the repositories hold different databases: run pgbackrest info per repo (--repo=N) and check which one belongs to this cluster',
  error: 'run pgbackrest info --repo=N by hand and read its error',
};

/** A WAL segment name's position: timeline, and segment number counted from the start of WAL. */
export interface WalPosition {
  readonly timeline: number;
  /** (log id × segments per log id) + segment; comparable across timelines. */
  readonly segment: bigint;
}

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/;

/** Reads a 24-hex-digit WAL segment name (`000000010000000000000003`); undefined when it is not one. */
export function walPosition(name: string, segmentBytes = 16 * 1024 * 1024): WalPosition | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return undefined;
  const perLogId = 0x1_0000_0000n / BigInt(segmentBytes);
  return { timeline: parseInt(match[1]!, 16), segment: BigInt(`0x${match[2]}`) * perLogId + BigInt(`0x${match[3]}`) };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) throw formatFailure(TOOL, `${where} is not an object`);
  return value;
}

function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw formatFailure(TOOL, `${where} is not an array`);
  return value;
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
