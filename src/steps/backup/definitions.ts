/** Parameter schemas and outputs of the backup providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { duration, num } from '../params.js';

export const backupStatusParams = z.strictObject({
  /** The newest successful backup (full or incremental) must be younger. */
  maxAge: duration().optional(),
  /** At least this many full backups… */
  minFull: num().optional(),
  /** …finished inside this window (default: all). */
  window: duration().optional(),
});

export type BackupStatusParams = z.output<typeof backupStatusParams>;

export const definitions: readonly ProviderDefinition[] = [
  defineProvider({
    name: 'backup.status',
    summary: 'Age of the newest backup and count of full backups, from the environment\'s backup tool',
    kinds: ['check'],
    mutates: false,
    params: backupStatusParams,
    outputs: ['tool', 'lastBackupAt', 'ageSeconds', 'fullCount', 'lastBackupLabel'],
  }),
];
