import React from 'react';
import { Text } from 'ink';
import { asciiEllipsis, asciiPointer } from '../ascii.js';
import { fitText, formatDay, plural } from '../format.js';
import { sectionCount, stepCount, type HomeRunbook } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';

/** Column widths shared by every row, so a list lines up. */
export interface RunbookColumns {
  readonly id: number;
  readonly counts: number;
  /** 0 when no runbook in the list has a cadence. */
  readonly cadence: number;
}

// Rows are ASCII wherever the data allows (src/ui/ascii.ts).

/** "2 sections, 9 steps". */
function countsText(runbook: HomeRunbook): string {
  return `${plural(sectionCount(runbook), 'section')}, ${plural(stepCount(runbook), 'step')}`;
}

/** "weekly, passed 2026-11-20", without the overdue mark (shown apart, in the danger colour). */
function cadenceText(runbook: HomeRunbook): string {
  if (!runbook.cadence) return '';
  const evidence = runbook.evidence;
  if (!evidence) return runbook.cadence;
  return `${runbook.cadence}, ${evidence.lastPassedAt ? `passed ${formatDay(evidence.lastPassedAt)}` : 'never passed'}`;
}

const overdueMark = ', overdue';

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
  /** The row's width in characters, pointer included. */
  readonly width: number;
}

/**
 * One runbook on the home list, on one line: pointer, id, title, section and step counts, and
 * its drill cadence and evidence. Laid out as one Text of spans (see fitText for why).
 */
export function RunbookRow({ runbook, isSelected, columns, width }: RunbookRowProps) {
  const theme = useTheme();
  const counts = countsText(runbook);
  const cadence = cadenceText(runbook);
  const overdue = runbook.evidence?.overdue ? overdueMark : '';
  const fixed = 2 + (columns.id + 2) + 2 + columns.counts + (columns.cadence > 0 ? 2 + columns.cadence : 0);
  const titleWidth = Math.max(8, width - fixed);
  const line = `${fitText(runbook.id, columns.id, asciiEllipsis)}  ${fitText(runbook.title, titleWidth, asciiEllipsis)}`;
  const details = `  ${' '.repeat(Math.max(0, columns.counts - counts.length))}${counts}${columns.cadence > 0 ? `  ${cadence}` : ''}`;
  // Unselected rows use as few styled spans as possible: Ink's output cost grows with style changes.
  return (
    <Text wrap="truncate-end">
      {isSelected ? (
        <Text color={theme.selected} bold>
          {asciiPointer} {line}
        </Text>
      ) : (
        `  ${line}`
      )}
      <Text color={theme.muted}>{details}</Text>
      {overdue ? (
        <Text color={theme.danger} bold>
          {overdue}
        </Text>
      ) : null}
    </Text>
  );
}
