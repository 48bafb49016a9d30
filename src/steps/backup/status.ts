/**
 * backup.status: is there a recent backup, and enough full ones, whatever tool the environment
 * uses: pgBackRest and WAL-G through their own listing commands (parsed by the shell family),
 * pg_basebackup by scanning baseBackupDir.
 */
import type { Provider, StepContext, StepResult } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { guarded, formatAge } from '../postgres/result.js';
import { summarizeBackups, type BackupEntry, type BackupSummary } from '../shell/backup-list.js';
import { pgbackrestInfo, walgBackups } from '../shell/backup-checks.js';
import { listBaseBackups } from './base-backups.js';
import type { BackupStatusParams } from './definitions.js';

async function baseBackupEntries(baseBackupDir: string): Promise<BackupEntry[]> {
  let backups;
  try {
    backups = await listBaseBackups(baseBackupDir);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new ProviderFailure('not-found', `the base backup directory ${baseBackupDir} does not exist`, 'check backup.baseBackupDir in the environment, and that backups are being taken');
    if (code === 'EACCES') throw new ProviderFailure('permission', `cannot read ${baseBackupDir}`, 'run runbook as a user that can read the backup directory');
    throw error;
  }
  return backups.map((backup) => ({ label: backup.label, type: 'full', startedAt: backup.startTime, finishedAt: backup.finishedAt, ok: true }));
}

function result(tool: string, summary: BackupSummary, params: BackupStatusParams): StepResult {
  const problems: string[] = [];
  if (!summary.last) problems.push('no backup found');
  if (params.maxAge !== undefined && summary.ageSeconds !== undefined && summary.ageSeconds > params.maxAge) {
    problems.push(`the newest backup is ${formatAge(summary.ageSeconds)} old, more than ${formatAge(params.maxAge)}`);
  }
  const scope = params.window !== undefined ? ` in the last ${formatAge(params.window)}` : '';
  if (params.minFull !== undefined && summary.fullCount < params.minFull) problems.push(`${summary.fullCount} full backups${scope}, expected at least ${params.minFull}`);
  const expected = [
    params.maxAge !== undefined ? `newest <= ${formatAge(params.maxAge)} old` : 'a backup',
    params.minFull !== undefined ? `full backups${scope} >= ${params.minFull}` : '',
  ].filter(Boolean).join(', ');
  const ageSeconds = summary.ageSeconds === undefined ? null : Math.round(summary.ageSeconds);
  return {
    ok: problems.length === 0,
    observed: { ageSeconds, fullCount: summary.fullCount },
    expected,
    outputs: { tool, lastBackupAt: summary.last?.finishedAt.toISOString() ?? null, ageSeconds, fullCount: summary.fullCount, lastBackupLabel: summary.last?.label ?? null },
    detail:
      problems.length === 0
        ? `${tool}: newest backup ${summary.last!.label} finished ${formatAge(ageSeconds ?? 0)} ago; ${summary.fullCount} full${scope}.`
        : `${tool}: ${problems.join('; ')}.`,
  };
}

/** Re-labels a shell check's result as backup.status (same outputs plus `tool`, label always `lastBackupLabel`). */
function fromShell(tool: string, shell: StepResult): StepResult {
  const { lastBackupName, ...rest } = shell.outputs as Record<string, unknown>;
  return { ...shell, outputs: { tool, ...rest, lastBackupLabel: rest.lastBackupLabel ?? lastBackupName ?? null } };
}

export const backupStatus: Provider<BackupStatusParams> = {
  run: (params, context: StepContext) =>
    guarded('backup.status', context, async () => {
      const settings = context.environment.backup;
      if (!settings) {
        throw new ProviderFailure('invalid-input', `environment "${context.envName}" has no backup settings`, `add backup: (tool pg_basebackup, pgbackrest or walg) under environments.${context.envName}`);
      }
      switch (settings.tool) {
        case 'pg_basebackup':
          return result('pg_basebackup', summarizeBackups(await baseBackupEntries(settings.baseBackupDir), { now: context.now(), ...(params.window !== undefined ? { windowSeconds: params.window } : {}) }), params);
        case 'pgbackrest':
          return fromShell('pgbackrest', await pgbackrestInfo.run({ ...params }, context));
        case 'walg':
          return fromShell('walg', await walgBackups.run({ ...params }, context));
      }
    }),
};
