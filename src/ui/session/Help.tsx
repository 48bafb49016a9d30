import React from 'react';
import { Box, Text } from 'ink';
import { keyLabels } from '../keys.js';
import { useTheme } from '../hooks/use-theme.js';

const rows: readonly (readonly [string, string])[] = [
  [keyLabels('confirm'), 'confirm / mark a manual step done / run the previewed action, then the next step'],
  [keyLabels('rerun'), 're-run a check · preview a failed action again · list choices again · change an input'],
  [keyLabels('skip'), 'skip the step (asks for the reason; recorded)'],
  [keyLabels('note'), 'add a note to the step (recorded)'],
  [keyLabels('inspect'), "show the step's full output and details"],
  ['↑↓ pgup/pgdn', 'look at earlier or later steps without changing them (on a choice list: pgup/pgdn)'],
  ['esc', 'back to the current step / cancel a prompt'],
  ['q, ctrl-c', 'leave: the session is saved and resumable (asks first while an action runs)'],
];

/** Every key of the session screen and what it means. */
export function Help() {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {rows.map(([key, meaning]) => (
        <Text key={key} wrap="truncate-end">
          <Text color={theme.accent}>{key.padEnd(14)}</Text>
          {meaning}
        </Text>
      ))}
      <Text color={theme.muted}>esc or ? closes this help</Text>
    </Box>
  );
}
