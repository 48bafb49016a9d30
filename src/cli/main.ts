/**
 * Parses the command line, refuses what is wrong in one line, and runs a command.
 * Returns the exit code; only bin/runbook.ts exits.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OperatorError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { bundledRunbooksPath, productVersion } from '../product.js';
import { commands, findCommand } from './commands.js';
import { writeLine, type CliIO } from './io.js';
import { redactedIO } from './redacted-io.js';
import type { CommandSpec, OptionSpec, ParsedCommand } from './spec.js';

/** Options every command takes, before or after its name. */
export const globalOptions: Record<string, OptionSpec> = {
  file: { type: 'string', value: 'FILE', help: 'runbooks file (env RUNBOOK_FILE; default ./runbooks.yaml, else the bundled one)' },
  db: { type: 'string', value: 'FILE', help: 'session database (env RUNBOOK_DB; default $XDG_STATE_HOME/runbook/sessions.db)' },
  store: { type: 'string', value: 'URL', help: 'the team\'s shared session store, a PostgreSQL URL (env RUNBOOK_STORE); default the --db file' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', help: 'print the version' },
};

/** Runs the CLI with `args` (argv without node and script); resolves to the exit code. */
export async function main(args: readonly string[], io: CliIO): Promise<number> {
  // Headless output and every error go through the log's redaction; the screens draw from
  // redacted state and keep the terminal to themselves.
  const redacted = redactedIO(io);
  try {
    return await dispatch(args, io, redacted);
  } catch (error) {
    return reportError(error, redacted);
  }
}

async function dispatch(args: readonly string[], terminal: CliIO, redacted: CliIO): Promise<number> {
  const io = redacted;
  const commandIndex = findCommandToken(args);
  const name = commandIndex === -1 ? 'home' : args[commandIndex]!;
  const spec = findCommand(name);
  if (!spec || name === 'home' && commandIndex !== -1) {
    throw new OperatorError(`unknown command "${name}"; run "runbook --help" for the list of commands`);
  }
  const rest = commandIndex === -1 ? [...args] : [...args.slice(0, commandIndex), ...args.slice(commandIndex + 1)];
  const parsed = parseCommandLine(spec, rest);

  if (parsed.values.version) {
    writeLine(io.stdout, productVersion());
    return ExitCode.ok;
  }
  if (parsed.values.help) {
    io.stdout.write(commandIndex === -1 ? overallHelp() : commandHelp(spec));
    return ExitCode.ok;
  }
  const [min, max] = spec.positionals;
  if (parsed.positionals.length < min) {
    throw new OperatorError(`missing argument: usage: ${spec.usage}`);
  }
  if (parsed.positionals.length > max) {
    throw new OperatorError(`unexpected argument "${parsed.positionals[max]}": usage: ${spec.usage}`);
  }
  if (spec.interactive && !terminal.interactive) {
    throw new OperatorError(
      `"${spec.usage.split(' ').slice(0, 2).join(' ')}" needs an interactive terminal; without one use "${spec.interactive.headless}"`,
    );
  }
  const command: ParsedCommand = {
    positionals: parsed.positionals,
    options: parsed.values as ParsedCommand["options"],
    file: runbooksFilePath(parsed.values.file as string | undefined, io),
    db: databasePath(parsed.values.db as string | undefined, io),
    ...sharedStore(parsed.values.store as string | undefined, io),
  };
  if (spec.interactive) return (await loadWithoutCiMode(spec, terminal)).run(command, terminal);
  return (await spec.load()).run(command, redacted);
}

/** Variables by which Ink (through is-in-ci) decides it runs in CI. */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Loads an interactive command with the CI variables hidden. Ink reads them once, when it is
 * first imported, and in "CI mode" draws only the last frame: an operator at a real terminal
 * (main has checked it is one) whose shell happens to export CI=true would see a blank screen.
 * The variables are restored at once, so programs that steps run still see them.
 */
async function loadWithoutCiMode(spec: CommandSpec, io: CliIO) {
  const saved = CI_VARIABLES.map((name) => [name, io.env[name]] as const);
  for (const [name] of saved) delete io.env[name];
  try {
    return await spec.load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) io.env[name] = value;
  }
}

/** Index of the command name: the first token that is neither an option nor a global option's value. */
function findCommandToken(args: readonly string[]): number {
  for (let index = 0; index < args.length; index++) {
    const token = args[index]!;
    if (token === '--') return index + 1 < args.length ? index + 1 : -1;
    if (token.startsWith('-')) {
      const flag = token.replace(/^--?/, '').split('=')[0]!;
      const global = globalOptions[flag];
      if (global?.type === 'string' && !token.includes('=')) index++;
      continue;
    }
    return index;
  }
  return -1;
}

function parseCommandLine(spec: CommandSpec, args: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, option] of Object.entries({ ...globalOptions, ...spec.options })) {
    options[name] = { type: option.type, ...(option.multiple ? { multiple: true } : {}), ...(option.short ? { short: option.short } : {}) };
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new OperatorError(`${message}; usage: ${spec.usage} (see "runbook ${spec.name === 'home' ? '' : `${spec.name} `}--help")`);
  }
}

function runbooksFilePath(flag: string | undefined, io: CliIO): string {
  const chosen = flag ?? io.env.RUNBOOK_FILE;
  if (chosen) return resolve(io.cwd, chosen);
  const local = resolve(io.cwd, 'runbooks.yaml');
  return existsSync(local) ? local : bundledRunbooksPath();
}

function sharedStore(flag: string | undefined, io: CliIO): { store?: string } {
  const chosen = flag ?? io.env.RUNBOOK_STORE;
  if (!chosen) return {};
  if (!/^postgres(ql)?:\/\//.test(chosen)) {
    throw new OperatorError(`--store (or RUNBOOK_STORE) must be a PostgreSQL URL such as postgresql://runbook@db.internal/sessions?sslmode=verify-full`);
  }
  return { store: chosen };
}

function databasePath(flag: string | undefined, io: CliIO): string {
  const chosen = flag ?? io.env.RUNBOOK_DB;
  if (chosen) return resolve(io.cwd, chosen);
  const stateHome = io.env.XDG_STATE_HOME || join(io.env.HOME || homedir(), '.local', 'state');
  return join(stateHome, 'runbook', 'sessions.db');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(28)} ${option.help}`;
  });
}

function overallHelp(): string {
  const lines = [
    `runbook ${productVersion()}: walks an on-call operator through backup verification and restores`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.usage}\n      ${command.summary}`),
    '',
    'Global options:',
    ...optionLines(globalOptions),
    '',
    'Exit codes: 0 success, 1 a check, drill or verification failed, 2 usage or configuration error (or an unanswered step in a headless run),',
    '70 an internal error (a bug in runbook), 130 left unfinished or cancelled by the operator.',
    'Run "runbook <command> --help" for a command\'s options.',
  ];
  return `${lines.join('\n')}\n`;
}

function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  if (Object.keys(spec.options).length > 0) lines.push('', 'Options:', ...optionLines(spec.options as Record<string, OptionSpec>));
  lines.push('', 'Global options:', ...optionLines(globalOptions));
  if (spec.interactive) lines.push('', `Needs a terminal; headless alternative: ${spec.interactive.headless}`);
  return `${lines.join('\n')}\n`;
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof OperatorError) {
    writeLine(io.stderr, `runbook: ${error.message}`);
    for (const line of error.details) writeLine(io.stderr, line);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `runbook: internal error (this is a bug in runbook, please report it): ${message}`);
  if (io.env.RUNBOOK_DEBUG && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
  else writeLine(io.stderr, 'runbook: set RUNBOOK_DEBUG=1 to see the stack trace; nothing recorded has been lost');
  return ExitCode.internal;
}
