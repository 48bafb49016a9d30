/**
 * postgres.discardRestore: the end of a restore test. Stops the server a restore started in its
 * data directory and removes the directory's contents (not the directory), so next week's test
 * finds it empty. It touches only a directory holding the record a restore wrote
 * (runbook-restore.json): a live cluster's data directory has none, so it is never emptied.
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionPreview, Provider, Reconciliation, StepContext, StepResult } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { connectionFor } from './connect.js';
import type { DiscardRestoreParams } from './definitions.js';
import { findExecutable, isRoot, runCommand } from './restore/commands.js';
import { readRestoreRecord, RESTORE_RECORD, type RestoreRecord } from './restore/restore-record.js';
import { guarded } from './result.js';
import { postmasterOf, type Postmaster } from './server-process.js';

interface Target {
  readonly dataDir: string;
  readonly entries: readonly string[];
  readonly record: RestoreRecord | undefined;
  readonly server: Postmaster | undefined;
  readonly pgCtl: string;
  readonly runAs: string | undefined;
}

async function target(params: DiscardRestoreParams, context: StepContext): Promise<Target> {
  const connection = connectionFor(params.into, context);
  const dataDir = connection.dataDir;
  if (!dataDir) throw new ProviderFailure('invalid-input', `connection "${params.into}" has no dataDir`, `set environments.${context.envName}.postgres.${params.into}.dataDir to the restore's data directory`);
  if (!existsSync(dataDir)) throw new ProviderFailure('not-found', `${dataDir} does not exist`, 'nothing to discard; check the connection\'s dataDir');
  const entries = readdirSync(dataDir);
  const record = await readRestoreRecord(dataDir);
  if (entries.length > 0 && !record) {
    throw new ProviderFailure(
      'invalid-input',
      `${dataDir} holds no ${RESTORE_RECORD}: it was not written by a runbook restore, so it is not emptied`,
      'empty it by hand if it really is a scratch copy; a live cluster\'s directory must never be the restore target',
    );
  }
  const pgCtl = (connection.binDir ? join(connection.binDir, 'pg_ctl') : findExecutable('pg_ctl')) ?? 'pg_ctl';
  return { dataDir, entries, record, server: await postmasterOf(dataDir), pgCtl, runAs: isRoot() ? connection.runAs : undefined };
}

function describe(found: Target): string {
  const restored = found.record ? `the restore of ${found.record.tool} backup ${found.record.backupLabel} (session ${found.record.sessionId})` : 'an empty directory';
  const server = found.server ? `stop its server (pid ${found.server.pid}, port ${found.server.port}), then ` : '';
  return `${server}remove the ${found.entries.length} entries of ${found.dataDir}: ${restored}`;
}

export const discardRestore: Provider<DiscardRestoreParams> = {
  async preview(params, context): Promise<ActionPreview> {
    const found = await target(params, context);
    return {
      summary: describe(found),
      details: [
        { label: 'data directory', value: found.dataDir },
        { label: 'server', value: found.server ? `pid ${found.server.pid} on port ${found.server.port} (${found.server.status}): ${found.pgCtl} stop -m fast -w` : 'not running' },
        { label: 'restore record', value: found.record ? JSON.stringify(found.record) : 'none (the directory is empty)' },
      ],
      dryRun: { ok: true, detail: `read ${found.dataDir}: ${found.entries.length} entries${found.record ? `, written by a restore in session ${found.record.sessionId}` : ''}` },
    };
  },

  run: (params, context) =>
    guarded(`discard the restore in ${params.into}`, context, async (): Promise<StepResult> => {
      const found = await target(params, context);
      if (found.server) {
        await runCommand({ argv: [found.pgCtl, '-D', found.dataDir, '-m', 'fast', '-w', 'stop'], ...(found.runAs ? { runAs: found.runAs } : {}) }, context.signal);
      }
      for (const entry of found.entries) await rm(join(found.dataDir, entry), { recursive: true, force: true });
      const left = readdirSync(found.dataDir);
      if (left.length > 0) {
        throw new ProviderFailure('conflict', `${found.dataDir} still holds ${left.join(', ')} after removing its contents`, 'a process still writes there: stop it, then re-run the step');
      }
      return {
        ok: true,
        outputs: { dataDir: found.dataDir, removed: found.entries.length, stoppedPid: found.server?.pid ?? null },
        detail: `${found.server ? `Stopped the server (pid ${found.server.pid}) and removed` : 'Removed'} the ${found.entries.length} entries of ${found.dataDir}; it is empty now.`,
      };
    }),

  async reconcile(params, context): Promise<Reconciliation> {
    const connection = connectionFor(params.into, context);
    const dataDir = connection.dataDir ?? '';
    const empty = existsSync(dataDir) && readdirSync(dataDir).length === 0;
    return empty ? { found: true, outputs: { dataDir, removed: null, stoppedPid: null }, detail: `${dataDir} is empty: the restore was discarded` } : { found: false, detail: `${dataDir} still holds files` };
  },
};
