/**
 * The plan of a restore, computed before anything is touched: which backup (as the tool will
 * choose it, read from the tool's own catalogue), which programs with which argv, which files.
 * The preview shows it; the run executes it step by step.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StepContext } from '../../provider.js';
import { ProviderFailure } from '../../support/call.js';
import { connectionFor, maskUrl, portOf } from '../connect.js';
import type { RestoreBackupParams } from '../definitions.js';
import { RESTORE_LOG } from '../server-log.js';
import { findExecutable, isRoot, type Command } from './commands.js';
import { copyRestoreCommand, pgTimestamp, recoveryConfLines } from './recovery-config.js';
import { RESTORE_RECORD } from './restore-record.js';
import { findRestoreSource, requireExecutable, type BackupChoice, type RestoreSource } from './select-backup.js';

export type PlanStep =
  | { readonly kind: 'mkdir'; readonly path: string }
  | {
      readonly kind: 'command';
      readonly command: Command;
      readonly why: string;
      /** This command restores the backup: its output names the backup set it restored. */
      readonly restores?: boolean;
      /** This command starts the server. */
      readonly starts?: boolean;
    }
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly append: boolean }
  | { readonly kind: 'record'; readonly path: string }
  | { readonly kind: 'follow'; readonly logFile: string };

export interface RestorePlan {
  readonly tool: 'pg_basebackup' | 'pgbackrest' | 'walg';
  /** The backup the tool will restore, chosen as the tool chooses it. */
  readonly choice: BackupChoice;
  readonly source: RestoreSource;
  readonly dataDir: string;
  readonly port: number;
  readonly targetTime?: Date;
  /** The new cluster's URL, password masked. */
  readonly url: string;
  readonly logFile: string;
  readonly steps: readonly PlanStep[];
}

/** Refuses a data directory that holds anything: a restore never overwrites. */
function assertEmptyDataDir(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ProviderFailure(
      'conflict',
      `the data directory ${dataDir} is not empty`,
      'a restore never overwrites a data directory: stop any server using it and move it aside (or choose another dataDir), then re-run',
    );
  }
}

const VERBOSE_ENOUGH = /^--log-level-console=(info|detail|debug|trace)$/;

/** backup.args with the console log at info at least: pgBackRest names the set it restores at info level. */
export function withInfoLogging(args: readonly string[]): string[] {
  const kept = args.filter((arg) => !arg.startsWith('--log-level-console=') || VERBOSE_ENOUGH.test(arg));
  return kept.some((arg) => VERBOSE_ENOUGH.test(arg)) ? kept : [...kept, '--log-level-console=info'];
}

/** Builds the plan; throws classified failures for anything that would stop it (no usable backup, a non-empty data dir, missing programs). */
export async function planRestore(params: RestoreBackupParams, context: StepContext): Promise<RestorePlan> {
  const connection = connectionFor(params.into, context);
  const backup = context.environment.backup;
  if (!backup) throw new ProviderFailure('invalid-input', `environment "${context.envName}" has no backup settings`, `add backup: (tool pg_basebackup, pgbackrest or walg) under environments.${context.envName}`);
  const dataDir = connection.dataDir;
  if (!dataDir) throw new ProviderFailure('invalid-input', `connection "${params.into}" has no dataDir`, `set environments.${context.envName}.postgres.${params.into}.dataDir to an empty directory for the restored cluster`);
  const runAs = isRoot() ? connection.runAs : undefined;
  if (isRoot() && !runAs) throw new ProviderFailure('invalid-input', 'PostgreSQL cannot run as root', `set environments.${context.envName}.postgres.${params.into}.runAs (e.g. postgres)`);
  assertEmptyDataDir(dataDir);

  const port = portOf(connection);
  const targetTime = params.targetTime ? new Date(params.targetTime) : undefined;
  const pgCtl = connection.binDir ? join(connection.binDir, 'pg_ctl') : findExecutable('pg_ctl');
  if (!pgCtl || !existsSync(pgCtl)) {
    throw new ProviderFailure('not-found', `pg_ctl not found${connection.binDir ? ` in ${connection.binDir}` : ' on PATH'}`, `install the PostgreSQL server (apt-get install postgresql-15) or set postgres.${params.into}.binDir`);
  }
  // The binary first: "install pgbackrest" is the answer when it is missing, not a failed catalogue read.
  if (backup.tool === 'pgbackrest') requireExecutable('pgbackrest');
  if (backup.tool === 'walg') requireExecutable('wal-g');
  const source = await findRestoreSource(params.into, { ...(targetTime ? { target: targetTime } : {}), ...(params.backup !== undefined ? { backup: params.backup } : {}) }, context);
  const { choice } = source;

  const logFile = join(dataDir, RESTORE_LOG);
  const note = `added by runbook: session ${context.sessionId}, step ${context.stepId}`;
  const steps: PlanStep[] = [{ kind: 'mkdir', path: dataDir }];
  // pgBackRest and WAL-G write as runAs, so the new directory is theirs from the start.
  const chown: PlanStep | undefined = runAs ? { kind: 'command', command: { argv: ['chown', '-R', `${runAs}:`, dataDir] }, why: `hand the data directory to ${runAs}` } : undefined;
  if (chown) steps.push(chown);
  let restoreCommand: string | undefined;

  switch (backup.tool) {
    case 'pg_basebackup': {
      const chosen = choice.baseBackup!;
      if (chosen.format === 'plain') {
        steps.push({ kind: 'command', command: { argv: ['cp', '-a', `${chosen.source}/.`, `${dataDir}/`] }, why: 'copy the base backup', restores: true });
      } else {
        steps.push({ kind: 'command', command: { argv: ['tar', chosen.format === 'tar.gz' ? '-xzf' : '-xf', chosen.source, '-C', dataDir] }, why: 'extract the base backup', restores: true });
      }
      steps.push({ kind: 'mkdir', path: join(dataDir, 'pg_wal') });
      if (chosen.walArchive) {
        steps.push({ kind: 'command', command: { argv: ['tar', chosen.walArchive.endsWith('.gz') ? '-xzf' : '-xf', chosen.walArchive, '-C', join(dataDir, 'pg_wal')] }, why: 'extract the WAL shipped with the backup' });
      }
      restoreCommand = copyRestoreCommand(backup.walArchiveDir);
      break;
    }
    case 'pgbackrest': {
      const argv = [
        requireExecutable('pgbackrest'),
        `--stanza=${backup.stanza}`,
        ...withInfoLogging(backup.args),
        ...(targetTime ? ['--type=time', `--target=${pgTimestamp(targetTime)}`, '--target-action=promote'] : []),
        ...(params.backup ? [`--set=${params.backup}`] : []),
        `--pg1-path=${dataDir}`,
        'restore',
      ];
      steps.push({ kind: 'command', command: { argv, ...(runAs ? { runAs } : {}) }, why: 'restore with pgBackRest (it chooses the set, writes restore_command and recovery.signal)', restores: true });
      break;
    }
    case 'walg': {
      // The backup is named, not LATEST: LATEST may have finished after the target.
      steps.push({
        kind: 'command',
        command: { argv: [requireExecutable('wal-g'), 'backup-fetch', dataDir, choice.label], env: backup.env, ...(runAs ? { runAs } : {}) },
        why: 'fetch the base backup with WAL-G',
        restores: true,
      });
      restoreCommand = 'wal-g wal-fetch %f %p';
      break;
    }
  }

  steps.push({ kind: 'record', path: join(dataDir, RESTORE_RECORD) });
  steps.push({ kind: 'write', path: join(dataDir, 'recovery.signal'), content: '', append: false });
  const lines = recoveryConfLines({ ...(restoreCommand ? { restoreCommand } : {}), ...(targetTime ? { targetTime } : {}), port, note });
  // pgBackRest wrote its own restore_command and targets; only the port and archive_mode are ours to add.
  const confLines = backup.tool === 'pgbackrest' ? lines.filter((line) => /^(#|port|archive_mode)/.test(line)) : lines;
  steps.push({ kind: 'write', path: join(dataDir, 'postgresql.auto.conf'), content: `\n${confLines.join('\n')}\n`, append: true });
  if (chown) steps.push(chown);
  steps.push({ kind: 'command', command: { argv: ['chmod', '0700', dataDir] }, why: 'the server requires a private data directory' });
  steps.push({
    kind: 'command',
    command: { argv: [pgCtl, '-D', dataDir, '-l', logFile, '-w', '-t', String(Math.max(5, Math.floor(context.timeoutMs / 1000) - 5)), 'start'], ...(runAs ? { runAs } : {}) },
    why: `start the restored cluster on port ${port}`,
    starts: true,
  });
  steps.push({ kind: 'follow', logFile });

  return {
    tool: backup.tool,
    choice,
    source,
    dataDir,
    port,
    ...(targetTime ? { targetTime } : {}),
    url: maskUrl(connection.url),
    logFile,
    steps,
  };
}
