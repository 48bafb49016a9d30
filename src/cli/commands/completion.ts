/**
 * `runbook completion bash|zsh|fish`: the shell completion script, generated from the command
 * contract. `runbook completion --list KIND [RUNBOOK]` is what those scripts call on Tab for the
 * values of the files in use; it prints one value a line, and nothing (exit 0) when a file is
 * missing or broken.
 */
import { OperatorError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { listValues } from '../completion/lists.js';
import { completionModel, LIST_KINDS, type ListKind } from '../completion/model.js';
import { zshScript } from '../completion/zsh.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** What a shell takes on the command line as it is: the values offered are matched as plain words. */
const PLAIN_WORD = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const list = command.options.list;
  if (typeof list === 'string') {
    if (!(LIST_KINDS as readonly string[]).includes(list)) {
      throw new OperatorError(`unknown list "${list}": use one of ${LIST_KINDS.join(', ')}`);
    }
    const values = await listValues(list as ListKind, { file: command.file, db: command.db, env: io.env }, command.positionals[0]);
    const shown = [...new Set(values.filter((value) => PLAIN_WORD.test(value)))];
    io.stdout.write(shown.map((value) => `${value}\n`).join(''));
    return ExitCode.ok;
  }
  const shell = command.positionals[0];
  if (shell === undefined || !(shell in SCRIPTS)) {
    const given = shell === undefined ? 'name the shell' : `unknown shell "${shell}"`;
    throw new OperatorError(`${given}: usage: runbook completion bash|zsh|fish`);
  }
  io.stdout.write(SCRIPTS[shell as keyof typeof SCRIPTS](completionModel()));
  return ExitCode.ok;
}
