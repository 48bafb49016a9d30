import React from 'react';
import { Box, Text } from 'ink';
import { helpRows } from './session-keys.js';
import { useTheme } from '../hooks/use-theme.js';

/** Every key of the session screen and what it means. */
export function Help() {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {helpRows().map(([key, meaning]) => (
        <Text key={key} wrap="truncate-end">
          <Text color={theme.accent}>{key.padEnd(14)}</Text>
          {meaning}
        </Text>
      ))}
      <Text color={theme.muted}>esc or ? closes this help</Text>
    </Box>
  );
}
