/**
 * What `pgbackrest info` says about each repo of a stanza, repo by repo: its status (and why it
 * cannot be used), its backups counted on their own (pgBackRest restores from repo1 first, so
 * "3 full" across two repos says nothing about either), backups flagged with errors and whether a
 * later clean full backup supersedes them, and the repo's WAL archive range. Pure: the providers
 * run pgbackrest and decide what fails; this module only reads what it printed.
 */
import type { FailureClass } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { summarizeBackups, type BackupSummary } from './backup-list.js';
import {
  parsePgbackrestInfo,
  PGBACKREST_STATUS,
  repoProblem,
  REPO_PROBLEM_ADVICE,
  REPO_PROBLEM_TEXT,
  type PgbackrestArchive,
  type PgbackrestBackup,
  type PgbackrestStanza,
  type PgbackrestStatus,
  type RepoProblem,
} from './pgbackrest.js';

export interface RepoAssessment {
  readonly key: number;
  readonly status: PgbackrestStatus;
  /** Set when the repo cannot be used: pgBackRest could not read it, or it holds no stanza. */
  readonly problem?: RepoProblem;
  /** This repo's backups only. */
  readonly summary: BackupSummary;
  readonly last?: PgbackrestBackup;
  /** Backups pgBackRest flagged `error: true`, oldest first. */
  readonly flagged: readonly PgbackrestBackup[];
  /** Flagged backups with no clean full backup started after them: the corruption may still be there. */
  readonly unsuperseded: readonly PgbackrestBackup[];
  /** The WAL archive of the stanza's current database in this repo, when pgBackRest listed one. */
  readonly archive?: PgbackrestArchive;
}

export interface StanzaAssessment {
  readonly stanza: PgbackrestStanza;
  /** The repos looked at (all, or the one asked for), by key. */
  readonly repos: readonly RepoAssessment[];
}

export interface AssessOptions {
  readonly now: Date;
  /** Count only full backups finished inside this window. */
  readonly windowSeconds?: number;
  /** Only this repo (pgBackRest's repo key). */
  readonly repo?: number;
}

/**
 * Finds the stanza in the parsed output and assesses its repos. Fails (not-found) when the stanza
 * is absent or missing from every repo looked at, and (invalid-input) when no stanza was named and
 * several are listed, or the repo asked for is not configured.
 */
export function assessPgbackrestInfo(json: unknown, stanzaName: string | undefined, options: AssessOptions): StanzaAssessment {
  const info = parsePgbackrestInfo(json, stanzaName);
  if (info.stanzas.length === 0) {
    throw stanzaName
      ? new ProviderFailure('not-found', `stanza "${stanzaName}" is not in the pgbackrest info output`, 'fix "stanza" (or backup.stanza), or create it with pgbackrest stanza-create')
      : new ProviderFailure('not-found', 'pgbackrest info lists no stanza', 'name the stanza (stanza:, or backup.stanza in the environment), or create it with pgbackrest stanza-create');
  }
  if (info.stanzas.length > 1) {
    throw new ProviderFailure('invalid-input', `pgbackrest info lists ${info.stanzas.length} stanzas (${info.stanzas.map((entry) => entry.name).join(', ')})`, 'name the one to check with stanza: (or backup.stanza in the environment)');
  }
  const stanza = info.stanzas[0]!;
  const keys = stanza.repos.map((repo) => repo.key);
  if (options.repo !== undefined && !keys.includes(options.repo)) {
    throw new ProviderFailure('invalid-input', `stanza "${stanza.name}" has no repo${options.repo}: pgBackRest lists ${keys.map((key) => `repo${key}`).join(', ')}`, 'fix "repo" in the step, or configure that repo in pgbackrest.conf');
  }
  const repos = stanza.repos.filter((repo) => options.repo === undefined || repo.key === options.repo).map((repo) => assessRepo(stanza, repo.key, repo.status, options));
  if (repos.every((repo) => repo.problem === 'missing-stanza')) {
    throw new ProviderFailure(
      'not-found',
      `pgBackRest reports stanza "${stanza.name}": ${stanza.status.message} (${repos.map((repo) => `repo${repo.key}: ${repo.status.message}`).join('; ')})`,
      'check the stanza name and the repository paths (a repo that was moved or unmounted shows the same), or create the stanza with pgbackrest stanza-create',
    );
  }
  return { stanza, repos };
}

function assessRepo(stanza: PgbackrestStanza, key: number, status: PgbackrestStatus, options: AssessOptions): RepoAssessment {
  const backups = stanza.backups.filter((backup) => backup.repo === key);
  const summary = summarizeBackups(backups, { now: options.now, ...(options.windowSeconds !== undefined ? { windowSeconds: options.windowSeconds } : {}) });
  const flagged = backups.filter((backup) => backup.error);
  const cleanFulls = backups.filter((backup) => backup.type === 'full' && !backup.error);
  const unsuperseded = flagged.filter((backup) => !cleanFulls.some((full) => full.startedAt > backup.startedAt));
  const archives = stanza.archives.filter((archive) => archive.repo === key);
  // The current database is the one with the highest history id (a stanza-upgrade adds one).
  const archive = archives.reduce<PgbackrestArchive | undefined>((current, candidate) => (!current || candidate.databaseId > current.databaseId ? candidate : current), undefined);
  const problem = repoProblem(status);
  return {
    key,
    status,
    ...(problem ? { problem } : {}),
    summary,
    ...(summary.last ? { last: summary.last as PgbackrestBackup } : {}),
    flagged,
    unsuperseded,
    ...(archive ? { archive } : {}),
  };
}

/** "repo2: permission denied: [PathOpenError] … (pgBackRest status 99)", in pgBackRest's own words. */
export function repoProblemLine(repo: RepoAssessment): string {
  return `repo${repo.key}: ${REPO_PROBLEM_TEXT[repo.problem ?? 'error']}: ${repo.status.message} (pgBackRest status ${repo.status.code})`;
}

/** What a repo holds, in one clause: "repo1: last backup L (incr) 2h 5m ago; 1 full of 3". */
export function repoFactsLine(repo: RepoAssessment, formatAge: (seconds: number) => string): string {
  if (repo.problem) return repoProblemLine(repo);
  const flagged = repo.flagged.length > 0 ? `; ${repo.flagged.length} flagged with errors` : '';
  if (!repo.last) {
    const why = repo.status.code === PGBACKREST_STATUS.noBackup ? ` (pgBackRest: ${repo.status.message})` : '';
    return `repo${repo.key}: no backup without errors${why}${flagged}`;
  }
  return `repo${repo.key}: last backup ${repo.last.label} (${repo.last.type}) ${formatAge(repo.summary.ageSeconds ?? 0)} ago; ${repo.summary.fullCount} full of ${repo.summary.backupCount}${flagged}`;
}

/** The failure class and advice for the first unusable repo, when there is one. */
export function repoFailure(repos: readonly RepoAssessment[]): { class: FailureClass; advice: string } | undefined {
  const broken = repos.find((repo) => repo.problem);
  if (!broken?.problem) return undefined;
  const classes: Record<RepoProblem, FailureClass> = {
    permission: 'permission',
    'missing-stanza': 'not-found',
    unreachable: 'unreachable',
    'database-mismatch': 'conflict',
    error: 'expectation',
  };
  return { class: classes[broken.problem], advice: `repo${broken.key}: ${REPO_PROBLEM_ADVICE[broken.problem].replaceAll('--repo=N', `--repo=${broken.key}`).replaceAll('repoN', `repo${broken.key}`)}` };
}

/** Per-repo facts as step outputs (JSON), repo1 first. */
export function repoOutputs(repos: readonly RepoAssessment[]): Record<string, unknown>[] {
  return repos.map((repo) => ({
    repo: repo.key,
    status: repo.status.message,
    statusCode: repo.status.code,
    problem: repo.problem ?? null,
    lastBackupLabel: repo.last?.label ?? null,
    lastBackupType: repo.last?.type ?? null,
    lastBackupAt: repo.last?.finishedAt.toISOString() ?? null,
    ageSeconds: repo.summary.ageSeconds === undefined ? null : Math.round(repo.summary.ageSeconds),
    fullCount: repo.summary.fullCount,
    backupCount: repo.summary.backupCount,
    erroredLabels: repo.flagged.map((backup) => backup.label),
    walMin: repo.archive?.min ?? null,
    walMax: repo.archive?.max ?? null,
  }));
}
