import React, { useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import type { SessionFollower } from '../../services/follow/session-follower.js';
import { stepDefinition } from '../../state/session-state.js';
import { useFollow } from '../hooks/use-follow.js';
import { useIntents, type IntentHandlers } from '../hooks/use-intents.js';
import type { SessionView } from '../hooks/use-session.js';
import { useSessionClock } from '../hooks/use-session-clock.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTheme } from '../hooks/use-theme.js';
import { Footer } from '../session/Footer.js';
import { Header } from '../session/Header.js';
import { Help } from '../session/Help.js';
import { Outline } from '../session/Outline.js';
import { OutputPanel } from '../session/OutputPanel.js';
import { footerHints, intentsOf } from '../session/session-keys.js';
import { StepPanel, stepPanelLines } from '../session/StepPanel.js';
import { Summary } from '../session/Summary.js';

export interface FollowScreenProps {
  readonly follower: SessionFollower;
  /** Who drives the session now, when the store says (pid, host, operator). */
  readonly driver: () => string | null;
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
}

/**
 * `runbook follow S`: the session as its driver sees it, live, and nothing more. It reads the
 * log, never the lease, and offers no key that would write.
 */
export function FollowScreen({ follower, driver, onExit }: FollowScreenProps) {
  const { state, problem } = useFollow(follower);
  const theme = useTheme();
  const { rows, columns } = useTerminalSize();
  const now = useSessionClock(1_000);
  const [viewedId, setViewedId] = useState<string | null>(null);
  const [overlay, setOverlay] = useState<'none' | 'help' | 'inspect'>('none');
  const shownId = viewedId ?? state.currentStepId;
  const shown = shownId ? state.steps[shownId] : undefined;
  const ended = state.status !== 'open';
  // Re-asked when the log grows: a hand-off or a takeover changes who drives.
  const driving = useMemo(() => (ended ? null : driver()), [driver, ended, state.lastSeq]);

  const view = useMemo<SessionView>(
    () => ({ state, activity: { kind: 'idle' }, progress: null, output: {}, choices: {}, reconciled: [], message: null, pendingInputs: [], closed: false, takenOver: null, readOnly: true }),
    [state],
  );
  const browse = (delta: number) => {
    const index = state.order.indexOf(shownId ?? '');
    const next = state.order[Math.min(state.order.length - 1, Math.max(0, (index === -1 ? state.order.length : index) + delta))];
    if (next) setViewedId(next === state.currentStepId ? null : next);
  };
  const leave = () => onExit(ExitCode.ok, [`Stopped following session ${state.id}; it goes on where it is driven.`]);
  const handlers: IntentHandlers = {
    quit: leave,
    back: overlay === 'none' ? leave : () => setOverlay('none'),
    cancel: overlay === 'none' ? () => setViewedId(null) : () => setOverlay('none'),
    help: () => setOverlay(overlay === 'help' ? 'none' : 'help'),
    inspect: () => setOverlay(overlay === 'inspect' ? 'none' : 'inspect'),
    up: () => browse(-1),
    down: () => browse(1),
    pageUp: () => browse(-1),
    pageDown: () => browse(1),
  };
  useIntents(Object.fromEntries(intentsOf('following').map((intent) => [intent, handlers[intent]])) as IntentHandlers);

  const info = [
    problem ?? (ended ? `the session is ${state.status}` : driving ? `driven by ${driving}` : 'nobody drives it now (interrupted): it resumes where it stopped'),
    `following live, read-only: ${state.lastSeq} events`,
  ];
  const outlineRows = Math.max(3, Math.min(12, Math.floor((rows - 10) / 3)));
  const panelRows = Math.max(3, rows - 1 - info.length - 1 - outlineRows - 1 - 1 - 1 - 1);
  const lines = shown
    ? stepPanelLines({ state, step: shown, definition: stepDefinition(state, shown.id), view, theme, columns, now, isCurrent: shown.id === state.currentStepId, choiceIndex: 0, choiceRows: 3, changing: false })
    : [];
  return (
    <Box flexDirection="column" width={columns}>
      <Header state={state} now={now} live={false} />
      {info.map((text, index) => (
        <Text key={index} color={problem && index === 0 ? theme.danger : theme.muted} wrap="truncate-end">
          {text}
        </Text>
      ))}
      <Text> </Text>
      {overlay === 'help' ? (
        <Help />
      ) : overlay === 'inspect' && shown ? (
        <OutputPanel title={`${shown.title} (${shown.id}) in full`} lines={lines} output={[]} extra={[]} rows={rows - 4 - info.length} columns={columns} />
      ) : (
        <>
          <Outline state={state} viewedId={shownId} rows={outlineRows} />
          <Text> </Text>
          {state.currentStepId === null && !shown ? <Summary state={state} now={now} /> : <StepPanel lines={lines} rows={panelRows} />}
        </>
      )}
      <Text> </Text>
      <Footer hints={footerHints('following', { choosing: false, actionElapsed: null })} />
    </Box>
  );
}
