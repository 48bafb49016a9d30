import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import { ScrollingLines } from '../components/ScrollingLines.js';
import { wrapWords } from '../format.js';
import { useTheme } from '../hooks/use-theme.js';
import type { Line } from './lines.js';

interface OutputPanelProps {
  readonly title: string;
  /** The step's panel lines, then its full output. */
  readonly lines: readonly Line[];
  readonly output: readonly string[];
  readonly extra: readonly string[];
  readonly rows: number;
  readonly columns: number;
}

/** A step in full (`i`): every detail and all captured output, scrolling inside its box. */
export function OutputPanel({ title, lines, output, extra, rows, columns }: OutputPanelProps) {
  const theme = useTheme();
  const all = useMemo(() => {
    const result: Line[] = [...lines];
    extra.forEach((text, index) => wrapWords(text, columns - 2).forEach((part, row) => result.push({ key: `extra-${index}-${row}`, node: <Text>{part}</Text> })));
    if (output.length > 0) {
      result.push({ key: 'output-head', node: <Text color={theme.muted}>output ({output.length} lines):</Text> });
      output.forEach((text, index) => result.push({ key: `output-${index}`, node: <Text wrap="truncate-end">{text}</Text> }));
    }
    return result;
  }, [lines, output, extra, columns, theme]);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {title} <Text color={theme.muted}>(esc or i: close)</Text>
      </Text>
      <ScrollingLines lines={all} rows={Math.max(3, rows - 1)} isActive />
    </Box>
  );
}
