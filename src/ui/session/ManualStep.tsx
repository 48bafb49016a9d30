import React from 'react';
import { Text } from 'ink';
import type { Line } from './lines.js';
import type { StepLinesProps } from './step-props.js';

/** A manual step: what to do, and whether a note is needed to mark it done. */
export function manualStepLines({ step, definition, theme, isCurrent }: StepLinesProps): Line[] {
  if (!isCurrent || step.status === 'done' || step.status === 'skipped') return [];
  const required = definition?.note === 'required';
  return [
    {
      key: 'manual-hint',
      node: (
        <Text color={theme.accent} wrap="truncate-end">
          {required ? 'enter: mark done (a note is required as evidence)' : 'enter: mark done when you have done it'}
        </Text>
      ),
    },
  ];
}
