import React from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { useTheme } from '../hooks/use-theme.js';

export interface PickableEnvironment {
  readonly name: string;
  readonly title?: string | undefined;
  readonly protected: boolean;
}

interface EnvironmentPickerProps {
  readonly runbookTitle: string;
  readonly environments: readonly PickableEnvironment[];
  /** Drills are refused on protected environments, so those are listed but not offered. */
  readonly drill: boolean;
  readonly isFocused: boolean;
  readonly onSelect: (environment: PickableEnvironment) => void;
}

/** Where to run the runbook; a protected environment is marked (and asks for the incident next). */
export function EnvironmentPicker({ runbookTitle, environments, drill, isFocused, onSelect }: EnvironmentPickerProps) {
  const theme = useTheme();
  const offered = environments.filter((environment) => !(drill && environment.protected));
  const refused = environments.filter((environment) => drill && environment.protected);
  const items = offered.map((environment) => ({
    key: environment.name,
    value: environment.name,
    label: `${environment.name}${environment.title ? ` · ${environment.title}` : ''}${environment.protected ? ' · PROTECTED (incident reference required, actions typed to confirm)' : ''}`,
  }));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {runbookTitle}
        {drill ? ' (drill)' : ''}: which environment?
      </Text>
      <SelectInput
        items={items}
        isFocused={isFocused}
        onSelect={(item) => {
          const chosen = offered.find((environment) => environment.name === item.value);
          if (chosen) onSelect(chosen);
        }}
      />
      {refused.map((environment) => (
        <Text key={environment.name} color={theme.muted} wrap="truncate-end">
          {'  '}
          {environment.name}: drills are refused on protected environments
        </Text>
      ))}
    </Box>
  );
}
