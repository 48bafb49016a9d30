import React, { useCallback, useMemo } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { HomeRunbook, InterruptedSession } from '../home-model.js';
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

interface RowProps {
  readonly isSelected?: boolean;
  readonly label: string;
  readonly value?: string;
}

/** Rows draw their own pointer, inside their one line of text. */
function NoIndicator() {
  return null;
}

/**
 * Interrupted sessions first, then runbooks, in one ink-select-input list. Rows are one line
 * each, so `rows` bounds the live area exactly.
 */
export function HomeList({ sessions, runbooks, now, rows, width, initialValue, isFocused, onSelect }: HomeListProps) {
  const theme = useTheme();
  const items = useMemo(
    () => [
      ...sessions.map((session) => ({ key: `session:${session.id}`, label: session.runbook, value: `session:${session.id}` })),
      ...runbooks.map((runbook) => ({ key: `runbook:${runbook.id}`, label: runbook.title, value: `runbook:${runbook.id}` })),
    ],
    [sessions, runbooks],
  );
  const choices = useMemo(() => {
    const byValue = new Map<string, HomeChoice>();
    for (const session of sessions) byValue.set(`session:${session.id}`, { kind: 'session', session });
    for (const runbook of runbooks) byValue.set(`runbook:${runbook.id}`, { kind: 'runbook', runbook });
    return byValue;
  }, [sessions, runbooks]);
  const columns = useMemo(() => columnsFor(runbooks), [runbooks]);

  const Row = useCallback(
    ({ isSelected = false, value }: RowProps) => {
      const choice = value === undefined ? undefined : choices.get(value);
      if (!choice) return null;
      return choice.kind === 'session' ? (
        <SessionRow session={choice.session} isSelected={isSelected} now={now} />
      ) : (
        <RunbookRow runbook={choice.runbook} isSelected={isSelected} columns={columns} width={width} />
      );
    },
    [choices, columns, now, width],
  );

  const limit = Math.max(1, items.length > rows ? rows - 1 : rows);
  const initialIndex = Math.max(0, items.findIndex((item) => item.value === initialValue));
  const hidden = items.length - limit;

  return (
    <Box flexDirection="column">
      <SelectInput
        items={items}
        limit={limit}
        initialIndex={initialIndex}
        isFocused={isFocused}
        indicatorComponent={NoIndicator}
        itemComponent={Row}
        onSelect={(item) => {
          const choice = choices.get(item.value);
          if (choice) onSelect(choice);
        }}
      />
      {hidden > 0 ? <Text color={theme.muted}>  ... {hidden} more (up/down to scroll)</Text> : null}
    </Box>
  );
}
