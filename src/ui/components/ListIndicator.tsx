import React from 'react';
import { Box, Text } from 'ink';
import { useTheme } from '../hooks/use-theme.js';

/** The selection mark of a list row: a glyph, so it shows without colour too (NO_COLOR). */
export function ListIndicator({ isSelected = false }: { readonly isSelected?: boolean }) {
  const theme = useTheme();
  return (
    <Box marginRight={1} flexShrink={0}>
      <Text color={theme.selected} bold>
        {isSelected ? theme.pointer : ' '}
      </Text>
    </Box>
  );
}
