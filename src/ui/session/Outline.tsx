import React, { memo, useMemo } from 'react';
import { Box, Text } from 'ink';
import type { SessionState, StepState } from '../../state/session-state.js';
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

/** One row of the outline: a section's title, or a step. */
interface Entry {
  readonly key: string;
  readonly sectionTitle?: string;
  readonly stepId?: string;
}

/**
 * Sections and steps with their status, windowed around the step looked at. Only the visible
 * rows are built, and a row redraws only when its step, or whether it is looked at or current,
 * changes: a session of 500 steps costs a key press what one of 10 does.
 */
export const Outline = memo(function Outline({ state, viewedId, rows }: OutlineProps) {
  const theme = useTheme();
  // The fold keeps `order`, `steps` and `runbook` the same objects until an event changes them,
  // so browsing with the arrows reuses these.
  const entries = useMemo(() => outlineEntries(state), [state.order, state.steps, state.runbook]);
  const finished = useMemo(() => finishedCount(state), [state.order, state.steps]);
  const focus = Math.max(0, entries.index.get(viewedId ?? '') ?? 0);
  const size = Math.max(1, entries.list.length > rows ? rows - 1 : rows);
  const slice = windowAt(entries.list.length, focus - Math.floor(size / 2), size);
  const visible: React.ReactNode[] = [];
  for (let index = slice.start; index < slice.end; index++) {
    const entry = entries.list[index]!;
    if (entry.sectionTitle !== undefined) {
      visible.push(
        <Text key={entry.key} bold wrap="truncate-end">
          {entry.sectionTitle}
        </Text>,
      );
    } else {
      const step = state.steps[entry.stepId!]!;
      visible.push(<OutlineStep key={entry.key} step={step} viewed={step.id === viewedId} current={step.id === state.currentStepId} />);
    }
  }
  return (
    <Box flexDirection="column">
      {visible}
      {entries.list.length > rows ? (
        <Text color={theme.muted} wrap="truncate-end">
          {finished}/{state.order.length} steps finished · {slice.above} above, {slice.below} below
        </Text>
      ) : null}
    </Box>
  );
});

/** A step's row: pointer when looked at, status glyph, title, kind, and "← current" when looked away from it. */
const OutlineStep = memo(function OutlineStep({ step, viewed, current }: { readonly step: StepState; readonly viewed: boolean; readonly current: boolean }) {
  const theme = useTheme();
  const colour = step.status === 'done' ? theme.ok : step.status === 'failed' ? theme.danger : step.status === 'skipped' || step.status === 'in-flight' ? theme.warning : undefined;
  return (
    <Text wrap="truncate-end" bold={viewed}>
      {viewed ? theme.pointer : ' '} <Text color={colour}>{statusGlyph[step.status]}</Text> {step.title}
      <Text color={theme.muted}>
        {' '}
        {step.kind}
        {current && !viewed ? ' ← current' : ''}
      </Text>
    </Text>
  );
});

/** Every row in order (a section's title before its first step) and where each step's row is. */
function outlineEntries(state: SessionState): { readonly list: readonly Entry[]; readonly index: ReadonlyMap<string, number> } {
  const list: Entry[] = [];
  const index = new Map<string, number>();
  const titles = new Map((state.runbook?.sections ?? []).map((section) => [section.id, section.title]));
  let section: string | null = null;
  for (const id of state.order) {
    const step = state.steps[id]!;
    if (step.sectionId !== section) {
      section = step.sectionId;
      list.push({ key: `section-${section}`, sectionTitle: titles.get(section) ?? section });
    }
    index.set(id, list.length);
    list.push({ key: `step-${id}`, stepId: id });
  }
  return { list, index };
}

function finishedCount(state: SessionState): number {
  let finished = 0;
  for (const id of state.order) {
    const status = state.steps[id]!.status;
    if (status === 'done' || status === 'skipped') finished++;
  }
  return finished;
}
