/** `runbook render [--output DIR]`: static HTML pages of the runbooks, one per runbook and an index. */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OperatorError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { renderRunbookPages } from '../../render/runbook-pages.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

export const DEFAULT_OUTPUT = 'runbook-pages';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const loaded = loadCommandRunbooks(command, io);
  const directory = resolve(io.cwd, (command.options.output as string | undefined) || DEFAULT_OUTPUT);
  // The file as written: a settings file's machine-local values are not documentation.
  const pages = renderRunbookPages(loaded.declared ?? loaded.file, `${basename(loaded.path)} (${loaded.hash.slice(0, 19)}…)`);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new OperatorError(`cannot create ${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --output`);
  }
  for (const page of pages) {
    // The same last net as everything a command prints; and a docs host never serves half a page.
    const html = io.redactor ? io.redactor.redactText(page.html) : page.html;
    const target = join(directory, page.name);
    const partial = join(directory, `.${page.name}.${process.pid}.partial`);
    try {
      writeFileSync(partial, html);
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { force: true });
      throw new OperatorError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --output`);
    }
  }
  const runbooks = pages.length - 1;
  writeLine(io.stdout, `wrote ${pages.length} pages to ${directory}: index.html and ${runbooks} runbook page${runbooks === 1 ? '' : 's'}; a section is at <runbook>.html#<section>`);
  return ExitCode.ok;
}
