import React from 'react';
import { Box, Text } from 'ink';
import { formatDay, plural } from '../format.js';
import { stepCount, type HomeRunbook } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';

/** Column widths shared by every row, so a list lines up. */
export interface RunbookColumns {
  readonly id: number;
  readonly counts: number;
  /** 0 when no runbook in the list has a cadence. */
  readonly cadence: number;
}

/** "2 sections · 9 steps". */
export function countsText(runbook: HomeRunbook): string {
  return `${plural(runbook.sections.length, 'section')} · ${plural(stepCount(runbook), 'step')}`;
}

/** "weekly · passed 2026-11-20", without the overdue mark (shown apart, in the danger colour). */
export function cadenceText(runbook: HomeRunbook): string {
  if (!runbook.cadence) return '';
  const evidence = runbook.evidence;
  if (!evidence) return runbook.cadence;
  return `${runbook.cadence} · ${evidence.lastPassedAt ? `passed ${formatDay(evidence.lastPassedAt)}` : 'never passed'}`;
}

const overdueMark = ' · overdue';

/** The widths that fit every runbook of `runbooks` (the id column capped so titles keep room). */
export function columnsFor(runbooks: readonly HomeRunbook[]): RunbookColumns {
  let id = 0;
  let counts = 0;
  let cadence = 0;
  for (const runbook of runbooks) {
    id = Math.max(id, runbook.id.length);
    counts = Math.max(counts, countsText(runbook).length);
    cadence = Math.max(cadence, cadenceText(runbook).length + (runbook.evidence?.overdue ? overdueMark.length : 0));
  }
  return { id: Math.min(id, 32), counts, cadence };
}

interface RunbookRowProps {
  readonly runbook: HomeRunbook;
  readonly isSelected: boolean;
  readonly columns: RunbookColumns;
}

/** One runbook on the home list: id, title, section and step counts, and its drill cadence and evidence. */
export function RunbookRow({ runbook, isSelected, columns }: RunbookRowProps) {
  const theme = useTheme();
  return (
    <Box flexGrow={1}>
      <Box width={columns.id + 2} flexShrink={0}>
        <Text bold={isSelected} color={isSelected ? theme.selected : undefined} wrap="truncate-end">
          {runbook.id}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text color={isSelected ? theme.selected : undefined} wrap="truncate-end">
          {runbook.title}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={2} width={columns.counts} justifyContent="flex-end">
        <Text color={theme.muted}>{countsText(runbook)}</Text>
      </Box>
      {columns.cadence > 0 ? (
        <Box flexShrink={0} marginLeft={2} width={columns.cadence}>
          <Text color={theme.muted}>{cadenceText(runbook)}</Text>
          {runbook.evidence?.overdue ? (
            <Text color={theme.danger} bold>
              {overdueMark}
            </Text>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
}
