import React, { useState, type ReactNode } from 'react';
import { Text } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import { OperatorError } from '../../errors.js';
import type { HomeRunbook, InterruptedSession } from '../home-model.js';
import type { LaunchedSession } from '../hooks/use-session-launch.js';
import { useTheme } from '../hooks/use-theme.js';
import type { PickableEnvironment } from './EnvironmentPicker.js';
import type { SessionResume } from './SessionResume.js';
import type { SessionStart } from './SessionStart.js';

/** What starting or resuming from home needs, loaded once the operator picks (never for the first frame). */
export interface SessionLauncher {
  readonly SessionStart: typeof SessionStart;
  readonly SessionResume: typeof SessionResume;
  readonly environments: readonly PickableEnvironment[];
  runbookTitle(runbookId: string): string;
  start(runbookId: string, env: string, incident: string | null): Promise<LaunchedSession>;
  open(sessionId: string): Promise<LaunchedSession>;
}

/** The home screen's ways into a session. */
export interface HomeSessionActions {
  start(runbook: HomeRunbook): void;
  resume(session: InterruptedSession): void;
}

interface SessionFromHomeProps {
  readonly renderHome: (actions: HomeSessionActions) => ReactNode;
  readonly load: () => Promise<SessionLauncher>;
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
}

type Stage =
  | { readonly kind: 'home' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'start'; readonly launcher: SessionLauncher; readonly runbookId: string }
  | { readonly kind: 'resume'; readonly launcher: SessionLauncher; readonly sessionId: string };

/** Home until the operator picks a runbook to start or a session to resume; then that session's screens. */
export function SessionFromHome({ renderHome, load, onExit }: SessionFromHomeProps) {
  const theme = useTheme();
  const [stage, setStage] = useState<Stage>({ kind: 'home' });
  const go = (next: (launcher: SessionLauncher) => Stage) => {
    setStage({ kind: 'loading' });
    load().then(
      (launcher) => setStage(next(launcher)),
      (error: unknown) => onExit(error instanceof OperatorError ? error.exitCode : ExitCode.internal, [`runbook: ${(error as Error).message}`]),
    );
  };
  if (stage.kind === 'home') {
    return (
      <>
        {renderHome({
          start: (runbook) => go((launcher) => ({ kind: 'start', launcher, runbookId: runbook.id })),
          resume: (session) => go((launcher) => ({ kind: 'resume', launcher, sessionId: session.id })),
        })}
      </>
    );
  }
  if (stage.kind === 'loading') return <Text color={theme.muted}>loading…</Text>;
  if (stage.kind === 'start') {
    const { launcher, runbookId } = stage;
    return (
      <launcher.SessionStart
        runbookTitle={launcher.runbookTitle(runbookId)}
        environments={launcher.environments}
        drill={false}
        start={(env, incident) => launcher.start(runbookId, env, incident)}
        onExit={onExit}
      />
    );
  }
  const { launcher, sessionId } = stage;
  return <launcher.SessionResume sessions={[]} sessionId={sessionId} now={new Date()} open={(id) => launcher.open(id)} onExit={onExit} />;
}
