/**
 * What `start` and `resume` share: running a session screen until it exits, then printing its
 * last lines (how to resume, how to export) once Ink has let go of the terminal.
 */
import type { ReactNode } from 'react';
import type { ExitCode } from '../exit-codes.js';
import type { SessionService } from '../services/session/session-service.js';
import { type DrivenSession } from '../services/session/driven-session.js';
import { runApp, type TerminalStreams } from '../ui/run-app.js';
import type { LaunchedSession } from '../ui/hooks/use-session-launch.js';
import { themeFor } from '../ui/theme.js';
import type { CliIO } from './io.js';
import { closeScreen } from './screen-closing.js';

/** The session as the screen takes it: everything it shows comes from the session's fold. */
export function launched(session: DrivenSession): LaunchedSession {
  return { session };
}

type SessionScreenFactory = (onExit: (code: ExitCode, lines: readonly string[]) => void, track: (session: DrivenSession) => void) => ReactNode;

/** Runs the screen; prints its closing lines after it unmounts; never leaves a session locked by this process. */
export async function runSessionApp(service: SessionService, io: CliIO, screen: SessionScreenFactory): Promise<number> {
  let closing: readonly string[] = [];
  const driven: DrivenSession[] = [];
  try {
    return await runApp(
      (exit) =>
        screen(
          (code, lines) => {
            closing = lines;
            exit(code);
          },
          (session) => driven.push(session),
        ),
      // main.ts has checked that stdin and stdout are terminals (io.interactive) before running us.
      io as unknown as TerminalStreams,
      themeFor(io.env),
    );
  } finally {
    closeScreen(driven, closing, io);
    service.close();
  }
}
