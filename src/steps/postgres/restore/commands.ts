/**
 * Running local programs for a restore: argv arrays only (never a shell), as the cluster's OS
 * user through runuser when we are root, bounded by the step's signal.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { ProviderFailure } from '../../support/call.js';

/** A program to run, shown verbatim in the preview. */
export interface Command {
  readonly argv: readonly string[];
  /** Run as this OS user (when we are root). */
  readonly runAs?: string;
  /** Extra environment (values are not shown in previews). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
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

/** "pgbackrest restore", "wal-g backup-fetch", "tar": how the operator would name the program run. */
export function programName(argv: readonly string[]): string {
  const name = basename(argv[0] ?? '');
  if (name === 'pgbackrest') return `pgbackrest ${argv.at(-1) ?? ''}`.trim();
  if (name === 'wal-g' && argv[1]) return `wal-g ${argv[1]}`;
  return name;
}

/**
 * The tool's own error, in its words: pgBackRest's "ERROR: [075]: …" line (with its HINT lines),
 * else the last lines of stderr, else of stdout. Kept to one line for the first line of a failure.
 */
export function toolError(output: CommandOutput): string {
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
  const stderr = lines(output.stderr);
  const all = [...stderr, ...lines(output.stdout)];
  const errorAt = all.findIndex((line) => /(^|\s)ERROR: \[\d+\]:/.test(line));
  if (errorAt >= 0) {
    const hints = all.slice(errorAt + 1).filter((line) => /^HINT:/.test(line));
    return [all[errorAt]!.replace(/^.*?(ERROR: \[)/, '$1'), ...hints].join(' ');
  }
  const source = stderr.length > 0 ? stderr : lines(output.stdout);
  return source.slice(-3).join(' | ');
}

/** Runs a command; a non-zero exit becomes a failure whose first words are the tool's own error. */
export function runCommand(command: Command, signal: AbortSignal): Promise<CommandOutput> {
  const [file, ...args] = effectiveArgv(command);
  const program = programName(command.argv);
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { signal, cwd: '/', env: { ...process.env, ...command.env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout: `${stdout}`, stderr: `${stderr}` });
        const name = command.argv[0] ?? '';
        if ((error as { code?: unknown }).code === 'ENOENT') {
          return reject(new ProviderFailure('not-found', `${name} is not installed on this machine`, `install ${name}, or set the connection's binDir to where it is`));
        }
        if (signal.aborted) {
          const reason = signal.reason as { name?: string } | undefined;
          return reject(
            reason?.name === 'TimeoutError'
              ? new ProviderFailure('timeout', `${program} did not finish in time`, 'raise the step\'s timeout; look at the data directory before re-running')
              : new ProviderFailure('cancelled', `${program} was cancelled`, 'look at the data directory before re-running'),
          );
        }
        const said = toolError({ stdout: `${stdout}`, stderr: `${stderr}` });
        const exit = typeof (error as { code?: unknown }).code === 'number' ? ` (exit ${(error as { code: number }).code})` : '';
        const failureClass = /permission denied/i.test(said) ? 'permission' : 'expectation';
        reject(
          new ProviderFailure(
            failureClass,
            `${program} failed${exit}${said ? `: ${said}` : ''}`,
            failureClass === 'permission'
              ? 'give the cluster\'s OS user (runAs) access to the data directory and the backup, then move the data directory aside and re-run'
              : 'fix the cause the tool names (the full argv is in the preview), move the data directory aside and re-run',
          ),
        );
      },
    );
  });
}
