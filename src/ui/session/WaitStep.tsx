import React from 'react';
import { Text } from 'ink';
import { parseDurationSeconds } from '../../steps/params.js';
import { checkStepLines } from './CheckStep.js';
import { formatElapsed, spinner, type Line } from './lines.js';
import type { StepLinesProps } from './step-props.js';

const DEFAULT_WAIT_BOUND_MS = 600_000;

/** A wait: a check polled until it passes, with elapsed time against its bound and the last observation. */
export function waitStepLines(props: StepLinesProps): Line[] {
  const { step, definition, view, theme, now } = props;
  const running = view.activity.kind === 'checking' && view.activity.stepId === step.id;
  if (!running) return checkStepLines(props);
  const seconds = definition?.timeout ? parseDurationSeconds(definition.timeout) : undefined;
  const boundMs = seconds === undefined ? DEFAULT_WAIT_BOUND_MS : seconds * 1000;
  const elapsed = now - (view.activity as { startedAt: number }).startedAt;
  const lines: Line[] = [
    {
      key: 'wait-running',
      node: (
        <Text color={theme.accent} wrap="truncate-end">
          {spinner(now)} waiting {formatElapsed(elapsed)} of {formatElapsed(boundMs)} ({definition?.uses ?? 'check'} every {definition?.interval ?? '10s'})
        </Text>
      ),
    },
    { key: 'wait-bar', node: <Text wrap="truncate-end">{progressBar(Math.min(1, elapsed / boundMs), 30)}</Text> },
  ];
  if (view.progress) {
    lines.push({ key: 'wait-last', node: <Text wrap="truncate-end">last: {view.progress.message}</Text> });
  }
  return lines;
}

function progressBar(fraction: number, width: number): string {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% of the bound`;
}
