/**
 * postgres.backupForTarget: the check before a restore. It reads the environment's backup
 * catalogue with the tool itself and names the backup a restore to the target would start from,
 * chosen exactly as postgres.restoreBackup (and the tool) will choose it. It fails when no backup
 * ended before the target, or when the one chosen is flagged by pgBackRest as holding errors.
 */
import type { Provider } from '../../provider.js';
import { formatAge, guarded } from '../result.js';
import type { BackupForTargetParams } from '../definitions.js';
import { describeChoice, findRestoreSource, flaggedAdvice } from './select-backup.js';

export const backupForTarget: Provider<BackupForTargetParams> = {
  run: (params, context) =>
    guarded('postgres.backupForTarget', context, async () => {
      const target = params.targetTime ? new Date(params.targetTime) : undefined;
      const source = await findRestoreSource(params.into, { ...(target ? { target } : {}), ...(params.backup !== undefined ? { backup: params.backup } : {}) }, context);
      const { choice } = source;
      const outputs = {
        tool: choice.tool,
        backupLabel: choice.label,
        backupRepo: choice.repo,
        backupEndedAt: choice.endedAt.toISOString(),
        backupHasErrors: choice.hasErrors,
        targetTime: target?.toISOString() ?? null,
      };
      const notes = choice.notes.length > 0 ? ` Also: ${choice.notes.join('; ')}.` : '';
      const headroom = target ? ` (${formatAge((target.getTime() - choice.endedAt.getTime()) / 1000)} before the target ${target.toISOString()})` : '';
      if (choice.hasErrors) {
        const advice = flaggedAdvice(choice, source.alternative);
        return {
          ok: false,
          observed: outputs,
          expected: 'a backup without errors that ended before the target',
          outputs,
          detail: `${source.catalogue}: a restore${target ? ' to the target' : ''} would start from ${describeChoice(choice)}.${notes} ${advice}.`,
          failure: { class: 'expectation', advice },
        };
      }
      return {
        ok: true,
        observed: outputs,
        expected: target ? 'a backup that ended before the target' : 'a backup to restore',
        outputs,
        detail: `${source.catalogue}: a restore${target ? ' to the target' : ''} would start from ${describeChoice(choice)}${headroom}: ${choice.reason}.${notes}`,
      };
    }),
};
