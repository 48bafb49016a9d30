import React, { memo } from 'react';
import { Box, Text } from 'ink';
import type { SessionState } from '../../state/session-state.js';
import { useTheme } from '../hooks/use-theme.js';
import { windowAt } from '../window.js';
import { statusGlyph } from './lines.js';

interface OutlineProps {
  readonly state: SessionState;
  /** The step looked at (the current one unless the operator browses back). */
  readonly viewedId: string | null;
  /** Rows the outline may take. */
  readonly rows: number;
}

/** Sections and steps with their status, windowed around the step looked at. */
export const Outline = memo(function Outline({ state, viewedId, rows }: OutlineProps) {
  const theme = useTheme();
  const entries: { key: string; sectionTitle?: string; stepId?: string }[] = [];
  let section: string | null = null;
  for (const id of state.order) {
    const step = state.steps[id]!;
    if (step.sectionId !== section) {
      section = step.sectionId;
      const title = state.runbook?.sections.find((candidate) => candidate.id === section)?.title ?? section;
      entries.push({ key: `section-${section}`, sectionTitle: title });
    }
    entries.push({ key: `step-${id}`, stepId: id });
  }
  const focus = Math.max(0, entries.findIndex((entry) => entry.stepId === viewedId));
  const size = Math.max(1, entries.length > rows ? rows - 1 : rows);
  const slice = windowAt(entries.length, focus - Math.floor(size / 2), size);
  const finished = state.order.filter((id) => ['done', 'skipped'].includes(state.steps[id]!.status)).length;
  return (
    <Box flexDirection="column">
      {entries.slice(slice.start, slice.end).map((entry) => {
        if (entry.sectionTitle !== undefined) {
          return (
            <Text key={entry.key} bold wrap="truncate-end">
              {entry.sectionTitle}
            </Text>
          );
        }
        const step = state.steps[entry.stepId!]!;
        const viewed = step.id === viewedId;
        const current = step.id === state.currentStepId;
        const colour = step.status === 'done' ? theme.ok : step.status === 'failed' ? theme.danger : step.status === 'skipped' || step.status === 'in-flight' ? theme.warning : undefined;
        return (
          <Text key={entry.key} wrap="truncate-end" bold={viewed}>
            {viewed ? theme.pointer : ' '} <Text color={colour}>{statusGlyph[step.status]}</Text> {step.title}
            <Text color={theme.muted}>
              {' '}
              {step.kind}
              {current && !viewed ? ' ← current' : ''}
            </Text>
          </Text>
        );
      })}
      {entries.length > rows ? (
        <Text color={theme.muted} wrap="truncate-end">
          {finished}/{state.order.length} steps finished · {slice.above} above, {slice.below} below
        </Text>
      ) : null}
    </Box>
  );
});
