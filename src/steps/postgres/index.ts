/** Implementations of the postgres providers, loaded only when a step runs. */
import type { Provider } from '../provider.js';
import { archiver } from './archiver.js';
import { connection } from './connection.js';
import { discardRestore } from './discard-restore.js';
import { enableArchiving } from './enable-archiving.js';
import { extractRows } from './extract-rows.js';
import { freezeWrites, unfreezeWrites } from './freeze-writes.js';
import { invalidIndexes } from './invalid-indexes.js';
import { migrationVersion } from './migration-version.js';
import { query } from './query.js';
import { reapplyRows } from './reapply-rows.js';
import { recoveryPoint } from './recovery-point.js';
import { inRecovery, readOnly } from './recovery-state.js';
import { replicationLag } from './replication-lag.js';
import { backupForTarget } from './restore/backup-for-target.js';
import { restoreBackup } from './restore/restore-backup.js';
import { switchWal } from './switch-wal.js';

export const providers: Readonly<Record<string, Provider<any>>> = {
  'postgres.connection': connection,
  'postgres.query': query,
  'postgres.migrationVersion': migrationVersion,
  'postgres.invalidIndexes': invalidIndexes,
  'postgres.archiver': archiver,
  'postgres.replicationLag': replicationLag,
  'postgres.readOnly': readOnly,
  'postgres.inRecovery': inRecovery,
  'postgres.recoveryPoint': recoveryPoint,
  'postgres.freezeWrites': freezeWrites,
  'postgres.unfreezeWrites': unfreezeWrites,
  'postgres.switchWal': switchWal,
  'postgres.restoreBackup': restoreBackup,
  'postgres.backupForTarget': backupForTarget,
  'postgres.enableArchiving': enableArchiving,
  'postgres.discardRestore': discardRestore,
  'postgres.extractRows': extractRows,
  'postgres.reapplyRows': reapplyRows,
};
