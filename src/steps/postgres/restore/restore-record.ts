/**
 * What a restore wrote into the data directory about itself (runbook-restore.json): which backup
 * it restored, from which repo, as the tool reported, for which session and step. Reconcile
 * reads it back after a crash, so the outputs still name the backup instead of nothing.
 * PostgreSQL ignores files it does not know in a data directory.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RESTORE_RECORD = 'runbook-restore.json';

export interface RestoreRecord {
  readonly format: 'runbook-restore/1';
  readonly sessionId: string;
  readonly stepId: string;
  readonly tool: string;
  readonly backupLabel: string;
  readonly backupRepo: string | null;
  readonly backupEndedAt: string | null;
  readonly backupHasErrors: boolean;
  /** Where the name comes from ("pgbackrest restore: repo1: restore backup set …"). */
  readonly namedBy: string;
  readonly targetTime: string | null;
}

export async function writeRestoreRecord(dataDir: string, record: Omit<RestoreRecord, 'format'>): Promise<void> {
  await writeFile(join(dataDir, RESTORE_RECORD), `${JSON.stringify({ format: 'runbook-restore/1', ...record }, null, 2)}\n`);
}

/** The record, or undefined when absent or not ours. */
export async function readRestoreRecord(dataDir: string): Promise<RestoreRecord | undefined> {
  const text = await readFile(join(dataDir, RESTORE_RECORD), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as RestoreRecord;
    return parsed.format === 'runbook-restore/1' && typeof parsed.backupLabel === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
