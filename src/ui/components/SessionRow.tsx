import React from 'react';
import { Text } from 'ink';
import { asciiPointer } from '../ascii.js';
import { formatAge } from '../format.js';
import type { InterruptedSession } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';

interface SessionRowProps {
  readonly session: InterruptedSession;
  readonly isSelected: boolean;
  readonly now: Date;
}

/** One interrupted session, on one line and in ASCII (src/ui/ascii.ts): runbook, environment, operator, the step it stopped at, and its age. */
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
    <Text wrap="truncate-end">
      <Text color={theme.selected} bold>
        {isSelected ? asciiPointer : ' '}{' '}
      </Text>
      <Text color={theme.warning} bold>
        interrupted{' '}
      </Text>
      <Text color={isSelected ? theme.selected : undefined} bold={isSelected}>
        {parts.join(', ')}
      </Text>
    </Text>
  );
}
