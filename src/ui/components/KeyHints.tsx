import React from 'react';
import { Text } from 'ink';
import { useTheme } from '../hooks/use-theme.js';

/** One key hint: the key's label and what it does, e.g. ["enter", "open"]. */
export type KeyHint = readonly [key: string, action: string];

interface KeyHintsProps {
  readonly hints: readonly KeyHint[];
  /** Between hints; the home screen's first frame passes an ASCII one (see src/ui/ascii.ts). */
  readonly separator?: string;
}

/** The footer line naming the keys that work here. */
export function KeyHints({ hints, separator = ' · ' }: KeyHintsProps) {
  const theme = useTheme();
  return (
    <Text color={theme.muted} wrap="truncate-end">
      {hints.map(([key, action]) => `${key} ${action}`).join(separator)}
    </Text>
  );
}
