/** Implementations of the backup providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { backupStatus } from './status.js';
import { walArchive } from './wal-archive.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'backup.status': backupStatus,
  'backup.walArchive': walArchive,
};
