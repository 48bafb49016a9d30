/**
 * Base backups taken with pg_basebackup, kept one per directory under the environment's
 * `baseBackupDir`: a plain copy (holding `backup_label`) or tar format (`base.tar` or
 * `base.tar.gz`, maybe with `pg_wal.tar[.gz]` and `backup_manifest`). The start time comes
 * from backup_label's START TIME, else from the directory's modification time.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type BaseBackupFormat = 'plain' | 'tar' | 'tar.gz';

export interface BaseBackup {
  /** The directory name: what `backup:` refers to. */
  readonly label: string;
  readonly dir: string;
  readonly format: BaseBackupFormat;
  /** The archive (tar formats) or the directory (plain). */
  readonly source: string;
  /** pg_wal.tar[.gz] beside base.tar, when the backup carries its WAL. */
  readonly walArchive?: string;
  readonly startTime: Date;
  readonly startTimeFrom: 'backup_label' | 'mtime';
  /** When it finished: backup_manifest's modification time (written last), else the start time. */
  readonly finishedAt: Date;
  /** LABEL: from backup_label (what pg_basebackup -l set). */
  readonly backupLabel?: string;
}

/** Parses backup_label's START TIME (written in the server's log_timezone; "UTC"/"GMT" and offsets understood). */
export function parseStartTime(backupLabel: string): Date | undefined {
  const match = /^START TIME: (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (\S+))?$/m.exec(backupLabel);
  if (!match) return undefined;
  const [, date, time, zone = 'UTC'] = match;
  let iso: string | undefined;
  if (/^(UTC|GMT|Z)$/i.test(zone)) iso = `${date}T${time}Z`;
  else if (/^[+-]\d{2}(:?\d{2})?$/.test(zone)) iso = `${date}T${time}${zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  const parsed = new Date(iso ?? `${date} ${time} ${zone}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function labelLine(backupLabel: string): string | undefined {
  return /^LABEL: (.*)$/m.exec(backupLabel)?.[1];
}

function tarMember(archive: string, member: string, gzip: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('tar', [gzip ? '-xzOf' : '-xOf', archive, member], { maxBuffer: 1 << 20 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

async function describeBackup(dir: string, label: string): Promise<BaseBackup | undefined> {
  let format: BaseBackupFormat;
  let source: string;
  let labelText: string | undefined;
  if (existsSync(join(dir, 'backup_label'))) {
    format = 'plain';
    source = dir;
    labelText = await readFile(join(dir, 'backup_label'), 'utf8').catch(() => undefined);
  } else if (existsSync(join(dir, 'base.tar'))) {
    format = 'tar';
    source = join(dir, 'base.tar');
    labelText = await tarMember(source, 'backup_label', false);
  } else if (existsSync(join(dir, 'base.tar.gz'))) {
    format = 'tar.gz';
    source = join(dir, 'base.tar.gz');
    labelText = await tarMember(source, 'backup_label', true);
  } else {
    return undefined;
  }
  const walArchive = ['pg_wal.tar', 'pg_wal.tar.gz'].map((name) => join(dir, name)).find((path) => existsSync(path));
  const fromLabel = labelText ? parseStartTime(labelText) : undefined;
  const startTime = fromLabel ?? (await stat(dir)).mtime;
  const manifest = await stat(join(dir, 'backup_manifest')).catch(() => undefined);
  const finishedAt = manifest && manifest.mtime > startTime ? manifest.mtime : startTime;
  return {
    label,
    dir,
    format,
    source,
    ...(walArchive ? { walArchive } : {}),
    startTime,
    startTimeFrom: fromLabel ? 'backup_label' : 'mtime',
    finishedAt,
    ...(labelText && labelLine(labelText) ? { backupLabel: labelLine(labelText) } : {}),
  };
}

/** The base backups under `baseBackupDir`, newest first; directories that hold none are ignored. */
export async function listBaseBackups(baseBackupDir: string): Promise<BaseBackup[]> {
  const entries = await readdir(baseBackupDir, { withFileTypes: true });
  const backups = await Promise.all(
    entries.filter((entry) => entry.isDirectory()).map((entry) => describeBackup(join(baseBackupDir, entry.name), entry.name)),
  );
  return backups.filter((backup): backup is BaseBackup => backup !== undefined).sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
}
