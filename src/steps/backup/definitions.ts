/** Parameter schemas and outputs of the backup providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { databaseRef, duration, num } from '../params.js';

const backupStatusParams = z.strictObject({
  /** The newest successful backup (full or incremental) must be younger. */
  maxAge: duration().optional(),
  /** At least this many full backups… */
  minFull: num().optional(),
  /** …finished inside this window (default: all). */
  window: duration().optional(),
});

export type BackupStatusParams = z.output<typeof backupStatusParams>;

export const walArchiveParams = z.strictObject({
  /** The live cluster (a connection name): its current WAL is what the archive must reach. */
  database: databaseRef(),
  /** Finished segments the archive may lack (archiving is asynchronous: the newest may be on its way). */
  maxBehind: num().default(1),
  /** pgBackRest: only this repo (default every repo). */
  repo: num().optional(),
});

export type WalArchiveParams = z.output<typeof walArchiveParams>;

export const definitions: readonly ProviderDefinition[] = [
  defineProvider({
    name: 'backup.status',
    summary: 'Age of the newest backup and count of full backups, from the environment\'s backup tool',
    kinds: ['check'],
    mutates: false,
    params: backupStatusParams,
    outputs: ['tool', 'lastBackupAt', 'ageSeconds', 'fullCount', 'lastBackupLabel', 'backupCount', 'failedCount', 'lastBackupRepo', 'repos'],
  }),
  defineProvider({
    name: 'backup.walArchive',
    summary: 'The WAL archive reaches the live server\'s current WAL (pgBackRest archive range per repo, or walArchiveDir)',
    kinds: ['check', 'wait'],
    mutates: false,
    params: walArchiveParams,
    outputs: ['currentWal', 'currentLsn', 'lastArchivedWal', 'segmentsBehind', 'archives'],
  }),
];
