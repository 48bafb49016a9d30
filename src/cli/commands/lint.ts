/** `runbook lint [FILE]`: every problem as `FILE:LINE:COL path: message`; exit 0 clean, 2 otherwise. */
import { resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.js';
import { analyzeRunbooksText, problemLines } from '../../runbooks/lint.js';
import { readRunbooksText } from '../../runbooks/load.js';
import { writeLine, type CliIO } from '../io.js';
import { runbooksFileLabel } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const given = command.positionals[0];
  const path = given === undefined ? command.file : resolve(io.cwd, given);
  const label = given ?? runbooksFileLabel(command, io);
  const text = readRunbooksText(path, label);
  const { problems, counts } = analyzeRunbooksText(text, label);
  if (problems.length === 0 && counts) {
    writeLine(io.stdout, `${label}: ok (${plural(counts.runbooks, 'runbook')}, ${plural(counts.steps, 'step')})`);
    return ExitCode.ok;
  }
  io.stdout.write(problemLines(problems).map((line) => `${line}\n`).join(''));
  writeLine(io.stderr, `${plural(problems.length, 'problem')} in ${label}`);
  return ExitCode.usage;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
