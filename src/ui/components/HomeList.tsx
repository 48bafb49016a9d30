import React, { useMemo, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { HomeRunbook, InterruptedSession } from '../home-model.js';
import { useIntents } from '../hooks/use-intents.js';
import { useTheme } from '../hooks/use-theme.js';
import { columnsFor, RunbookRow } from './RunbookRow.js';
import { SessionRow } from './SessionRow.js';

/** What the operator picked on the home list. */
export type HomeChoice =
  | { readonly kind: 'session'; readonly session: InterruptedSession }
  | { readonly kind: 'runbook'; readonly runbook: HomeRunbook };

interface HomeListProps {
  readonly sessions: readonly InterruptedSession[];
  readonly runbooks: readonly HomeRunbook[];
  readonly now: Date;
  /** How many rows the list may take; longer lists scroll and say how many are hidden. */
  readonly rows: number;
  /** The list's width in characters. */
  readonly width: number;
  /** The value ("runbook:<id>" or "session:<id>") to highlight first. */
  readonly initialValue?: string | undefined;
  readonly isFocused: boolean;
  readonly onSelect: (choice: HomeChoice) => void;
}

/** The visible slice of a circular list: the item at its top, and the highlighted row within it. */
interface ListPosition {
  readonly top: number;
  readonly cursor: number;
}

/**
 * Interrupted sessions first, then runbooks. Rows are one line each, so `rows` bounds the live
 * area exactly. It moves as ink-select-input does (↑/k, ↓/j, wrapping around; Enter picks; 1-9
 * pick a visible row) but builds only the visible rows, one Text each: the list is most of the
 * home screen's first frame.
 */
export function HomeList({ sessions, runbooks, now, rows, width, initialValue, isFocused, onSelect }: HomeListProps) {
  const theme = useTheme();
  const total = sessions.length + runbooks.length;
  const limit = Math.max(1, total > rows ? rows - 1 : rows);
  const scrolls = total > limit;
  const [position, setPosition] = useState<ListPosition>(() => initialPosition(sessions, runbooks, initialValue, Math.min(limit, total)));
  const columns = useMemo(() => columnsFor(runbooks), [runbooks]);

  const choiceAt = (index: number): HomeChoice =>
    index < sessions.length ? { kind: 'session', session: sessions[index]! } : { kind: 'runbook', runbook: runbooks[index - sessions.length]! };
  const visible = Math.min(limit, total);
  const indexAt = (row: number) => (position.top + row) % total;

  const move = (delta: 1 | -1) =>
    setPosition(({ top, cursor }) => {
      if (!scrolls) return { top: 0, cursor: (cursor + delta + total) % total };
      const next = cursor + delta;
      if (next < 0) return { top: (top - 1 + total) % total, cursor };
      if (next >= limit) return { top: (top + 1) % total, cursor };
      return { top, cursor: next };
    });

  useIntents(
    {
      up: () => total > 0 && move(-1),
      down: () => total > 0 && move(1),
      confirm: () => total > 0 && onSelect(choiceAt(indexAt(position.cursor))),
    },
    { isActive: isFocused },
  );
  useInput(
    (input) => {
      const row = /^[1-9]$/.test(input) ? Number(input) - 1 : -1;
      if (row >= 0 && row < visible) onSelect(choiceAt(indexAt(row)));
    },
    { isActive: isFocused },
  );

  const shown: React.ReactNode[] = [];
  for (let row = 0; row < visible; row++) {
    const index = indexAt(row);
    const isSelected = row === position.cursor;
    if (index < sessions.length) {
      const session = sessions[index]!;
      shown.push(<SessionRow key={`session:${session.id}`} session={session} isSelected={isSelected} now={now} />);
    } else {
      const runbook = runbooks[index - sessions.length]!;
      shown.push(<RunbookRow key={`runbook:${runbook.id}`} runbook={runbook} isSelected={isSelected} columns={columns} width={width} />);
    }
  }
  const hidden = total - visible;

  return (
    <Box flexDirection="column">
      {shown}
      {hidden > 0 ? <Text color={theme.muted}>  ... {hidden} more (up/down to scroll)</Text> : null}
    </Box>
  );
}

/** Where the list starts so `initialValue` is highlighted: on its row if it fits the first window, else on the last row. */
function initialPosition(
  sessions: readonly InterruptedSession[],
  runbooks: readonly HomeRunbook[],
  initialValue: string | undefined,
  visible: number,
): ListPosition {
  let index = -1;
  if (initialValue?.startsWith('session:')) index = sessions.findIndex((session) => `session:${session.id}` === initialValue);
  else if (initialValue?.startsWith('runbook:')) {
    const found = runbooks.findIndex((runbook) => `runbook:${runbook.id}` === initialValue);
    index = found === -1 ? -1 : sessions.length + found;
  }
  const last = Math.max(0, visible - 1);
  if (index <= 0) return { top: 0, cursor: 0 };
  return index > last ? { top: index - last, cursor: last } : { top: 0, cursor: index };
}
