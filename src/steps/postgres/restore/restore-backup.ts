/**
 * postgres.restoreBackup: restores a backup into a new, empty data directory to a point in time,
 * starts it on its own port and follows it until recovery is over: promoted, or stopped with
 * PostgreSQL's own reason. It never overwrites a data directory; a re-run after success refuses
 * (the directory is no longer empty) and reconcile finds the started cluster and, from the record
 * the restore left beside it, the backup it came from.
 */
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionPreview, Provider, Reconciliation, StepContext } from '../../provider.js';
import { ProviderFailure } from '../../support/call.js';
import { connectionFor, maskUrl, portOf, withClient } from '../connect.js';
import type { RestoreBackupParams } from '../definitions.js';
import { guarded } from '../result.js';
import { recoveryFacts, RESTORE_LOG, type RecoveryFacts } from '../server-log.js';
import { explainExit, postmasterOf } from '../server-process.js';
import { effectiveArgv, runCommand, type CommandOutput } from './commands.js';
import { followRecovery, type RecoveryOutcome } from './follow-recovery.js';
import { planRestore, type PlanStep, type RestorePlan } from './plan.js';
import { readRestoreRecord, RESTORE_RECORD, writeRestoreRecord, type RestoreRecord } from './restore-record.js';
import { describeChoice, flaggedAdvice } from './select-backup.js';

function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'mkdir':
      return `mkdir -m 0700 ${step.path}`;
    case 'write':
      return `${step.append ? 'append to' : 'write'} ${step.path}${step.content.trim() ? `:\n${step.content.trim()}` : ' (empty)'}`;
    case 'record':
      return `write ${step.path}: the backup restored, as the tool reports it (read back by reconcile)`;
    case 'follow':
      return `follow the server until it is promoted (its log says ready to accept connections, pg_is_in_recovery() false) or stops (no live postmaster.pid: fail with the FATAL line of ${step.logFile})`;
    case 'command': {
      const env = Object.keys(step.command.env ?? {});
      return `${effectiveArgv(step.command).map((arg) => JSON.stringify(arg)).join(' ')}${env.length ? `  (with ${env.join(', ')} set)` : ''}  -- ${step.why}`;
    }
  }
}

/** What was restored, named from the tool's own output. */
interface Restored {
  readonly label: string;
  readonly repo: string | null;
  readonly endedAt: Date | null;
  readonly hasErrors: boolean;
  readonly namedBy: string;
}

/** pgBackRest logs "repo1: restore backup set 20240501-010000F, recovery will start at …" at info level. */
export function restoredSetOf(output: CommandOutput): { repo: string; label: string } | undefined {
  const match = /(?:^|\s)(?:(repo\d+): )?restore backup set (\S+?)(?:,|\s|$)/m.exec(`${output.stdout}\n${output.stderr}`);
  return match ? { repo: match[1] ?? 'repo1', label: match[2]! } : undefined;
}

function backupLabelLine(text: string, field: string): string | undefined {
  return new RegExp(`^${field}: (.*)$`, 'm').exec(text)?.[1]?.trim();
}

/** Names what the restore command put in the data directory, from the tool's own words. */
async function nameRestored(plan: RestorePlan, output: CommandOutput): Promise<Restored> {
  const { choice } = plan;
  const predicted = { label: choice.label, repo: choice.repo, endedAt: choice.endedAt, hasErrors: choice.hasErrors };
  if (plan.tool === 'pgbackrest') {
    const said = restoredSetOf(output);
    if (!said) return { ...predicted, namedBy: 'pgbackrest info (pgbackrest restore printed no "restore backup set" line)' };
    const same = said.label === choice.label && said.repo === choice.repo;
    return {
      label: said.label,
      repo: said.repo,
      endedAt: same ? choice.endedAt : null,
      hasErrors: same ? choice.hasErrors : false,
      namedBy: `pgbackrest restore: "${said.repo}: restore backup set ${said.label}"${same ? '' : ` (the preview expected ${choice.label} in ${choice.repo})`}`,
    };
  }
  const label = await readFile(join(plan.dataDir, 'backup_label'), 'utf8').catch(() => '');
  const labelLine = backupLabelLine(label, 'LABEL');
  const start = backupLabelLine(label, 'START WAL LOCATION');
  const fromLabel = labelLine || start ? `backup_label of the restored directory: ${[labelLine && `LABEL ${labelLine}`, start && `START WAL LOCATION ${start}`].filter(Boolean).join(', ')}` : 'no backup_label in the restored directory';
  if (plan.tool === 'walg') {
    const fetched = `${output.stdout}\n${output.stderr}`.includes(choice.label) ? `wal-g backup-fetch output names ${choice.label}` : `the name passed to wal-g backup-fetch`;
    return { ...predicted, namedBy: `${fetched}; ${fromLabel}` };
  }
  return { ...predicted, namedBy: `${choice.baseBackup?.dir ?? choice.label}; ${fromLabel}` };
}

function outputsOf(plan: Pick<RestorePlan, 'dataDir' | 'port' | 'targetTime' | 'url'>, restored: Restored | RestoreRecord | undefined, outcome?: RecoveryOutcome) {
  const endedAt = restored && 'endedAt' in restored ? restored.endedAt?.toISOString() ?? null : restored && 'backupEndedAt' in restored ? restored.backupEndedAt : null;
  return {
    dataDir: plan.dataDir,
    port: plan.port,
    backupLabel: restored ? ('label' in restored ? restored.label : restored.backupLabel) : null,
    backupRepo: restored ? ('repo' in restored ? restored.repo : restored.backupRepo) : null,
    backupEndedAt: endedAt,
    backupHasErrors: restored ? ('hasErrors' in restored ? restored.hasErrors : restored.backupHasErrors) : null,
    targetTime: plan.targetTime?.toISOString() ?? null,
    url: plan.url,
    lastReplayedCommitAt: outcome?.facts.lastReplayedCommitAt?.toISOString() ?? null,
    stoppedBeforeCommitAt: outcome?.facts.stoppedBeforeCommitAt?.toISOString() ?? null,
  };
}

async function execute(step: Exclude<PlanStep, { kind: 'follow' | 'record' }>, context: StepContext): Promise<CommandOutput | undefined> {
  switch (step.kind) {
    case 'mkdir':
      await mkdir(step.path, { recursive: true, mode: 0o700 });
      return undefined;
    case 'write':
      if (step.append) await appendFile(step.path, step.content);
      else await writeFile(step.path, step.content);
      return undefined;
    case 'command':
      context.onProgress?.({ message: step.why });
      return runCommand(step.command, context.signal);
  }
}

/** "; the last commit replayed was at …", when the log says. */
function replayedSuffix(facts: RecoveryFacts): string {
  return facts.lastReplayedCommitAt ? `; the last commit replayed was at ${facts.lastReplayedCommitAt.toISOString()}` : '';
}

/** Starts the server; a start that fails becomes the server's own reason. */
async function start(step: Extract<PlanStep, { kind: 'command' }>, plan: RestorePlan, context: StepContext): Promise<void> {
  try {
    await execute(step, context);
  } catch (error) {
    if (!(error instanceof ProviderFailure) || error.failureClass === 'cancelled') throw error;
    // pg_ctl stopped waiting, but the server may still be replaying: following it tells.
    if (/did not start in time/.test(error.message) && (await postmasterOf(plan.dataDir))) return;
    const exit = await explainExit(plan.dataDir, plan.logFile);
    // A server that stopped before pg_ctl saw it up may still have been recovering: say which.
    const log = exit.logPath ? await readFile(exit.logPath, 'utf8').catch(() => '') : '';
    const when = /redo starts at|starting (point-in-time|archive) recovery/.test(log) ? 'stopped during recovery' : 'did not start';
    throw new ProviderFailure('expectation', `the restored server ${when}: ${exit.reason}${replayedSuffix(recoveryFacts(log))} (server log ${exit.logPath ?? plan.logFile})`, exit.advice);
  }
}

function successDetail(plan: RestorePlan, restored: Restored, outcome: RecoveryOutcome): string {
  const flagged = restored.hasErrors ? 'WARNING: pgBackRest flagged this backup set with errors (page checksum errors: the live database has corrupted pages). ' : '';
  const what = `${restored.label}${restored.repo ? ` from ${restored.repo}` : ''}`;
  const where = plan.targetTime ? `at the target ${plan.targetTime.toISOString()}` : 'at the end of the archived WAL';
  const facts = [
    outcome.facts.lastReplayedCommitAt ? `the last commit replayed was at ${outcome.facts.lastReplayedCommitAt.toISOString()}` : 'no commit was replayed after the backup',
    ...(outcome.facts.stoppedBeforeCommitAt ? [`recovery stopped before the commit of ${outcome.facts.stoppedBeforeCommitAt.toISOString()}`] : []),
  ];
  return `${flagged}Restored ${plan.tool} backup ${what} (named by ${restored.namedBy}) into ${plan.dataDir}; the server on port ${plan.port} left recovery ${where} and was promoted (${outcome.observedBy}): ${facts.join('; ')}.`;
}

export const restoreBackup: Provider<RestoreBackupParams> = {
  async preview(params, context): Promise<ActionPreview> {
    try {
      const plan = await planRestore(params, context);
      const { choice, source } = plan;
      const flagged = choice.hasErrors ? flaggedAdvice(choice, source.alternative) : undefined;
      return {
        summary: `Restore ${plan.tool} backup ${choice.label}${choice.repo ? ` from ${choice.repo}` : ''} into ${plan.dataDir} and start it on port ${plan.port}${plan.targetTime ? `, recovering to ${plan.targetTime.toISOString()}` : ', recovering to the end of the archived WAL'}`,
        details: [
          { label: 'backup', value: `${describeChoice(choice)}: ${choice.reason}` },
          { label: 'read from', value: source.readFrom },
          ...choice.notes.map((note) => ({ label: 'note', value: note })),
          { label: 'target time', value: plan.targetTime?.toISOString() ?? '(none: end of WAL)' },
          { label: 'data directory (must be empty)', value: plan.dataDir },
          { label: 'new cluster', value: plan.url },
          ...plan.steps.map((step, i) => ({ label: `step ${i + 1}`, value: describeStep(step) })),
        ],
        dryRun: flagged
          ? { ok: false, detail: `the target selects ${describeChoice(choice)}: ${flagged}` }
          : { ok: true, detail: `${source.catalogue}: ${plan.targetTime ? 'the target selects' : 'the restore takes'} ${describeChoice(choice)}; ${plan.dataDir} is empty or absent; programs present` },
      };
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      return {
        summary: `Restore into the data directory of "${params.into}" cannot start: ${error.message}`,
        details: [{ label: 'problem', value: error.message }],
        dryRun: { ok: false, detail: `${error.message}: ${error.advice}` },
      };
    }
  },

  async reconcile(params, context): Promise<Reconciliation> {
    const connection = connectionFor(params.into, context);
    const dataDir = connection.dataDir;
    if (!dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0) {
      return { found: false, detail: `${dataDir ?? '(no dataDir)'} is absent or empty: the restore did not start; re-running is safe` };
    }
    const port = portOf(connection);
    const record = await readRestoreRecord(dataDir);
    const target = params.targetTime ? new Date(params.targetTime) : undefined;
    const base = outputsOf({ dataDir, port, ...(target ? { targetTime: target } : {}), url: maskUrl(connection.url) }, record);
    const named = record ? ` (backup ${record.backupLabel}${record.backupRepo ? ` from ${record.backupRepo}` : ''}, per ${RESTORE_RECORD})` : '';
    // Whatever answers on the port may be another cluster: only a live postmaster of THIS data directory counts.
    const server = await postmasterOf(dataDir);
    if (!server) {
      const exit = await explainExit(dataDir, join(dataDir, RESTORE_LOG));
      return {
        found: false,
        detail: `${dataDir} holds files${named} but no server runs from it: ${exit.reason}; move the directory aside, and re-run`,
      };
    }
    if (server.port !== port) {
      return { found: false, detail: `a server runs from ${dataDir} but on port ${server.port}, not ${port}: stop it and check the data directory before re-running` };
    }
    const answers = await withClient(params.into, context, async (client) => (await client.query('SELECT 1 AS one')).rows[0]?.one === 1, { retry: false }).catch(() => false);
    return {
      found: true,
      outputs: base,
      detail: answers
        ? `the restored cluster in ${dataDir}${named} (pid ${server.pid}, ${server.status}) answers on port ${port}`
        : `the restored cluster in ${dataDir}${named} (pid ${server.pid}, ${server.status}) is starting and does not answer on port ${port} yet`,
    };
  },

  run: (params, context) =>
    guarded('postgres.restoreBackup', context, async () => {
      const plan = await planRestore(params, context);
      let restored: Restored | undefined;
      let outcome: RecoveryOutcome | undefined;
      for (const step of plan.steps) {
        if (step.kind === 'record') {
          restored ??= { label: plan.choice.label, repo: plan.choice.repo, endedAt: plan.choice.endedAt, hasErrors: plan.choice.hasErrors, namedBy: 'the preview\'s choice' };
          await writeRestoreRecord(plan.dataDir, {
            sessionId: context.sessionId,
            stepId: context.stepId,
            tool: plan.tool,
            backupLabel: restored.label,
            backupRepo: restored.repo,
            backupEndedAt: restored.endedAt?.toISOString() ?? null,
            backupHasErrors: restored.hasErrors,
            namedBy: restored.namedBy,
            targetTime: plan.targetTime?.toISOString() ?? null,
          });
        } else if (step.kind === 'follow') {
          outcome = await followRecovery(params.into, plan.dataDir, step.logFile, context);
        } else if (step.kind === 'command' && step.starts) {
          await start(step, plan, context);
        } else {
          const output = await execute(step, context);
          if (step.kind === 'command' && step.restores && output) restored = await nameRestored(plan, output);
        }
      }
      const outputs = outputsOf(plan, restored, outcome);
      return {
        ok: true,
        observed: { dataDir: plan.dataDir, port: plan.port, backupLabel: outputs.backupLabel, backupRepo: outputs.backupRepo, inRecovery: false },
        outputs,
        detail: successDetail(plan, restored!, outcome!),
      };
    }),
};
