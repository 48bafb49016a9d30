/**
 * `shell.pgbackrestInfo` and `shell.walgBackups`: run the backup tool's own listing command,
 * parse its JSON, and check the age of the last successful backup and the count of full ones.
 * pgBackRest is read repo by repo: every repo must hold what is asked (or only the `repo` named),
 * and a repo pgBackRest cannot read fails the check with pgBackRest's own message.
 * Defaults for the stanza, extra arguments and WAL-G's environment come from the environment's
 * `backup:` settings when it uses that tool.
 */
import type { Provider, StepContext, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import { summarizeBackups, type BackupSummary } from './backup-list.js';
import type { PgbackrestInfoParams, WalgBackupsParams } from './definitions.js';
import { assessPgbackrestInfo, repoFactsLine, repoFailure, repoOutputs, repoProblemLine, type RepoAssessment, type StanzaAssessment } from './pgbackrest-assess.js';
import { runForJson } from './tool-process.js';
import { parseWalgBackupList } from './walg.js';

/** What a pgBackRest provider needs to run `info`: the stanza and extra arguments, from the step or the environment. */
export interface PgbackrestTarget {
  readonly stanza?: string;
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The stanza and argv prefix (`pgbackrest` plus the environment's `backup.args`) for a step. */
export function pgbackrestCommand(params: { stanza?: string }, context: StepContext): { stanza?: string; prefix: string[] } {
  const settings = context.environment.backup?.tool === 'pgbackrest' ? context.environment.backup : undefined;
  const stanza = params.stanza ?? settings?.stanza;
  return { ...(stanza ? { stanza } : {}), prefix: ['pgbackrest', ...(settings?.args ?? [])] };
}

/** Runs `pgbackrest info --output=json` (or the step's argv) and assesses the stanza repo by repo. */
export async function readPgbackrestInfo(target: PgbackrestTarget, context: StepContext, options: { windowSeconds?: number; repo?: number } = {}): Promise<StanzaAssessment> {
  const { stanza, prefix } = pgbackrestCommand(target, context);
  const argv = target.argv ?? [...prefix, '--output=json', ...(stanza ? [`--stanza=${stanza}`] : []), 'info'];
  const json = await runForJson('pgbackrest', argv, target.env, context);
  return assessPgbackrestInfo(json, stanza, { now: context.now(), ...options });
}

/** The `shell.pgbackrestInfo` check. */
export const pgbackrestInfo: Provider<PgbackrestInfoParams> = {
  async run(params, context) {
    try {
      const assessment = await readPgbackrestInfo(params, context, {
        ...(params.window !== undefined ? { windowSeconds: params.window } : {}),
        ...(params.repo !== undefined ? { repo: params.repo } : {}),
      });
      return pgbackrestResult(assessment, params);
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
      return walgResult(summary, params);
    } catch (error) {
      return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, 'shell.walgBackups');
    }
  },
};

interface Thresholds {
  readonly maxAge?: number;
  readonly minFull?: number;
  readonly window?: number;
}

function pgbackrestResult(assessment: StanzaAssessment, params: Thresholds): StepResult {
  const repos = assessment.repos;
  const names = repos.map((repo) => `repo${repo.key}`).join(', ');
  const scope = params.window !== undefined ? ` within ${formatSeconds(params.window)}` : '';
  const expected = [
    `a successful backup in ${repos.length === 1 ? names : `each repo (${names})`}`,
    ...(params.maxAge !== undefined ? [`last backup age <= ${formatSeconds(params.maxAge)}`] : []),
    ...(params.minFull !== undefined ? [`full backups${scope} >= ${params.minFull}`] : []),
  ];
  const failed = repos.flatMap((repo) => repoShortfalls(repo, params, scope));
  const weakest = weakestRepo(repos);
  const failure = repoFailure(repos);
  const ok = failed.length === 0;
  const observed = repos.map((repo) => repoFactsLine(repo, formatSeconds)).join('; ');
  const last = weakest?.last;
  const outputs = {
    lastBackupAt: last?.finishedAt.toISOString() ?? null,
    ageSeconds: weakest?.summary.ageSeconds === undefined ? null : Math.round(weakest.summary.ageSeconds),
    fullCount: Math.min(...repos.map((repo) => repo.summary.fullCount)),
    backupCount: Math.min(...repos.map((repo) => repo.summary.backupCount)),
    failedCount: repos.reduce((sum, repo) => sum + repo.flagged.length, 0),
    lastBackupLabel: last?.label ?? null,
    lastBackupRepo: last ? weakest!.key : null,
    repos: repoOutputs(repos),
  };
  return {
    ok,
    observed,
    expected: expected.join('; '),
    outputs,
    detail: ok ? `pgBackRest: ${observed}.` : `pgBackRest: ${failed.join('; ')}.`,
    ...(failure ? { failure } : {}),
  };
}

/** What a repo lacks against the thresholds, each in one clause naming the repo. */
function repoShortfalls(repo: RepoAssessment, params: Thresholds, scope: string): string[] {
  if (repo.problem) return [repoProblemLine(repo)];
  const name = `repo${repo.key}`;
  const lines: string[] = [];
  if (!repo.last) {
    const flagged = repo.flagged.length > 0 ? ` (${repo.flagged.length} flagged with errors)` : '';
    lines.push(`${name} lists no successful backup${flagged}`);
  } else if (params.maxAge !== undefined && repo.summary.ageSeconds !== undefined && repo.summary.ageSeconds > params.maxAge) {
    lines.push(`${name}: the last successful backup is ${formatSeconds(repo.summary.ageSeconds)} old (limit ${formatSeconds(params.maxAge)})`);
  }
  if (params.minFull !== undefined && repo.summary.fullCount < params.minFull) {
    lines.push(`${name}: ${repo.summary.fullCount} full backup${repo.summary.fullCount === 1 ? '' : 's'}${scope}, fewer than ${params.minFull}`);
  }
  return lines;
}

/**
 * The repo that fares worst: one without a successful backup, else the one whose last backup is
 * oldest. Top-level outputs describe it, so a threshold on them holds for every repo.
 */
function weakestRepo(repos: readonly RepoAssessment[]): RepoAssessment | undefined {
  const without = repos.find((repo) => !repo.last);
  if (without) return without;
  return repos.reduce<RepoAssessment | undefined>((worst, repo) => (!worst || repo.last!.finishedAt < worst.last!.finishedAt ? repo : worst), undefined);
}

function walgResult(summary: BackupSummary, params: Thresholds): StepResult {
  const expected: string[] = ['a successful backup'];
  const failed: string[] = [];
  if (!summary.last) failed.push('WAL-G lists no successful backup');
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
    lastBackupName: summary.last?.label ?? null,
  };
  const ok = failed.length === 0;
  return {
    ok,
    observed,
    expected: expected.join('; '),
    outputs,
    detail: ok ? `WAL-G: ${observed}.` : `WAL-G: ${failed.join('; ')}.`,
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
