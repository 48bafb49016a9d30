import React from 'react';
import { Text } from 'ink';
import { formatElapsed, formatValue, spinner, type Line } from './lines.js';
import type { StepLinesProps } from './step-props.js';

/** A check: running (spinner, elapsed), passed with the observed value, or failed with observed vs expected and advice. */
export function checkStepLines(props: StepLinesProps): Line[] {
  const { step, definition, view, theme, now } = props;
  const lines: Line[] = [];
  const running = view.activity.kind === 'checking' && view.activity.stepId === step.id;
  if (running) {
    lines.push({
      key: 'check-running',
      node: (
        <Text color={theme.accent} wrap="truncate-end">
          {spinner(now)} running {definition?.uses ?? 'check'}… {formatElapsed(now - (view.activity as { startedAt: number }).startedAt)}
        </Text>
      ),
    });
    return lines;
  }
  const check = step.check;
  if (!check) {
    if (step.status !== 'done' && step.status !== 'skipped') lines.push({ key: 'check-none', node: <Text color={theme.muted}>not run yet (r runs it)</Text> });
    return lines;
  }
  lines.push({
    key: 'check-result',
    node: (
      <Text wrap="truncate-end">
        <Text color={check.ok ? theme.ok : theme.danger} bold>
          {check.ok ? '✓ passed' : '✗ failed'}
        </Text>
        : {check.detail}
      </Text>
    ),
  });
  lines.push({ key: 'check-observed', node: <Text wrap="truncate-end">  observed: {formatValue(check.observed)}</Text> });
  if (check.expected) lines.push({ key: 'check-expected', node: <Text wrap="truncate-end">  expected: {check.expected}</Text> });
  const advice = step.failure?.advice;
  if (!check.ok && advice) {
    lines.push({
      key: 'check-advice',
      node: (
        <Text color={theme.warning} wrap="truncate-end">
          advice: {advice}
        </Text>
      ),
    });
  }
  if (props.isCurrent && step.status === 'failed') {
    lines.push({ key: 'check-next', node: <Text color={theme.accent}>r: run it again · enter: go on anyway (asks why) · s: skip</Text> });
  } else if (props.isCurrent && step.status === 'passed') {
    lines.push({ key: 'check-next', node: <Text color={theme.accent}>enter: done, next step · r: run it again</Text> });
  }
  return lines;
}
