/** The runbooks file a command works from, named the way the user gave it. */
import { isAbsolute, relative } from 'node:path';
import { loadRunbooksFile, type LoadedRunbooks } from '../runbooks/load.js';
import type { CliIO } from './io.js';
import { learnFileSecrets } from './redacted-io.js';
import type { ParsedCommand } from './spec.js';

/** How to name the command's runbooks file in messages: as given by --file or RUNBOOK_FILE, else relative to the cwd. */
export function runbooksFileLabel(command: ParsedCommand, io: CliIO): string {
  const flag = command.options.file;
  if (typeof flag === 'string' && flag !== '') return flag;
  if (io.env.RUNBOOK_FILE) return io.env.RUNBOOK_FILE;
  const local = relative(io.cwd, command.file);
  return local !== '' && !local.startsWith('..') && !isAbsolute(local) ? local : command.file;
}

/**
 * Loads the command's runbooks file (ConfigError listing every problem when it is broken), and
 * teaches the command's output redaction the secrets its environments reference.
 */
export function loadCommandRunbooks(command: ParsedCommand, io: CliIO): LoadedRunbooks {
  const loaded = loadRunbooksFile(command.file, runbooksFileLabel(command, io));
  learnFileSecrets(io, loaded.file);
  return loaded;
}
