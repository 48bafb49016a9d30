/** Parameter schemas and outputs of the postgres providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { bool, databaseRef, duration, num, text } from '../params.js';

/** A point in time written as ISO 8601 (or anything Date.parse understands, with a zone). */
export const timestamp = () =>
  text().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'expected a timestamp like "2024-05-01T10:00:00Z"' });

/** Values bound as `$1…`: each is passed as a parameter, never spliced into the SQL. */
const sqlParams = () => z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).default([]);

const scalar = () => z.union([z.string(), z.number(), z.boolean()]);

const connectionParams = z.strictObject({ database: databaseRef() });

const queryParams = z.strictObject({
  database: databaseRef(),
  sql: text(),
  params: sqlParams(),
  /** Column whose first-row value is `value`: a name or a 0-based position (default: the first). */
  column: z.union([z.string(), z.number().int().nonnegative()]).optional(),
  expect: z
    .strictObject({
      rows: z.strictObject({ equals: num().optional(), min: num().optional(), max: num().optional() }).optional(),
      value: z
        .strictObject({
          equals: scalar().optional(),
          notEquals: scalar().optional(),
          matches: z.string().optional(),
          min: num().optional(),
          max: num().optional(),
        })
        .optional(),
    })
    .optional(),
});

const migrationPresets = ['schema_migrations', 'flyway_schema_history', 'knex_migrations'] as const;

const migrationVersionParams = z
  .strictObject({
    database: databaseRef(),
    preset: z.enum(migrationPresets).optional(),
    /** A table (optionally schema-qualified, "app.migrations") and its version column. */
    table: text().optional(),
    column: text().optional(),
    expect: z.strictObject({ equals: scalar().optional(), atLeast: scalar().optional() }).optional(),
  })
  .refine((p) => (p.preset !== undefined) !== (p.table !== undefined), {
    message: 'give either "preset" or "table" (with "column")',
  })
  .refine((p) => p.table === undefined || p.column !== undefined, { message: '"table" needs "column"', path: ['column'] });

const invalidIndexesParams = z.strictObject({
  database: databaseRef(),
  schemas: z.array(text()).optional(),
});

const archiverParams = z.strictObject({ database: databaseRef(), maxAge: duration() });

const replicationLagParams = z.strictObject({
  database: databaseRef(),
  maxLag: duration().optional(),
  maxBytes: num().optional(),
  minReplicas: num().optional(),
});

const readOnlyParams = z.strictObject({ database: databaseRef(), expect: bool().default(true) });

const inRecoveryParams = z.strictObject({ database: databaseRef(), expect: bool().optional() });

const recoveryPointParams = z.strictObject({
  database: databaseRef(),
  target: timestamp().optional(),
  sql: text().optional(),
  /**
   * The commit the restore stopped before, from the server's log (postgres.restoreBackup's
   * `stoppedBeforeCommitAt`): when nothing was replayed, it shows the copy holds every commit up to the target.
   */
  stoppedBefore: timestamp().nullable().optional(),
});

const freezeWritesParams = z.strictObject({ database: databaseRef(), terminateWriters: bool().default(false) });

const unfreezeWritesParams = z.strictObject({ database: databaseRef() });

const switchWalParams = z.strictObject({ database: databaseRef() });

const restoreBackupParams = z.strictObject({
  /** Connection name of the new cluster: its `dataDir` is written, its URL's port is used. */
  into: databaseRef(),
  targetTime: timestamp().optional(),
  /** A backup label (directory name, pgBackRest set, WAL-G backup name); default the newest before the target. */
  backup: text().optional(),
});

const backupForTargetParams = z.strictObject({
  /** Connection name of the cluster a restore would write (its runAs runs the backup tool). */
  into: databaseRef(),
  targetTime: timestamp().optional(),
  /** A backup label, as for postgres.restoreBackup. */
  backup: text().optional(),
});

const discardRestoreParams = z.strictObject({
  /** Connection name of the restore's cluster: its server is stopped and its dataDir emptied. */
  into: databaseRef(),
});

const enableArchivingParams = z.strictObject({
  /** The new primary: a local cluster (its dataDir is restarted with pg_ctl). */
  database: databaseRef(),
  /** `${{ session.drill }}`: in a drill nothing is changed (the copy must not archive into the live archive). */
  drill: bool().default(false),
  /** archive_command to set; default: the one the cluster's configuration already has. */
  archiveCommand: text().optional(),
});

const extractRowsParams = z.strictObject({
  database: databaseRef(),
  sql: text(),
  params: sqlParams(),
  /** Where the rows belong ("table" or "schema.table"). */
  table: text(),
  key: z.array(text()).min(1, 'name at least one key column'),
  /** Artifact base name (default: the step id). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dots, dashes and underscores')
    .optional(),
});

const reapplyRowsParams = z.strictObject({
  database: databaseRef(),
  /** Path of a JSON artifact written by postgres.extractRows. */
  rows: text(),
  mode: z.enum(['insert-missing', 'upsert']).default('insert-missing'),
});

export type QueryParams = z.output<typeof queryParams>;
export type DiscardRestoreParams = z.output<typeof discardRestoreParams>;
export type MigrationVersionParams = z.output<typeof migrationVersionParams>;
export type InvalidIndexesParams = z.output<typeof invalidIndexesParams>;
export type ArchiverParams = z.output<typeof archiverParams>;
export type ReplicationLagParams = z.output<typeof replicationLagParams>;
export type ReadOnlyParams = z.output<typeof readOnlyParams>;
export type InRecoveryParams = z.output<typeof inRecoveryParams>;
export type RecoveryPointParams = z.output<typeof recoveryPointParams>;
export type FreezeWritesParams = z.output<typeof freezeWritesParams>;
export type UnfreezeWritesParams = z.output<typeof unfreezeWritesParams>;
export type SwitchWalParams = z.output<typeof switchWalParams>;
export type RestoreBackupParams = z.output<typeof restoreBackupParams>;
export type BackupForTargetParams = z.output<typeof backupForTargetParams>;
export type EnableArchivingParams = z.output<typeof enableArchivingParams>;
export type ExtractRowsParams = z.output<typeof extractRowsParams>;
export type ReapplyRowsParams = z.output<typeof reapplyRowsParams>;
export type ConnectionParams = z.output<typeof connectionParams>;

export const definitions: readonly ProviderDefinition[] = [
  defineProvider({
    name: 'postgres.connection',
    summary: 'Connect and report server version, system identifier and recovery state',
    kinds: ['check', 'wait'],
    mutates: false,
    params: connectionParams,
    outputs: ['serverVersion', 'systemIdentifier', 'inRecovery', 'database', 'user'],
  }),
  defineProvider({
    name: 'postgres.query',
    summary: 'Run a read query and compare its row count or first value with an expectation',
    kinds: ['check', 'wait'],
    mutates: false,
    params: queryParams,
    outputs: ['rowCount', 'value', 'rows'],
  }),
  defineProvider({
    name: 'postgres.migrationVersion',
    summary: 'Read the schema migration version (schema_migrations, flyway, knex or a custom table)',
    kinds: ['check'],
    mutates: false,
    params: migrationVersionParams,
    outputs: ['version'],
  }),
  defineProvider({
    name: 'postgres.invalidIndexes',
    summary: 'Find indexes left invalid (pg_index.indisvalid = false)',
    kinds: ['check'],
    mutates: false,
    params: invalidIndexesParams,
    outputs: ['count', 'indexes'],
  }),
  defineProvider({
    name: 'postgres.archiver',
    summary: 'WAL archiving freshness and failures from pg_stat_archiver',
    kinds: ['check', 'wait'],
    mutates: false,
    params: archiverParams,
    outputs: ['lastArchivedAt', 'ageSeconds', 'lastArchivedWal', 'archivedCount', 'failedCount', 'lastFailedAt'],
  }),
  defineProvider({
    name: 'postgres.replicationLag',
    summary: 'Replica count and lag (time and bytes) from pg_stat_replication',
    kinds: ['check'],
    mutates: false,
    params: replicationLagParams,
    outputs: ['replicas', 'maxLagSeconds', 'maxLagBytes'],
  }),
  defineProvider({
    name: 'postgres.readOnly',
    summary: 'Whether new sessions are read-only (frozen writes or a standby)',
    kinds: ['check', 'wait'],
    mutates: false,
    params: readOnlyParams,
    outputs: ['readOnly'],
  }),
  defineProvider({
    name: 'postgres.inRecovery',
    summary: 'Whether the server is in recovery (pg_is_in_recovery())',
    kinds: ['check', 'wait'],
    mutates: false,
    params: inRecoveryParams,
    outputs: ['inRecovery'],
  }),
  defineProvider({
    name: 'postgres.recoveryPoint',
    summary: 'The newest transaction time a restored cluster replayed, and its gap to the target',
    kinds: ['check'],
    mutates: false,
    params: recoveryPointParams,
    outputs: ['recoveryPoint', 'target', 'gapSeconds'],
  }),
  defineProvider({
    name: 'postgres.freezeWrites',
    summary: 'Make new sessions of a database read-only (ALTER DATABASE … SET default_transaction_read_only)',
    kinds: ['action'],
    mutates: true,
    params: freezeWritesParams,
    outputs: ['frozen', 'database'],
  }),
  defineProvider({
    name: 'postgres.unfreezeWrites',
    summary: 'Allow writes again (ALTER DATABASE … RESET default_transaction_read_only)',
    kinds: ['action'],
    mutates: true,
    params: unfreezeWritesParams,
    outputs: ['frozen', 'database'],
  }),
  defineProvider({
    name: 'postgres.switchWal',
    summary: 'Close the current WAL segment (pg_switch_wal()) and wait until the archiver has copied it',
    kinds: ['action'],
    // It changes no data, and repeating it only closes another segment: nothing to reconcile.
    mutates: false,
    params: switchWalParams,
    outputs: ['walFile', 'lsn', 'archivedAt', 'markerCommittedAt'],
  }),
  defineProvider({
    name: 'postgres.restoreBackup',
    summary: 'Restore a base backup into a new data directory to a point in time, start it and follow it until it is promoted',
    kinds: ['action'],
    mutates: true,
    params: restoreBackupParams,
    outputs: ['dataDir', 'port', 'backupLabel', 'backupRepo', 'backupEndedAt', 'backupHasErrors', 'targetTime', 'url', 'lastReplayedCommitAt', 'stoppedBeforeCommitAt'],
  }),
  defineProvider({
    name: 'postgres.backupForTarget',
    summary: 'The backup a restore to the target would start from, read from the backup tool: it must have ended before the target and carry no errors',
    kinds: ['check'],
    mutates: false,
    params: backupForTargetParams,
    outputs: ['tool', 'backupLabel', 'backupRepo', 'backupEndedAt', 'backupHasErrors', 'targetTime'],
  }),
  defineProvider({
    name: 'postgres.discardRestore',
    summary: "Stop a restore's scratch server and empty its data directory (only one a runbook restore wrote), so the next test starts clean",
    kinds: ['action'],
    mutates: true,
    params: discardRestoreParams,
    outputs: ['dataDir', 'removed', 'stoppedPid'],
  }),
  defineProvider({
    name: 'postgres.enableArchiving',
    summary: 'Turn WAL archiving on for a new primary (restart) and wait until its first segment is archived',
    kinds: ['action'],
    mutates: true,
    params: enableArchivingParams,
    outputs: ['archiveMode', 'walFile', 'archivedAt', 'historyFiles'],
  }),
  defineProvider({
    name: 'postgres.extractRows',
    summary: 'Save rows from a query (on the restored cluster) as JSON and SQL artifacts',
    kinds: ['action'],
    mutates: false,
    params: extractRowsParams,
    outputs: ['rowCount', 'jsonArtifact', 'sqlArtifact', 'columns'],
  }),
  defineProvider({
    name: 'postgres.reapplyRows',
    summary: 'Write extracted rows back that are missing or different, in one transaction',
    kinds: ['action'],
    mutates: true,
    params: reapplyRowsParams,
    outputs: ['inserted', 'updated', 'unchanged'],
  }),
];
