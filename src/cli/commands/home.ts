/**
 * `runbook` with no arguments: the home screen. Loads only what the first frame needs: the
 * file's listing (cached by content hash; yaml, zod and lint load only on a miss) and Ink.
 * The session store, pg and the AWS SDK stay unloaded.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { createElement } from 'react';
import type { ExitCode } from '../../exit-codes.js';
import { productVersion } from '../../product.js';
import { listingCacheDirectory, loadFileListing, type RunbookSummary } from '../../runbooks/listing-cache.js';
import type { HomeSessionData } from '../home-sessions.js';
import { runApp, type TerminalStreams } from '../../ui/run-app.js';
import type { DrivenSession } from '../../services/session/driven-session.js';
import { LoadAfterFirstFrame } from '../../ui/components/LoadAfterFirstFrame.js';
import { HomeScreen } from '../../ui/screens/HomeScreen.js';
import { SessionFromHome } from '../../ui/screens/SessionFromHome.js';
import { themeFor } from '../../ui/theme.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';
import { closeScreen } from '../screen-closing.js';

/** Opens the home screen on the runbooks file; resolves to the exit code the operator left with. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const label = fileLabel(command, io);
  const { runbooks, sections, environments, sandboxMarker } = await loadFileListing(command.file, label, listingCacheDirectory(io.env));
  // The marker file alone tells whether the sandbox was made: no probe of Postgres or the emulators before the first frame.
  const sandbox = sandboxMarker === undefined ? undefined : existsSync(sandboxMarker) ? 'up' : 'down';
  const now = new Date();
  const loadRecorded = () => recordedSessionData(command, io, runbooks, now);
  // Starting or resuming from home loads the session store and the full loader only
  // when the operator picks; the lines a session prints when it ends come after Ink lets go.
  let closing: readonly string[] = [];
  const driven: DrivenSession[] = [];
  let launcher: { close(): void } | undefined;
  try {
    return await runApp(
      (exit: (code: ExitCode) => void) =>
        createElement(SessionFromHome, {
          renderHome: (actions) =>
            createElement(LoadAfterFirstFrame<HomeSessionData>, {
              load: loadRecorded,
              initial: NOTHING_RECORDED_YET,
              children: (recorded) =>
                createElement(HomeScreen, {
                  version: productVersion(),
                  file: label,
                  runbooks: recorded.evidence.size === 0 ? runbooks : runbooks.map((runbook) => ({ ...runbook, evidence: recorded.evidence.get(runbook.id) })),
                  sectionsOf: (runbook) => sections(runbook.id),
                  sessions: recorded.sessions,
                  environments,
                  sandbox,
                  now,
                  onExit: exit,
                  onStart: actions.start,
                  onResume: actions.resume,
                }),
            }),
          load: async () => {
            const module = await import('../home-sessions.js');
            const loaded = await module.homeLauncher(command, io, driven);
            launcher = loaded;
            return loaded;
          },
          onExit: (code, lines) => {
            closing = lines;
            exit(code);
          },
        }),
      // main.ts has checked that stdin and stdout are terminals (io.interactive) before running us.
      io as unknown as TerminalStreams,
      themeFor(io.env),
    );
  } finally {
    closeScreen(driven, closing, io);
    launcher?.close();
  }
}

/**
 * Interrupted sessions (listed first) and restore-test evidence. They arrive just after the first
 * frame (LoadAfterFirstFrame), and the session store is imported (dynamically) only when
 * `command.db` exists on disk, so better-sqlite3 never delays the first frame.
 */
const NOTHING_RECORDED_YET: HomeSessionData = { sessions: [], evidence: new Map() };

async function recordedSessionData(command: ParsedCommand, io: CliIO, runbooks: readonly RunbookSummary[], now: Date): Promise<HomeSessionData> {
  if (!command.store && !existsSync(command.db)) return NOTHING_RECORDED_YET;
  return (await import('../home-sessions.js')).homeSessionData(command, io, runbooks, now);
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
