/**
 * `runbook` with no arguments: the home screen. Loads only what the first frame needs: the
 * file's listing (cached by content hash; yaml, zod and lint load only on a miss) and Ink.
 * The session store, pg and the AWS SDK stay unloaded.
 */
import { isAbsolute, relative } from 'node:path';
import { createElement } from 'react';
import type { ExitCode } from '../../exit-codes.js';
import { productVersion } from '../../product.js';
import { listingCacheDirectory, loadFileListing } from '../../runbooks/listing-cache.js';
import type { InterruptedSession } from '../../ui/home-model.js';
import { runApp, type TerminalStreams } from '../../ui/run-app.js';
import { HomeScreen } from '../../ui/screens/HomeScreen.js';
import { themeFor } from '../../ui/theme.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** Opens the home screen on the runbooks file; resolves to the exit code the operator left with. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const label = fileLabel(command, io);
  const { listing, environments } = await loadFileListing(command.file, label, listingCacheDirectory(io.env));
  const sessions = await interruptedSessions(command);
  return runApp(
    (exit: (code: ExitCode) => void) =>
      createElement(HomeScreen, {
        version: productVersion(),
        file: label,
        runbooks: listing.runbooks,
        sessions,
        environments,
        now: new Date(),
        onExit: exit,
      }),
    // main.ts has checked that stdin and stdout are terminals (io.interactive) before running us.
    io as unknown as TerminalStreams,
    themeFor(io.env),
  );
}

/**
 * The seam for the session store (src/state): when it exists, import it here with a dynamic
 * `import()` and only if `command.db` exists on disk, so a first run never loads better-sqlite3
 * before the first frame. Until then there is nothing to resume.
 */
async function interruptedSessions(_command: ParsedCommand): Promise<InterruptedSession[]> {
  return [];
}

/**
 * The file as the operator gave it (--file, RUNBOOK_FILE), else relative to the working
 * directory. Same rule as src/cli/runbooks-file.ts, which cannot be imported here: it loads
 * the full loader (yaml, zod) statically, and home must not before the first frame.
 */
function fileLabel(command: ParsedCommand, io: CliIO): string {
  const flag = command.options.file;
  if (typeof flag === 'string' && flag !== '') return flag;
  if (io.env.RUNBOOK_FILE) return io.env.RUNBOOK_FILE;
  const local = relative(io.cwd, command.file);
  return local !== '' && !local.startsWith('..') && !isAbsolute(local) ? local : command.file;
}
