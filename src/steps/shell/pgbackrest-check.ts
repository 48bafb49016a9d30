/**
 * `shell.pgbackrestCheck`: `pgbackrest check`, pgBackRest's own round trip. It checks each repo's
 * configuration, has the live server switch WAL and waits until archive-push has stored that
 * segment in every repo. Run with `--log-level-console=info`, pgBackRest names the segment and
 * each repo it reached ("WAL segment … successfully archived to '…' on repo1"); those lines, or
 * its ERROR line and the repo it was checking, are what the result reports.
 */
import type { FailureClass, Provider, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import { pgbackrestCommand } from './backup-checks.js';
import type { PgbackrestCheckParams } from './definitions.js';
import { runTool, toolError } from './tool-process.js';

const ARCHIVED = /WAL segment ([0-9A-F]{24}) successfully archived to '([^']*)' on repo(\d+)/g;
const CHECKING = /check repo(\d+) (configuration|archive for WAL)/g;

/** The `shell.pgbackrestCheck` check. */
export const pgbackrestCheck: Provider<PgbackrestCheckParams> = {
  async run(params, context) {
    try {
      const { stanza, prefix } = pgbackrestCommand(params, context);
      if (!stanza && !params.argv) {
        throw new ProviderFailure('invalid-input', 'pgbackrest check needs a stanza', 'give stanza: in the step, or backup.stanza in the environment');
      }
      const argv = params.argv ?? [
        ...prefix,
        `--stanza=${stanza}`,
        '--log-level-console=info',
        ...(params.archiveTimeout !== undefined ? [`--archive-timeout=${params.archiveTimeout}`] : []),
        'check',
      ];
      const outcome = await runTool('pgbackrest', argv, params.env, context);
      const output = `${outcome.stdout}\n${outcome.stderr}`;
      const archived = [...output.matchAll(ARCHIVED)].map((match) => ({ segment: match[1]!, repo: Number(match[3]) }));
      const seconds = outcome.durationMs / 1000;
      const repos = [...new Set(archived.map((entry) => entry.repo))];
      const segment = archived[0]?.segment ?? null;
      const outputs = { walSegment: segment, archivedTo: repos, exitCode: outcome.exitCode, seconds: Math.round(seconds * 10) / 10 };
      if (outcome.exitCode === 0) {
        const where = repos.length > 0 ? ` to ${repos.map((repo) => `repo${repo}`).join(' and ')}` : '';
        const observed = segment ? `WAL segment ${segment} archived${where} in ${seconds.toFixed(1)}s` : `pgbackrest check passed in ${seconds.toFixed(1)}s`;
        return { ok: true, observed, expected: 'pgbackrest check exits 0', outputs, detail: `pgbackrest check (stanza ${stanza ?? 'from argv'}): ${observed}, as pgBackRest reported.` };
      }
      const error = toolError(outcome.stderr) || toolError(outcome.stdout) || `terminated by ${outcome.signal}`;
      const checking = [...output.matchAll(CHECKING)].pop();
      const during = checking ? ` while checking repo${checking[1]} ${checking[2] === 'configuration' ? 'configuration' : 'archive'}` : '';
      const cause = causeOf(error, outcome.stderr);
      const result: StepResult = {
        ok: false,
        observed: error,
        expected: 'pgbackrest check exits 0',
        outputs,
        detail: `pgbackrest check failed (exit code ${outcome.exitCode ?? outcome.signal})${during}: ${error}${detailLine(outcome.stderr)}`,
        failure: { class: cause.class, advice: cause.advice },
      };
      return result;
    } catch (error) {
      return error instanceof ProviderFailure ? failureResult(error) : toFailureResult(error, 'shell.pgbackrestCheck');
    }
  },
};

/** pgBackRest's second line, when it explains the first (e.g. "FileOpenError: … Permission denied"). */
function detailLine(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const index = lines.findIndex((line) => /(^|\s)ERROR:/.test(line));
  const next = index >= 0 ? lines[index + 1] : undefined;
  return next && !next.startsWith('HINT:') && next !== '' ? ` (${next})` : '';
}

function causeOf(error: string, stderr: string): { class: FailureClass; advice: string } {
  const text = `${error}\n${stderr}`;
  if (/\[082\]|was not archived before/.test(text)) {
    return { class: 'expectation', advice: 'archiving is not reaching the repository: read the server log for archive_command errors and check pg_stat_archiver (failed_count, last_failed_wal)' };
  }
  if (/must contain pgbackrest|archive_mode/.test(text)) {
    return { class: 'invalid-input', advice: 'set archive_mode = on and archive_command to pgbackrest --stanza=… archive-push %p on the live server, then reload it' };
  }
  if (/permission denied|\[13\]/i.test(text)) return { class: 'permission', advice: 'run pgbackrest as the user that owns the repository (usually postgres), or fix its ownership' };
  if (/HostConnectError|unable to connect|connection refused|could not resolve/i.test(text)) return { class: 'unreachable', advice: 'check the network path and credentials to the repository host or object store' };
  if (/FileMissingError|missing stanza|requires option: pg1-path|does this stanza exist/i.test(text)) {
    return { class: 'not-found', advice: 'check the stanza name and that the repository path is mounted, or run pgbackrest stanza-create' };
  }
  return { class: 'expectation', advice: 'run the same pgbackrest check by hand and read its log (log-path) for the cause' };
}
