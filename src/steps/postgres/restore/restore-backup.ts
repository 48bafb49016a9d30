/**
 * postgres.restoreBackup: restores a backup into a new, empty data directory to a point in time
 * and starts it on its own port. It never overwrites a data directory; a re-run after success
 * refuses (the directory is no longer empty) and reconcile finds the started cluster.
 */
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionPreview, Provider, Reconciliation, StepContext } from '../../provider.js';
import { ProviderFailure } from '../../support/call.js';
import { connectionFor, maskUrl, portOf, withClient } from '../connect.js';
import type { RestoreBackupParams } from '../definitions.js';
import { guarded } from '../result.js';
import { effectiveArgv, runCommand } from './commands.js';
import { planRestore, type PlanStep, type RestorePlan } from './plan.js';

// PostgreSQL refuses to promote when the archive ends before the target: say what to do about it.
const TARGET_NOT_ARCHIVED =
  'the WAL archive ends before the target time: on the live cluster close the current segment (SELECT pg_switch_wal(), the postgres.switchWal action) and wait until it is archived, or choose an earlier target; then empty the data directory and re-run';

function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'mkdir':
      return `mkdir -m 0700 ${step.path}`;
    case 'write':
      return `${step.append ? 'append to' : 'write'} ${step.path}${step.content.trim() ? `:\n${step.content.trim()}` : ' (empty)'}`;
    case 'command': {
      const env = Object.keys(step.command.env ?? {});
      return `${effectiveArgv(step.command).map((arg) => JSON.stringify(arg)).join(' ')}${env.length ? `  (with ${env.join(', ')} set)` : ''}  -- ${step.why}`;
    }
  }
}

function outputsOf(plan: Pick<RestorePlan, 'dataDir' | 'port' | 'backupLabel' | 'targetTime' | 'url'>) {
  return { dataDir: plan.dataDir, port: plan.port, backupLabel: plan.backupLabel, targetTime: plan.targetTime?.toISOString() ?? null, url: plan.url };
}

async function execute(step: PlanStep, context: StepContext): Promise<void> {
  switch (step.kind) {
    case 'mkdir':
      await mkdir(step.path, { recursive: true, mode: 0o700 });
      return;
    case 'write':
      if (step.append) await appendFile(step.path, step.content);
      else await writeFile(step.path, step.content);
      return;
    case 'command':
      context.onProgress?.({ message: step.why });
      await runCommand(step.command, context.signal);
      return;
  }
}

/** The live postmaster of a data directory (from postmaster.pid: pid on line 1, port on line 4), if any. */
async function postmasterOf(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') return undefined;
  }
  return { pid, port };
}

async function logTail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join(' | ');
}

export const restoreBackup: Provider<RestoreBackupParams> = {
  async preview(params, context): Promise<ActionPreview> {
    try {
      const plan = await planRestore(params, context);
      return {
        summary: `Restore ${plan.tool} backup ${plan.backupLabel} into ${plan.dataDir} and start it on port ${plan.port}${plan.targetTime ? `, recovering to ${plan.targetTime.toISOString()}` : ', recovering to the end of the archived WAL'}`,
        details: [
          { label: 'backup', value: `${plan.backupLabel}: ${plan.backupNote}` },
          { label: 'target time', value: plan.targetTime?.toISOString() ?? '(none: end of WAL)' },
          { label: 'data directory (must be empty)', value: plan.dataDir },
          { label: 'new cluster', value: plan.url },
          ...plan.steps.map((step, i) => ({ label: `step ${i + 1}`, value: describeStep(step) })),
        ],
        dryRun: { ok: true, detail: `backup found, ${plan.dataDir} is empty or absent, programs present` },
      };
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      return {
        summary: `Restore into the data directory of "${params.into}" cannot start`,
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
    const base = { dataDir, port, backupLabel: null, targetTime: params.targetTime ? new Date(params.targetTime).toISOString() : null, url: maskUrl(connection.url) };
    // Whatever answers on the port may be another cluster: only a live postmaster of THIS data directory counts.
    const server = await postmasterOf(dataDir);
    if (!server) {
      return {
        found: false,
        detail: `${dataDir} holds files but no server runs from it: the restore stopped part-way; read ${join(dataDir, 'runbook-restore.log')}, move the directory aside, and re-run`,
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
        ? `the restored cluster in ${dataDir} (pid ${server.pid}) answers on port ${port}`
        : `the restored cluster in ${dataDir} (pid ${server.pid}) is starting and does not answer on port ${port} yet`,
    };
  },

  run: (params, context) =>
    guarded('postgres.restoreBackup', context, async () => {
      const plan = await planRestore(params, context);
      let stillStarting = false;
      for (const step of plan.steps) {
        try {
          await execute(step, context);
        } catch (error) {
          const isStart = step.kind === 'command' && step.command.argv.at(-1) === 'start';
          // pg_ctl -w gave up waiting, but the server keeps replaying WAL: the next wait step polls it.
          if (isStart && error instanceof ProviderFailure && /did not start in time/.test(error.message)) {
            stillStarting = true;
            continue;
          }
          if (isStart && error instanceof ProviderFailure) {
            const tail = await logTail(plan.logFile);
            const advice = /recovery ended before configured recovery target was reached/.test(tail) ? TARGET_NOT_ARCHIVED : error.advice;
            throw new ProviderFailure(error.failureClass, `${error.message}${tail ? `; server log: ${tail}` : ''}`, advice);
          }
          throw error;
        }
      }
      return {
        ok: true,
        observed: { dataDir: plan.dataDir, port: plan.port },
        outputs: outputsOf(plan),
        detail: `Restored ${plan.backupLabel} into ${plan.dataDir}; the cluster ${stillStarting ? 'is still starting (replaying WAL before it accepts connections)' : 'started'} on port ${plan.port} and is recovering${plan.targetTime ? ` to ${plan.targetTime.toISOString()}` : ''} (wait until it is no longer in recovery).`,
      };
    }),
};
