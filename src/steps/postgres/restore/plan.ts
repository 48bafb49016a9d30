/**
 * The plan of a restore, computed before anything is touched: which backup, which programs with
 * which argv, which files. The preview shows it; the run executes it step by step.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StepContext } from '../../provider.js';
import { ProviderFailure } from '../../support/call.js';
import { listBaseBackups, type BaseBackup } from '../../backup/base-backups.js';
import { connectionFor, maskUrl, portOf } from '../connect.js';
import type { RestoreBackupParams } from '../definitions.js';
import { findExecutable, isRoot, type Command } from './commands.js';
import { copyRestoreCommand, pgTimestamp, recoveryConfLines } from './recovery-config.js';

export type PlanStep =
  | { readonly kind: 'mkdir'; readonly path: string }
  | { readonly kind: 'command'; readonly command: Command; readonly why: string }
  | { readonly kind: 'write'; readonly path: string; readonly content: string; readonly append: boolean };

export interface RestorePlan {
  readonly tool: 'pg_basebackup' | 'pgbackrest' | 'walg';
  readonly backupLabel: string;
  /** Why this backup (e.g. its start time). */
  readonly backupNote: string;
  readonly dataDir: string;
  readonly port: number;
  readonly targetTime?: Date;
  /** The new cluster's URL, password masked. */
  readonly url: string;
  readonly logFile: string;
  readonly steps: readonly PlanStep[];
}

const INSTALL_ADVICE: Record<string, string> = {
  pgbackrest: 'install pgbackrest (apt-get install pgbackrest) on the machine running runbook, or run the restore by hand',
  'wal-g': 'install wal-g (https://github.com/wal-g/wal-g/releases) on the machine running runbook, or run the restore by hand',
};

function requireExecutable(name: string): string {
  const found = findExecutable(name);
  if (!found) throw new ProviderFailure('not-found', `${name} is not installed on this machine`, INSTALL_ADVICE[name] ?? `install ${name}`);
  return found;
}

/** Refuses a data directory that holds anything: a restore never overwrites. */
export function assertEmptyDataDir(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ProviderFailure(
      'conflict',
      `the data directory ${dataDir} is not empty`,
      'a restore never overwrites a data directory: stop any server using it and move it aside (or choose another dataDir), then re-run',
    );
  }
}

/** Chooses the base backup: the named one, else the newest that started before the target. */
export function chooseBaseBackup(backups: readonly BaseBackup[], targetTime: Date | undefined, label: string | undefined): BaseBackup {
  if (label !== undefined) {
    const named = backups.find((backup) => backup.label === label);
    if (!named) throw new ProviderFailure('not-found', `no base backup "${label}"`, `choose one of: ${backups.map((b) => b.label).join(', ') || '(none found)'}`);
    if (targetTime && named.startTime >= targetTime) {
      throw new ProviderFailure('invalid-input', `base backup "${label}" started at ${named.startTime.toISOString()}, after the target ${targetTime.toISOString()}`, 'choose a backup that started before the target time');
    }
    return named;
  }
  const usable = backups.find((backup) => !targetTime || backup.startTime < targetTime);
  if (!usable) {
    throw new ProviderFailure(
      'not-found',
      targetTime ? `no base backup started before ${targetTime.toISOString()}` : 'no base backup found',
      backups.length ? `the oldest starts at ${backups[backups.length - 1]!.startTime.toISOString()}: choose a later target time` : 'check baseBackupDir in the environment\'s backup settings',
    );
  }
  return usable;
}

/** Builds the plan; throws classified failures for anything that would stop it (no backup, a non-empty data dir, missing programs). */
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
  const logFile = join(dataDir, 'runbook-restore.log');
  const note = `added by runbook: session ${context.sessionId}, step ${context.stepId}`;
  const steps: PlanStep[] = [{ kind: 'mkdir', path: dataDir }];
  // pgBackRest and WAL-G write as runAs, so the new directory is theirs from the start.
  const chown: PlanStep | undefined = runAs ? { kind: 'command', command: { argv: ['chown', '-R', `${runAs}:`, dataDir] }, why: `hand the data directory to ${runAs}` } : undefined;
  if (chown) steps.push(chown);
  let backupLabel: string;
  let backupNote: string;
  let restoreCommand: string | undefined;

  switch (backup.tool) {
    case 'pg_basebackup': {
      const chosen = chooseBaseBackup(await listBaseBackups(backup.baseBackupDir), targetTime, params.backup);
      backupLabel = chosen.label;
      backupNote = `${chosen.dir} (${chosen.format}, started ${chosen.startTime.toISOString()} per ${chosen.startTimeFrom})`;
      if (chosen.format === 'plain') {
        steps.push({ kind: 'command', command: { argv: ['cp', '-a', `${chosen.source}/.`, `${dataDir}/`] }, why: 'copy the base backup' });
      } else {
        steps.push({ kind: 'command', command: { argv: ['tar', chosen.format === 'tar.gz' ? '-xzf' : '-xf', chosen.source, '-C', dataDir] }, why: 'extract the base backup' });
      }
      steps.push({ kind: 'mkdir', path: join(dataDir, 'pg_wal') });
      if (chosen.walArchive) {
        steps.push({ kind: 'command', command: { argv: ['tar', chosen.walArchive.endsWith('.gz') ? '-xzf' : '-xf', chosen.walArchive, '-C', join(dataDir, 'pg_wal')] }, why: 'extract the WAL shipped with the backup' });
      }
      restoreCommand = copyRestoreCommand(backup.walArchiveDir);
      break;
    }
    case 'pgbackrest': {
      const binary = requireExecutable('pgbackrest');
      backupLabel = params.backup ?? 'newest before the target (chosen by pgbackrest)';
      backupNote = `stanza ${backup.stanza}`;
      const argv = [
        binary,
        `--stanza=${backup.stanza}`,
        ...backup.args,
        ...(targetTime ? ['--type=time', `--target=${pgTimestamp(targetTime)}`, '--target-action=promote'] : []),
        ...(params.backup ? [`--set=${params.backup}`] : []),
        `--pg1-path=${dataDir}`,
        'restore',
      ];
      steps.push({ kind: 'command', command: { argv, ...(runAs ? { runAs } : {}) }, why: 'restore with pgBackRest (it writes restore_command and recovery.signal)' });
      break;
    }
    case 'walg': {
      const binary = requireExecutable('wal-g');
      backupLabel = params.backup ?? 'LATEST';
      backupNote = params.backup ? `WAL-G backup ${params.backup}` : 'the newest WAL-G backup (LATEST): check it started before the target';
      steps.push({ kind: 'command', command: { argv: [binary, 'backup-fetch', dataDir, backupLabel], env: backup.env, ...(runAs ? { runAs } : {}) }, why: 'fetch the base backup with WAL-G' });
      restoreCommand = 'wal-g wal-fetch %f %p';
      break;
    }
  }

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
  });

  return {
    tool: backup.tool,
    backupLabel,
    backupNote,
    dataDir,
    port,
    ...(targetTime ? { targetTime } : {}),
    url: maskUrl(connection.url),
    logFile,
    steps,
  };
}
