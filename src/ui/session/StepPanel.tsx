import React from 'react';
import { Box, Text } from 'ink';
import { notesOf } from '../../state/session-state.js';
import { wrapWords } from '../format.js';
import { actionStepLines } from './ActionStep.js';
import { checkStepLines } from './CheckStep.js';
import { inputStepLines } from './InputStep.js';
import { formatValue, statusGlyph, type Line } from './lines.js';
import { manualStepLines } from './ManualStep.js';
import type { StepLinesProps } from './step-props.js';
import { waitStepLines } from './WaitStep.js';

/** Every line about one step: title, instructions, the kind's own lines, how it ended, notes. */
export function stepPanelLines(props: StepLinesProps): Line[] {
  const { step, definition, theme, columns, isCurrent, state } = props;
  const lines: Line[] = [
    {
      key: 'title',
      node: (
        <Text wrap="truncate-end">
          <Text bold>
            {statusGlyph[step.status]} {step.title}
          </Text>
          <Text color={theme.muted}>
            {'  '}
            {step.kind} · {step.id} · {step.status}
            {isCurrent ? '' : ' · looking back (esc: current step)'}
          </Text>
        </Text>
      ),
    },
  ];
  wrapWords(definition?.do ?? '', columns - 2).forEach((text, index) => lines.push({ key: `do-${index}`, node: <Text>{text}</Text> }));
  lines.push({ key: 'gap', node: <Text> </Text> });
  const kindLines =
    step.kind === 'manual'
      ? manualStepLines(props)
      : step.kind === 'check'
        ? checkStepLines(props)
        : step.kind === 'wait'
          ? waitStepLines(props)
          : step.kind === 'action'
            ? actionStepLines(props)
            : inputStepLines(props);
  lines.push(...kindLines);
  if (step.status === 'skipped') lines.push({ key: 'skipped', node: <Text color={theme.warning} wrap="truncate-end">↷ skipped: {step.skipReason}</Text> });
  if (step.status === 'done') {
    lines.push({
      key: 'done',
      node: (
        <Text color={theme.ok} wrap="truncate-end">
          ✓ done{step.completedAt ? ` at ${step.completedAt}` : ''}
          {step.durationMs !== null ? ` (${Math.round(step.durationMs / 1000)}s)` : ''}
        </Text>
      ),
    });
    if (step.overrideReason) lines.push({ key: 'override', node: <Text color={theme.warning} wrap="truncate-end">went on although it failed: {step.overrideReason}</Text> });
    if (step.note) lines.push({ key: 'step-note', node: <Text wrap="truncate-end">evidence: {step.note}</Text> });
  }
  notesOf(state, step.id).forEach((note) =>
    lines.push({ key: `note-${note.seq}`, node: <Text color={theme.muted} wrap="truncate-end">note ({note.actor}): {formatValue(note.text)}</Text> }),
  );
  // Once another process drives the session no key here records anything: say none.
  return props.view.takenOver || props.view.readOnly ? lines.filter((line) => !KEY_HINT_LINES.has(line.key)) : lines;
}

/** Lines that say which key to press next. */
const KEY_HINT_LINES = new Set(['next', 'check-next', 'manual-hint']);

/**
 * The step's lines in at most `rows` rows; the rest is one `i` away. The line saying what to
 * press next (key `next`) stays on screen however long the preview above it is.
 */
export function StepPanel({ lines, rows }: { readonly lines: readonly Line[]; readonly rows: number }) {
  const fits = lines.length <= rows;
  const next = fits ? undefined : lines.find((line) => line.key === 'next');
  const body = next ? lines.filter((line) => line !== next) : lines;
  const shown = fits ? lines : body.slice(0, Math.max(0, rows - 1 - (next ? 1 : 0)));
  return (
    <Box flexDirection="column">
      {shown.map((line) => (
        <Box key={line.key}>{line.node}</Box>
      ))}
      {fits ? null : <Text dimColor>… {body.length - shown.length} more lines (i: show all)</Text>}
      {next ? <Box key={next.key}>{next.node}</Box> : null}
    </Box>
  );
}
