/**
 * Running local programs for a restore: argv arrays only (never a shell), as the cluster's OS
 * user through runuser when we are root, bounded by the step's signal.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { ProviderFailure } from '../../support/call.js';

/** A program to run, shown verbatim in the preview. */
export interface Command {
  readonly argv: readonly string[];
  /** Run as this OS user (when we are root). */
  readonly runAs?: string;
  /** Extra environment (values are not shown in previews). */
  readonly env?: Readonly<Record<string, string>>;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The absolute path of an executable, from PATH when `name` is bare; undefined when absent. */
export function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  const candidates = isAbsolute(name) ? [name] : pathEnv.split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The argv actually executed: `runuser -u USER -- …` when we are root and a user is named. */
export function effectiveArgv(command: Command): string[] {
  return command.runAs && isRoot() ? ['runuser', '-u', command.runAs, '--', ...command.argv] : [...command.argv];
}

/** Runs a command; a non-zero exit becomes a failure quoting the end of its output. */
export function runCommand(command: Command, signal: AbortSignal): Promise<string> {
  const [file, ...args] = effectiveArgv(command);
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { signal, cwd: '/', env: { ...process.env, ...command.env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (!error) return resolve(`${stdout}${stderr}`);
        const output = `${stderr || stdout}`.trim().split('\n').slice(-5).join(' | ');
        const name = command.argv[0] ?? '';
        if ((error as { code?: unknown }).code === 'ENOENT') {
          return reject(new ProviderFailure('not-found', `${name} is not installed on this machine`, `install ${name}, or set the connection's binDir to where it is`));
        }
        if (signal.aborted) {
          const reason = signal.reason as { name?: string } | undefined;
          return reject(
            reason?.name === 'TimeoutError'
              ? new ProviderFailure('timeout', `${name} did not finish in time`, 'raise the step\'s timeout; look at the data directory before re-running')
              : new ProviderFailure('cancelled', `${name} was cancelled`, 'look at the data directory before re-running'),
          );
        }
        const failureClass = /permission denied/i.test(output) ? 'permission' : 'expectation';
        reject(
          new ProviderFailure(
            failureClass,
            `${command.argv.join(' ')} failed${output ? `: ${output}` : ''}`,
            failureClass === 'permission'
              ? 'give the cluster\'s OS user (runAs) access to the data directory and the backup, then move the data directory aside and re-run'
              : 'read the output above (and the server log in the data directory), fix the cause, move the data directory aside and re-run',
          ),
        );
      },
    );
  });
}
