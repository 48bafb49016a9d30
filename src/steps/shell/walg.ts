/**
 * Parses `wal-g backup-list --detail --json`.
 *
 * Format, from WAL-G's sources: each entry is a BackupDetail, i.e. internal.BackupTime
 *   { backup_name, modification_time (older releases: "time"), wal_file_name }
 * (wal-g/wal-g internal/backup_time.go) merged with ExtendedMetadataDto
 *   { start_time, finish_time, date_fmt, hostname, data_dir, pg_version, start_lsn, finish_lsn,
 *     is_permanent, system_identifier, uncompressed_size, compressed_size, user_data }
 * (internal/databases/postgres/backup_sentinel_dto.go); times are RFC 3339 strings.
 * Delta (incremental) backups are named `base_<WAL>_D_<base WAL>` (docs/PostgreSQL.md,
 * "Create delta from specific backup"); the rest are full. WAL-G lists only backups whose
 * sentinel was uploaded, i.e. finished ones, so every listed backup counts as successful.
 */
import { formatFailure, toDate, type BackupEntry, type BackupList } from './backup-list.js';

export interface WalgBackupEntry extends BackupEntry {
  /** Kept by `wal-g delete` (backup-push --permanent). */
  readonly permanent: boolean;
}

export interface WalgBackupList extends BackupList {
  readonly backups: WalgBackupEntry[];
}

/** Parses the JSON printed by `wal-g backup-list --detail --json` (null or nothing: no backups). */
export function parseWalgBackupList(json: unknown): WalgBackupList {
  if (json === null || json === undefined) return { backups: [] };
  if (!Array.isArray(json)) throw formatFailure('wal-g backup-list', 'expected a JSON array of backups');
  return { backups: json.map((entry, index) => parseBackup(entry, index)) };
}

function parseBackup(entry: unknown, index: number): WalgBackupEntry {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw formatFailure('wal-g backup-list', `entry ${index} is not an object`);
  }
  const record = entry as Record<string, unknown>;
  const label = typeof record.backup_name === 'string' ? record.backup_name : undefined;
  if (!label) throw formatFailure('wal-g backup-list', `entry ${index} has no "backup_name"`);
  const listed = toDate(record.modification_time) ?? toDate(record.time);
  const startedAt = toDate(record.start_time) ?? listed;
  const finishedAt = toDate(record.finish_time) ?? listed;
  if (!startedAt || !finishedAt) {
    throw formatFailure('wal-g backup-list', `backup ${label} has no start_time/finish_time (run backup-list with --detail)`);
  }
  return {
    label,
    type: label.includes('_D_') ? 'incr' : 'full',
    startedAt,
    finishedAt,
    ok: true,
    permanent: record.is_permanent === true,
  };
}
