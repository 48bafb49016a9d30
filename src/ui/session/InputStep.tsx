import React from 'react';
import { Text } from 'ink';
import { windowAt } from '../window.js';
import { formatElapsed, formatValue, spinner, type Line } from './lines.js';
import type { StepLinesProps } from './step-props.js';

/** An input step: the value given, or what to type, or a live list to choose from (newest first, last known good marked). */
export function inputStepLines(props: StepLinesProps): Line[] {
  const { step, definition, view, theme, now, isCurrent, choiceIndex, choiceRows, changing } = props;
  const lines: Line[] = [];
  const input = definition?.input;
  if (step.input && !(changing && isCurrent && definition?.input?.type === 'choice')) {
    const shown = step.input.secret ? '••••••' : step.input.label ?? formatValue(step.input.value);
    lines.push({ key: 'value', node: <Text wrap="truncate-end">value: <Text bold>{shown}</Text>{input?.type === 'timestamp' && !step.input.secret ? ` (UTC ${formatValue(step.input.value)})` : ''}</Text> });
    if (isCurrent && step.status === 'passed') lines.push({ key: 'next', node: <Text color={theme.accent}>enter: done, next step · r: change the value</Text> });
    return lines;
  }
  if (!isCurrent || input?.type !== 'choice') return lines;
  const activity = view.activity;
  if (activity.kind === 'loading-choices' && activity.stepId === step.id) {
    lines.push({ key: 'loading', node: <Text color={theme.accent}>{spinner(now)} loading {input.from?.uses ?? 'choices'}… {formatElapsed(now - activity.startedAt)}</Text> });
    return lines;
  }
  const list = view.choices[step.id];
  if (!list) return lines;
  if (!list.ok) {
    lines.push({ key: 'choices-error', node: <Text color={theme.danger} wrap="truncate-end">could not list the choices: {list.error}</Text> });
    lines.push({ key: 'check-next', node: <Text color={theme.accent}>r: try again · s: skip</Text> });
    return lines;
  }
  if (list.choices.length === 0) {
    lines.push({ key: 'choices-empty', node: <Text color={theme.warning}>nothing to choose from (r: list again)</Text> });
    return lines;
  }
  const size = Math.max(1, Math.min(list.choices.length, choiceRows));
  const slice = windowAt(list.choices.length, choiceIndex - Math.floor(size / 2), size);
  lines.push({ key: 'choices-head', node: <Text color={theme.muted}>choose with ↑↓ and enter ({list.choices.length}{slice.above + slice.below > 0 ? `, ${slice.above} above, ${slice.below} below` : ''}):</Text> });
  list.choices.slice(slice.start, slice.end).forEach((choice, offset) => {
    const index = slice.start + offset;
    const selected = index === choiceIndex;
    lines.push({
      key: `choice-${index}`,
      node: (
        <Text wrap="truncate-end" dimColor={choice.disabled ?? false} color={selected ? theme.selected : undefined} bold={selected}>
          {selected ? theme.pointer : ' '} {choice.label}
          {choice.marked ? <Text color={theme.ok}> ★ {choice.marked}</Text> : null}
          {choice.disabled ? ' (not selectable)' : ''}
          {choice.hint ? <Text color={theme.muted}>  {choice.hint}</Text> : null}
        </Text>
      ),
    });
  });
  return lines;
}
