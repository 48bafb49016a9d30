/**
 * Mounts a screen with Ink and resolves to the exit code the screen chose. The command awaits
 * this and returns the code: the screen never exits the process itself.
 */
import React, { type ReactNode } from 'react';
import { render, useApp } from 'ink';
import { ExitCode } from '../exit-codes.js';
import { ThemeContext, type Theme } from './theme.js';

export interface TerminalStreams {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

type ScreenFactory = (exit: (code: ExitCode) => void) => ReactNode;

function ExitBridge({ screen }: { readonly screen: ScreenFactory }) {
  const { exit } = useApp();
  return <>{screen((code) => exit(code))}</>;
}

/** How screens are mounted; bench/keypress.bench.mjs mounts the session screen with the same. */
export const screenRenderOptions = {
  // Ctrl-C is the `quit` intent, so the screen decides what it means (and its exit code).
  exitOnCtrlC: false,
  patchConsole: false,
  // Not `incrementalRendering` (Ink 6.8): in a real terminal (tmux, test/e2e/sandbox-drills)
  // it left rows of earlier frames on screen. Ink builds each frame whole either way; only the
  // bytes written differ.
} as const;

/** Renders `screen` until it calls its exit callback; resolves to that exit code. */
export async function runApp(screen: ScreenFactory, streams: TerminalStreams, theme: Theme): Promise<number> {
  const app = render(
    <ThemeContext.Provider value={theme}>
      <ExitBridge screen={screen} />
    </ThemeContext.Provider>,
    { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr, ...screenRenderOptions },
  );
  const result = await app.waitUntilExit();
  return typeof result === 'number' ? result : ExitCode.ok;
}
