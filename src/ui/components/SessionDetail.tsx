import React from 'react';
import { Box, Text } from 'ink';
import { formatAge } from '../format.js';
import type { InterruptedSession } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';

/** An interrupted session picked on the home list, with the command that reopens it. */
export function SessionDetail({ session, now }: { readonly session: InterruptedSession; readonly now: Date }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Interrupted session {session.id}</Text>
      </Text>
      <Text wrap="truncate-end">runbook {session.runbook} · env {session.env} · operator {session.operator}</Text>
      <Text wrap="truncate-end">
        {session.currentStep ? `stopped at step ${session.currentStep}` : 'stopped before its first step'} · last event{' '}
        {formatAge(session.lastEventAt, now)} ago
      </Text>
      <Text> </Text>
      <Text wrap="truncate-end">
        <Text color={theme.accent}>resume: </Text>
        runbook resume {session.id}
      </Text>
    </Box>
  );
}
