import React from 'react';
import { Box, Text } from 'ink';
import { formatAge } from '../format.js';
import type { InterruptedSession } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';

interface SessionRowProps {
  readonly session: InterruptedSession;
  readonly isSelected: boolean;
  readonly now: Date;
}

/** One interrupted session: runbook, environment, operator, the step it stopped at, and its age. */
export function SessionRow({ session, isSelected, now }: SessionRowProps) {
  const theme = useTheme();
  const parts = [
    session.runbook,
    session.env,
    session.operator,
    session.currentStep ? `at ${session.currentStep}` : 'not started',
    `${formatAge(session.lastEventAt, now)} ago`,
  ];
  return (
    <Box flexGrow={1}>
      <Box flexShrink={0} marginRight={1}>
        <Text color={theme.warning} bold>
          interrupted
        </Text>
      </Box>
      <Text color={isSelected ? theme.selected : undefined} bold={isSelected} wrap="truncate-end">
        {parts.join(' · ')}
      </Text>
    </Box>
  );
}
