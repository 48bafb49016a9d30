import React, { type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useScroll } from '../hooks/use-scroll.js';
import { useTheme } from '../hooks/use-theme.js';
import { windowAt } from '../window.js';

interface ScrollingLinesProps {
  /** One-line rows (each should truncate rather than wrap), with stable keys. */
  readonly lines: readonly { readonly key: string; readonly node: ReactNode }[];
  /** Rows available, including the "… N more" lines shown when the list does not fit. */
  readonly rows: number;
  readonly isActive: boolean;
}

/** A list of lines that never takes more than `rows` rows; ↑↓ scroll it and it says what is hidden. */
export function ScrollingLines({ lines, rows, isActive }: ScrollingLinesProps) {
  const theme = useTheme();
  const fits = lines.length <= rows;
  const size = fits ? rows : Math.max(1, rows - 2);
  const offset = useScroll(lines.length, size, isActive && !fits);
  const view = windowAt(lines.length, offset, size);
  return (
    <Box flexDirection="column">
      {fits ? null : <Text color={theme.muted}>{view.above > 0 ? `  … ${view.above} more above` : ' '}</Text>}
      {lines.slice(view.start, view.end).map((line) => (
        <Box key={line.key}>{line.node}</Box>
      ))}
      {fits ? null : <Text color={theme.muted}>{view.below > 0 ? `  … ${view.below} more below (↑↓ to scroll)` : ' '}</Text>}
    </Box>
  );
}
