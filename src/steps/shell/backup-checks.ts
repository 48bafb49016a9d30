/**
 * `shell.pgbackrestInfo` and `shell.walgBackups`: run the backup tool's own listing command,
 * parse its JSON, and check the age of the last successful backup and the count of full ones.
 * Defaults for the stanza, extra arguments and WAL-G's environment come from the environment's
 * `backup:` settings when it uses that tool.
 */
import type { Provider, StepContext, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import { summarizeBackups, type BackupSummary } from './backup-list.js';
import type { PgbackrestInfoParams, WalgBackupsParams } from './definitions.js';
import { parseJson } from './expect.js';
import { parsePgbackrestInfo, PGBACKREST_STATUS } from './pgbackrest.js';
import { runProcess } from './spawn.js';
import { parseWalgBackupList } from './walg.js';

/** The `shell.pgbackrestInfo` check. */
export const pgbackrestInfo: Provider<PgbackrestInfoParams> = {
  async run(params, context) {
    try {
      const settings = context.environment.backup?.tool === 'pgbackrest' ? context.environment.backup : undefined;
      const stanza = params.stanza ?? settings?.stanza;
      const argv = params.argv ?? ['pgbackrest', ...(settings?.args ?? []), '--output=json', ...(stanza ? [`--stanza=${stanza}`] : []), 'info'];
      const json = await runForJson('pgbackrest', argv, params.env, context);
      const info = parsePgbackrestInfo(json, stanza);
      if (stanza && info.stanzas.length === 0) {
        throw new ProviderFailure('not-found', `stanza "${stanza}" is not in the pgbackrest info output`, 'fix "stanza" (or backup.stanza), or create it with pgbackrest stanza-create');
      }
      const missing = info.stanzas.find((entry) => entry.status.code === PGBACKREST_STATUS.missingStanzaPath || entry.status.code === PGBACKREST_STATUS.missingStanzaData);
      if (missing) {
        throw new ProviderFailure('not-found', `pgBackRest reports stanza "${missing.name}": ${missing.status.message}`, 'check the repository settings, or create the stanza with pgbackrest stanza-create');
      }
      // "no valid backups" shows as an empty list; any other non-zero status is a problem to report.
      const problems = info.stanzas
        .filter((entry) => entry.status.code !== PGBACKREST_STATUS.ok && entry.status.code !== PGBACKREST_STATUS.noBackup)
        .map((entry) => `stanza "${entry.name}": ${entry.status.message} (status ${entry.status.code})`);
      const summary = summarizeBackups(info.backups, { now: context.now(), windowSeconds: params.window });
      return backupResult('pgBackRest', summary, params, problems, 'lastBackupLabel');
    } catch (error) {
      return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, 'shell.pgbackrestInfo');
    }
  },
};

/** The `shell.walgBackups` check. */
export const walgBackups: Provider<WalgBackupsParams> = {
  async run(params, context) {
    try {
      const settings = context.environment.backup?.tool === 'walg' ? context.environment.backup : undefined;
      const argv = params.argv ?? ['wal-g', 'backup-list', '--detail', '--json'];
      const json = await runForJson('wal-g', argv, { ...settings?.env, ...params.env }, context);
      const summary = summarizeBackups(parseWalgBackupList(json).backups, { now: context.now(), windowSeconds: params.window });
      return backupResult('WAL-G', summary, params, [], 'lastBackupName');
    } catch (error) {
      return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, 'shell.walgBackups');
    }
  },
};

/** Runs the listing command and parses its stdout as JSON (empty output: null). */
async function runForJson(tool: string, argv: readonly string[], env: Readonly<Record<string, string>> | undefined, context: StepContext): Promise<unknown> {
  const outcome = await runProcess({ argv, env, signal: context.signal });
  if (outcome.aborted === 'timeout') {
    throw new ProviderFailure('timeout', `${argv[0]} did not answer within ${Math.round(context.timeoutMs / 1000)}s and was killed`, `check that the ${tool} repository is reachable, or raise the step's timeout`);
  }
  if (outcome.aborted) throw new ProviderFailure('cancelled', `${argv[0]} was cancelled`, 'nothing was changed; re-run the step when ready');
  if (outcome.exitCode !== 0) {
    const message = lastLine(outcome.stderr) || lastLine(outcome.stdout) || `terminated by ${outcome.signal}`;
    const denied = /permission denied|access denied|forbidden/i.test(outcome.stderr);
    throw new ProviderFailure(
      denied ? 'permission' : 'unreachable',
      `${argv[0]} failed (exit code ${outcome.exitCode ?? outcome.signal}): ${message}`,
      denied ? `run it as a user allowed to read the ${tool} repository` : `run ${argv.join(' ')} by hand to see why, and check the ${tool} repository settings`,
    );
  }
  if (outcome.stdout.trim() === '') return null;
  const parsed = parseJson(outcome.stdout);
  if (!parsed.ok) {
    throw new ProviderFailure('expectation', `${argv[0]} did not print JSON (${parsed.error})`, `check that argv asks ${tool} for JSON output`);
  }
  return parsed.value;
}

function backupResult(
  tool: string,
  summary: BackupSummary,
  params: { maxAge?: number; minFull?: number; window?: number },
  problems: readonly string[],
  labelOutput: 'lastBackupLabel' | 'lastBackupName',
): StepResult {
  const expected: string[] = ['a successful backup'];
  const failed: string[] = [...problems];
  if (!summary.last) failed.push(`${tool} lists no successful backup`);
  if (params.maxAge !== undefined) {
    expected.push(`last backup age <= ${formatSeconds(params.maxAge)}`);
    if (summary.ageSeconds !== undefined && summary.ageSeconds > params.maxAge) {
      failed.push(`the last successful backup is ${formatSeconds(summary.ageSeconds)} old (limit ${formatSeconds(params.maxAge)})`);
    }
  }
  if (params.minFull !== undefined) {
    const scope = params.window !== undefined ? ` within ${formatSeconds(params.window)}` : '';
    expected.push(`full backups${scope} >= ${params.minFull}`);
    if (summary.fullCount < params.minFull) failed.push(`${summary.fullCount} full backup${summary.fullCount === 1 ? '' : 's'}${scope}, fewer than ${params.minFull}`);
  }
  const observed = summary.last
    ? `last backup ${summary.last.label} (${summary.last.type}) ${formatSeconds(summary.ageSeconds ?? 0)} ago; ${summary.fullCount} full; ${summary.failedCount} errored`
    : `no successful backup; ${summary.failedCount} errored`;
  const outputs = {
    lastBackupAt: summary.last?.finishedAt.toISOString() ?? null,
    ageSeconds: summary.ageSeconds === undefined ? null : Math.round(summary.ageSeconds),
    fullCount: summary.fullCount,
    backupCount: summary.backupCount,
    failedCount: summary.failedCount,
    [labelOutput]: summary.last?.label ?? null,
  };
  const ok = failed.length === 0;
  return {
    ok,
    observed,
    expected: expected.join('; '),
    outputs,
    detail: ok ? `${tool}: ${observed}.` : `${tool}: ${failed.join('; ')}.`,
  };
}

/** 93784 → "1d 2h", 5400 → "1h 30m", 42 → "42s". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}
