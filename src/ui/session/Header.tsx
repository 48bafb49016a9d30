import React from 'react';
import { Box, Text } from 'ink';
import type { SessionState } from '../../state/session-state.js';
import { useTheme } from '../hooks/use-theme.js';
import { formatElapsed, formatElapsedMinutes } from './lines.js';

/** The session's first line: runbook, environment (production unmistakable), drill badge, id, elapsed. */
export function Header({ state, now, live }: { readonly state: SessionState; readonly now: number; readonly live: boolean }) {
  const theme = useTheme();
  const since = state.startedAt ? now - Date.parse(state.startedAt) : 0;
  // Seconds only while something runs (the clock ticks fast then anyway); minutes when idle.
  const elapsed = live ? formatElapsed(since) : formatElapsedMinutes(since);
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          {state.runbook?.title ?? state.runbook?.id}
        </Text>
        {'  '}
        {state.protected ? (
          <Text inverse bold color={theme.danger}>
            {' '}
            PROTECTED {state.env.toUpperCase()}{' '}
          </Text>
        ) : (
          <Text bold>env {state.env}</Text>
        )}
        {state.incident ? <Text> · incident {state.incident}</Text> : null}
        {state.drill ? (
          <Text inverse bold color={theme.warning}>
            {' '}
            DRILL{' '}
          </Text>
        ) : null}
        <Text color={theme.muted}>
          {'  '}session {state.id} · {elapsed}
        </Text>
      </Text>
    </Box>
  );
}
