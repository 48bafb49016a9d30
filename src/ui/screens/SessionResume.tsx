import React, { useEffect } from 'react';
import { Box, Text } from 'ink';
import { OperatorError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import type { SessionSummary } from '../../state/sessions.js';
import { KeyHints } from '../components/KeyHints.js';
import { useIntents } from '../hooks/use-intents.js';
import { useSessionLaunch, type LaunchedSession } from '../hooks/use-session-launch.js';
import { useTheme } from '../hooks/use-theme.js';
import { ResumePicker } from './ResumePicker.js';
import { SessionScreen } from './SessionScreen.js';

export interface SessionResumeProps {
  /** Interrupted sessions to pick from; ignored when `sessionId` is given. */
  readonly sessions: readonly SessionSummary[];
  readonly sessionId?: string | undefined;
  readonly now: Date;
  /** Reopens a session (the command's service call). */
  readonly open: (sessionId: string) => Promise<LaunchedSession>;
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
}

/** `runbook resume`: the interrupted session to reopen (unless given), then the session at its exact step. */
export function SessionResume({ sessions, sessionId, now, open: openSession, onExit }: SessionResumeProps) {
  const theme = useTheme();
  const { launch, open } = useSessionLaunch();
  useEffect(() => {
    if (sessionId && launch.status === 'idle') open(() => openSession(sessionId));
  }, [sessionId, launch.status, open, openSession]);
  useEffect(() => {
    if (launch.status !== 'failed') return;
    const error = launch.error;
    onExit(error instanceof OperatorError ? error.exitCode : ExitCode.internal, [`runbook: ${error.message}`]);
  }, [launch, onExit]);
  const picking = !sessionId && launch.status === 'idle';
  useIntents({ quit: () => onExit(ExitCode.cancelled, []), back: () => onExit(ExitCode.cancelled, []) }, { isActive: picking });

  if (launch.status === 'open') return <SessionScreen session={launch.launched.session} onExit={onExit} />;
  if (picking) {
    return (
      <Box flexDirection="column">
        <ResumePicker sessions={sessions} now={now} isFocused onSelect={(id) => open(() => openSession(id))} />
        <Text> </Text>
        <KeyHints hints={[['↑↓', 'move'], ['enter', 'resume'], ['q', 'cancel']]} />
      </Box>
    );
  }
  return <Text color={theme.muted}>reopening the session…</Text>;
}
