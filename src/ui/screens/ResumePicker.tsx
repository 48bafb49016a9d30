import React from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { SessionSummary } from '../../state/sessions.js';
import { formatAge } from '../format.js';

interface ResumePickerProps {
  readonly sessions: readonly SessionSummary[];
  readonly now: Date;
  readonly isFocused: boolean;
  readonly onSelect: (sessionId: string) => void;
}

/** Interrupted sessions, newest first: runbook, environment, operator, step and age. */
export function ResumePicker({ sessions, now, isFocused, onSelect }: ResumePickerProps) {
  const items = sessions.map((session) => ({
    key: session.id,
    value: session.id,
    label: `${session.id}  ${session.runbook} · ${session.env}${session.drill ? ' · drill' : ''} · ${session.operator} · ${
      session.currentStep ? `at ${session.currentStep}` : 'not started'
    } · ${formatAge(session.lastEventAt, now)} ago`,
  }));
  return (
    <Box flexDirection="column">
      <Text bold>Interrupted sessions ({sessions.length}): which one?</Text>
      <SelectInput items={items} isFocused={isFocused} onSelect={(item) => onSelect(item.value)} />
    </Box>
  );
}
