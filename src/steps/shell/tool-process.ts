/**
 * Running a backup tool (pgbackrest, wal-g) for a check: a timeout or cancellation, a non-zero
 * exit and output that is not JSON each become a classified failure quoting what the tool said.
 */
import type { StepContext } from '../provider.js';
import { ProviderFailure } from '../support/call.js';
import { parseJson } from './expect.js';
import { runProcess, type ProcessResult } from './spawn.js';

/** Runs the tool to completion; a timeout or cancellation is thrown as a failure naming the tool. */
export async function runTool(tool: string, argv: readonly string[], env: Readonly<Record<string, string>> | undefined, context: StepContext): Promise<ProcessResult> {
  const outcome = await runProcess({ argv, env, signal: context.signal });
  if (outcome.aborted === 'timeout') {
    throw new ProviderFailure('timeout', `${argv[0]} did not answer within ${Math.round(context.timeoutMs / 1000)}s and was killed`, `check that the ${tool} repository is reachable, or raise the step's timeout`);
  }
  if (outcome.aborted) throw new ProviderFailure('cancelled', `${argv[0]} was cancelled`, 'nothing was changed; re-run the step when ready');
  return outcome;
}

/** Runs the listing command and parses its stdout as JSON (empty output: null). */
export async function runForJson(tool: string, argv: readonly string[], env: Readonly<Record<string, string>> | undefined, context: StepContext): Promise<unknown> {
  const outcome = await runTool(tool, argv, env, context);
  if (outcome.exitCode !== 0) {
    const message = toolError(outcome.stderr) || toolError(outcome.stdout) || `terminated by ${outcome.signal}`;
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

/** The tool's own error line: the first "ERROR: …" (pgBackRest follows it with HINT lines), else the last line. */
export function toolError(text: string): string {
  const lines = text.trim().split('\n').map((line) => line.trim());
  return lines.find((line) => /(^|\s)ERROR:/.test(line)) ?? lines[lines.length - 1] ?? '';
}
