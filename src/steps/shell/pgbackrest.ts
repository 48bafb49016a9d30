/**
 * Parses `pgbackrest info --output=json`.
 *
 * Format, as documented by pgBackRest ("The JSON output contains far more information than the
 * text output and is kept stable", pgbackrest.org/command.html#command-info) and as read by
 * woblerr/pgbackrest_exporter (backrest/backrest_struct.go): an array of stanzas
 *   { name, status: { code, message, lock }, backup: [ … ], db: [ … ], archive: [ … ], repo: [ … ] }
 * where each backup is
 *   { label: "20240101-010101F", type: "full" | "diff" | "incr", timestamp: { start, stop } (epoch
 *     seconds), error: bool (pgBackRest >= 2.36: the backup holds checksum errors), info, lsn, … }.
 * Stanza status codes come from pgBackRest's src/command/info/info.c: 0 ok, 1 missing stanza
 * path, 2 no valid backups, 3 missing stanza data, 4+ mixed / other errors.
 */
import { formatFailure, toDate, type BackupEntry, type BackupList, type BackupType } from './backup-list.js';

/** Stanza status codes of `pgbackrest info` (src/command/info/info.c). */
export const PGBACKREST_STATUS = { ok: 0, missingStanzaPath: 1, noBackup: 2, missingStanzaData: 3 } as const;

export interface PgbackrestStanza {
  readonly name: string;
  readonly status: { readonly code: number; readonly message: string };
  readonly backups: BackupEntry[];
}

export interface PgbackrestInfo extends BackupList {
  /** The stanzas parsed (only the one asked for, when `stanza` is given and present). */
  readonly stanzas: PgbackrestStanza[];
}

const TYPES: readonly string[] = ['full', 'diff', 'incr'];

/** Parses the JSON printed by `pgbackrest info --output=json`; `stanza` keeps only that stanza. */
export function parsePgbackrestInfo(json: unknown, stanza?: string): PgbackrestInfo {
  if (!Array.isArray(json)) throw formatFailure('pgbackrest info', 'expected a JSON array of stanzas');
  const stanzas = json.map((entry, index) => parseStanza(entry, index)).filter((parsed) => stanza === undefined || parsed.name === stanza);
  return { stanzas, backups: stanzas.flatMap((parsed) => parsed.backups) };
}

function parseStanza(entry: unknown, index: number): PgbackrestStanza {
  const record = asObject(entry, `stanza ${index}`);
  const name = typeof record.name === 'string' ? record.name : undefined;
  if (!name) throw formatFailure('pgbackrest info', `stanza ${index} has no "name"`);
  const status = record.status === undefined ? {} : asObject(record.status, `stanza "${name}" status`);
  const code = typeof status.code === 'number' ? status.code : 0;
  const message = typeof status.message === 'string' ? status.message : code === 0 ? 'ok' : `status ${code}`;
  const backupList = record.backup ?? [];
  if (!Array.isArray(backupList)) throw formatFailure('pgbackrest info', `stanza "${name}": "backup" is not an array`);
  return {
    name,
    status: { code, message },
    backups: backupList.map((backup, position) => parseBackup(backup, `stanza "${name}" backup ${position}`)),
  };
}

function parseBackup(entry: unknown, where: string): BackupEntry {
  const record = asObject(entry, where);
  const label = typeof record.label === 'string' ? record.label : undefined;
  if (!label) throw formatFailure('pgbackrest info', `${where} has no "label"`);
  const type = typeof record.type === 'string' && TYPES.includes(record.type) ? (record.type as BackupType) : undefined;
  if (!type) throw formatFailure('pgbackrest info', `backup ${label} has type ${JSON.stringify(record.type)}, expected full, diff or incr`);
  const timestamp = record.timestamp === undefined ? {} : asObject(record.timestamp, `backup ${label} timestamp`);
  const startedAt = toDate(timestamp.start);
  const finishedAt = toDate(timestamp.stop);
  if (!startedAt || !finishedAt) throw formatFailure('pgbackrest info', `backup ${label} lacks timestamp.start/stop (epoch seconds)`);
  return { label, type, startedAt, finishedAt, ok: record.error !== true };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw formatFailure('pgbackrest info', `${where} is not an object`);
  }
  return value as Record<string, unknown>;
}
