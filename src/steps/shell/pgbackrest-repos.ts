/**
 * `shell.pgbackrestRepos`: are the backups sound, repo by repo? Every repo must be readable, hold
 * the stanza and at least one backup without errors, and no backup may carry errors that a later
 * clean full backup has not superseded. pgBackRest flags a backup `error: true` when it found
 * page checksum failures while copying it: the live database has corrupted pages. For each such
 * backup the files pgBackRest named (`info --set=LABEL`, "error list") are reported as it printed them.
 */
import type { Provider, StepContext, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import { formatSeconds, pgbackrestCommand, readPgbackrestInfo } from './backup-checks.js';
import type { PgbackrestReposParams } from './definitions.js';
import { repoFactsLine, repoFailure, repoOutputs, repoProblemLine, type RepoAssessment } from './pgbackrest-assess.js';
import { parsePgbackrestInfo, type PgbackrestBackup } from './pgbackrest.js';
import { runForJson } from './tool-process.js';

/** The `shell.pgbackrestRepos` check. */
export const pgbackrestRepos: Provider<PgbackrestReposParams> = {
  async run(params, context) {
    try {
      const assessment = await readPgbackrestInfo(params, context, params.repo !== undefined ? { repo: params.repo } : {});
      const errorLists = new Map<string, readonly string[]>();
      for (const repo of assessment.repos) {
        for (const backup of repo.unsuperseded) {
          const files = await errorListOf(params, assessment.stanza.name, repo.key, backup, context);
          if (files) errorLists.set(`${repo.key}/${backup.label}`, files);
        }
      }
      return soundnessResult(assessment.repos, errorLists);
    } catch (error) {
      return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, 'shell.pgbackrestRepos');
    }
  },
};

/** The files pgBackRest lists for a flagged backup (`info --set`); undefined when it lists none or cannot say. */
async function errorListOf(params: PgbackrestReposParams, stanza: string, repo: number, backup: PgbackrestBackup, context: StepContext): Promise<readonly string[] | undefined> {
  // A custom argv is the operator's own command: there is no way to add --set to it.
  if (params.argv) return undefined;
  const { prefix } = pgbackrestCommand(params, context);
  const argv = [...prefix, '--output=json', `--stanza=${stanza}`, `--repo=${repo}`, `--set=${backup.label}`, 'info'];
  try {
    const detail = parsePgbackrestInfo(await runForJson('pgbackrest', argv, params.env, context), stanza);
    return detail.backups.find((candidate) => candidate.label === backup.label)?.errorList;
  } catch {
    // The flag itself is what fails the check; the list only helps find the damage.
    return undefined;
  }
}

function soundnessResult(repos: readonly RepoAssessment[], errorLists: ReadonlyMap<string, readonly string[]>): StepResult {
  const failed: string[] = [];
  for (const repo of repos) {
    if (repo.problem) {
      failed.push(repoProblemLine(repo));
      continue;
    }
    if (!repo.last) failed.push(`repo${repo.key} lists no backup without errors${repo.status.code === 2 ? ` (pgBackRest: ${repo.status.message})` : ''}`);
    for (const backup of repo.unsuperseded) {
      const files = errorLists.get(`${repo.key}/${backup.label}`);
      failed.push(
        `repo${repo.key}: backup ${backup.label} (${backup.type}, finished ${backup.finishedAt.toISOString()}) has errors detected during backup ` +
          `(pgBackRest error: true${files && files.length > 0 ? `; error list: ${files.join(', ')}` : ''}): page checksum failures, so the live database has corrupted pages`,
      );
    }
  }
  const superseded = repos.reduce((sum, repo) => sum + repo.flagged.length - repo.unsuperseded.length, 0);
  const observed = repos.map((repo) => repoFactsLine(repo, formatSeconds)).join('; ');
  const unsuperseded = repos.flatMap((repo) => repo.unsuperseded.map((backup) => ({ repo: repo.key, label: backup.label, errorList: errorLists.get(`${repo.key}/${backup.label}`) ?? null })));
  const failure = repoFailure(repos);
  const ok = failed.length === 0;
  const names = repos.map((repo) => `repo${repo.key}`).join(', ');
  const corrupted = unsuperseded.length > 0
    ? ' Find the damaged relations with pg_amcheck (or SELECT relname FROM pg_class WHERE relfilenode = the file name, in the database whose OID is the directory under base/), then restore or rebuild them; a clean full backup afterwards clears this check.'
    : '';
  return {
    ok,
    observed,
    expected: `${repos.length === 1 ? names : `each repo (${names})`} readable with a backup without errors; no backup with errors that a later clean full backup has not superseded`,
    outputs: {
      repos: repoOutputs(repos),
      erroredBackups: unsuperseded,
      supersededErrored: superseded,
      unusableRepos: repos.filter((repo) => repo.problem).map((repo) => repo.key),
    },
    detail: ok
      ? `pgBackRest: ${observed}${superseded > 0 ? ` (${superseded} flagged backup${superseded === 1 ? '' : 's'} superseded by a later clean full backup)` : ''}.`
      : `pgBackRest: ${failed.join('; ')}.${corrupted}`,
    ...(failure ? { failure } : {}),
  };
}
