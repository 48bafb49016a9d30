/**
 * The common shape of a backup tool's catalogue (pgBackRest, WAL-G), and the two questions a
 * runbook asks of it: how old is the last successful backup, and how many full ones are there.
 * Pure: the postgres `backup.status` provider uses the same functions on the same output.
 */
import { ProviderFailure } from '../support/call.js';

export type BackupType = 'full' | 'diff' | 'incr';

export interface BackupEntry {
  /** pgBackRest label (`20240101-010101F`) or WAL-G backup name (`base_000000010000000000000002`). */
  readonly label: string;
  readonly type: BackupType;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** False when the tool flags the backup as errored; such a backup never counts. */
  readonly ok: boolean;
}

export interface BackupList {
  readonly backups: BackupEntry[];
}

export interface BackupSummary {
  /** The successful backup that finished last (any type). */
  readonly last?: BackupEntry;
  /** Seconds between `last.finishedAt` and now. */
  readonly ageSeconds?: number;
  /** Successful full backups (finished inside the window when one is given). */
  readonly fullCount: number;
  /** Successful backups of any type. */
  readonly backupCount: number;
  /** Backups the tool flags as errored. */
  readonly failedCount: number;
}

/** Summarizes a catalogue at `now`; `windowSeconds` limits which full backups count. */
export function summarizeBackups(backups: readonly BackupEntry[], options: { now: Date; windowSeconds?: number }): BackupSummary {
  const successful = backups.filter((backup) => backup.ok);
  const last = successful.reduce<BackupEntry | undefined>(
    (newest, backup) => (!newest || backup.finishedAt > newest.finishedAt ? backup : newest),
    undefined,
  );
  const windowStart = options.windowSeconds === undefined ? undefined : options.now.getTime() - options.windowSeconds * 1000;
  const fullCount = successful.filter(
    (backup) => backup.type === 'full' && (windowStart === undefined || backup.finishedAt.getTime() >= windowStart),
  ).length;
  return {
    ...(last ? { last, ageSeconds: Math.max(0, (options.now.getTime() - last.finishedAt.getTime()) / 1000) } : {}),
    fullCount,
    backupCount: successful.length,
    failedCount: backups.length - successful.length,
  };
}

/** The failure for output that is not the documented format of `tool`. */
export function formatFailure(tool: string, problem: string): ProviderFailure {
  return new ProviderFailure(
    'expectation',
    `${tool} output is not in the expected format: ${problem}`,
    `check that argv runs ${tool} with JSON output and that its version is supported`,
  );
}

/** A Date from epoch seconds, an ISO string, or undefined when absent or unusable. */
export function toDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string' && value !== '') {
    const date = new Date(value);
    // Go marshals an unset time.Time as year 1: treat it as absent.
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1) return date;
  }
  return undefined;
}
