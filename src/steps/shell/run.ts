/**
 * `shell.run`: a program from an argv list, as a check, a wait or an action. Its result carries
 * the exit code and the (capped) output; expectations decide pass or fail. As an action it is
 * previewed with its argv as a list, and after a crash it is reconciled only through an explicit
 * read-only probe (`reconcile: { argv, expect }`): a command's effect cannot be looked up otherwise.
 */
import type { ActionPreview, Provider, Reconciliation, StepContext, StepResult } from '../provider.js';
import { failureResult, ProviderFailure, toFailureResult } from '../support/call.js';
import type { ShellRunParams } from './definitions.js';
import { formatArgv, formatEnv, resolveProgram } from './display.js';
import { checkOutput, combineChecks, parseJson } from './expect.js';
import { leftoverSentence, observedLeftovers, survivorFailure } from './leftovers.js';
import { runProcess, type ProcessResult } from './spawn.js';
import { OUTPUT_CAP_BYTES } from './tail-buffer.js';

const NO_LOOKUP = 'shell actions cannot be looked up; check the effect by hand before re-running';

/** The `shell.run` provider: run, preview and reconcile. */
export const shellRun: Provider<ShellRunParams> = {
  async run(params, context) {
    try {
      const outcome = await runProcess({
        argv: params.argv,
        env: params.env,
        cwd: params.cwd,
        signal: context.signal,
        onOutput: context.onOutput ? (chunk) => context.onOutput!(chunk) : undefined,
      });
      return resultOf(params, outcome, context);
    } catch (error) {
      return toFailureResult(error, 'shell.run');
    }
  },

  async preview(params, context): Promise<ActionPreview> {
    const secrets = context.environment.secrets;
    const cwd = params.cwd ?? process.cwd();
    const program = params.argv[0]!;
    const resolved = resolveProgram(program, { ...process.env, ...params.env }, cwd);
    const details = [
      { label: 'argv', value: formatArgv(params.argv, secrets) },
      { label: 'cwd', value: cwd },
      ...(params.env && Object.keys(params.env).length > 0 ? [{ label: 'env', value: formatEnv(params.env, secrets) }] : []),
      { label: 'timeout', value: `${Math.round(context.timeoutMs / 1000)}s (then it and every process it started are ended)` },
      { label: 'at the end', value: 'any process it leaves running is ended (setsid or not) and reported' },
      { label: 'after a crash', value: params.reconcile ? `probe ${formatArgv(params.reconcile.argv, secrets)}` : NO_LOOKUP },
    ];
    return {
      summary: `run ${program} with ${params.argv.length - 1} argument${params.argv.length === 2 ? '' : 's'}, without a shell`,
      details,
      dryRun: resolved
        ? { ok: true, detail: `${program} resolves to ${resolved}` }
        : { ok: false, detail: `${program} was not found or is not executable: install it or fix argv[0]` },
    };
  },

  async reconcile(params, context): Promise<Reconciliation> {
    if (!params.reconcile) return { found: false, detail: NO_LOOKUP };
    const probe = params.reconcile;
    const outcome = await runProcess({ argv: probe.argv, env: params.env, cwd: params.cwd, signal: context.signal });
    if (outcome.aborted) throw abortedFailure(probe.argv[0]!, outcome, context);
    const checks = combineChecks(checkOutput(probe.expect, outcome));
    const shown = formatArgv(probe.argv, context.environment.secrets);
    return checks.ok
      ? { found: true, outputs: {}, detail: `the probe ${shown} passed (${checks.observed}): the action's effect exists` }
      : { found: false, detail: `the probe ${shown} did not pass (expected ${checks.expected}; observed ${checks.observed}): the action's effect was not found` };
  },
};

function resultOf(params: ShellRunParams, outcome: ProcessResult, context: StepContext): StepResult {
  const program = params.argv[0]!;
  const secrets = context.environment.secrets;
  const outputs = outputsOf(outcome);
  const left = observedLeftovers(outcome.leftovers, secrets);
  const leftNote = left ? ` ${leftoverSentence(outcome.leftovers, secrets)}` : '';
  if (outcome.aborted) {
    const failure = abortedFailure(program, outcome, context);
    return failureResult(failure, { outputs, detail: `${failure.message}.${leftNote} ${failure.advice}`, ...(left ? { observed: left } : {}) });
  }
  const checks = combineChecks(checkOutput(params.expect, outcome));
  const observed = left ? { output: checks.observed, ...left } : checks.observed;
  if (outcome.leftovers.survivors.length > 0) {
    const failure = survivorFailure(program, outcome.leftovers, secrets);
    return failureResult(failure, { outputs, observed, expected: checks.expected });
  }
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const truncation = truncationNote(outcome);
  const detail = checks.ok
    ? `${program} ended with ${checks.observed} in ${seconds}s.${leftNote}${truncation}`
    : `${program} did not meet the expectation: expected ${checks.failed.map((check) => check.expected).join('; ')}, observed ${checks.failed.map((check) => check.observed).join('; ')}.${tailOf(outcome.stderr)}${leftNote}${truncation}`;
  return { ok: checks.ok, observed, expected: checks.expected, outputs, detail };
}

function outputsOf(outcome: ProcessResult): Record<string, unknown> {
  const json = parseJson(outcome.stdout);
  return {
    exitCode: outcome.exitCode,
    // Without the trailing newline, so `${{ steps.x.outputs.stdout }}` is usable as one argument.
    stdout: outcome.stdout.replace(/\r?\n$/, ''),
    stderr: outcome.stderr.replace(/\r?\n$/, ''),
    ...(json.ok ? { json: json.value } : {}),
  };
}

function abortedFailure(program: string, outcome: ProcessResult, context: StepContext): ProviderFailure {
  if (outcome.aborted === 'timeout') {
    return new ProviderFailure(
      'timeout',
      `${program} did not finish within ${Math.round(context.timeoutMs / 1000)}s and was ended with every process it started`,
      'find out why it hangs (its output is kept), or raise the step\'s timeout',
    );
  }
  return new ProviderFailure('cancelled', `${program} was cancelled and ended with every process it started`, 'check what it had done before re-running the step');
}

function tailOf(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((line) => line.trim() !== '');
  return lines.length > 0 ? ` stderr ends: "${lines.slice(-3).join(' | ').slice(0, 300)}".` : '';
}

function truncationNote(outcome: ProcessResult): string {
  const streams = [outcome.stdoutTruncated ? 'stdout' : '', outcome.stderrTruncated ? 'stderr' : ''].filter(Boolean);
  return streams.length > 0 ? ` Output truncated: only the last ${OUTPUT_CAP_BYTES / 1024} KiB of ${streams.join(' and ')} kept.` : '';
}
