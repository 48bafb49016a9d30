import React from 'react';
import { Box, Text } from 'ink';
import type { SessionState } from '../../state/session-state.js';
import { useTheme } from '../hooks/use-theme.js';
import { formatElapsed } from './lines.js';

/** Counts of how the steps ended. */
export function stepCounts(state: SessionState): { done: number; skipped: number; overridden: number } {
  let done = 0;
  let skipped = 0;
  let overridden = 0;
  for (const id of state.order) {
    const step = state.steps[id]!;
    if (step.status === 'done') done++;
    if (step.status === 'skipped') skipped++;
    if (step.overrideReason) overridden++;
  }
  return { done, skipped, overridden };
}

/** After the last step: how it went, and Enter to complete the session. */
export function Summary({ state, now }: { readonly state: SessionState; readonly now: number }) {
  const theme = useTheme();
  const { done, skipped, overridden } = stepCounts(state);
  const duration = state.startedAt ? formatElapsed(now - Date.parse(state.startedAt)) : '?';
  let recoveryPoint: string | null = null;
  let restoreEndedAt: string | null = null;
  for (const id of state.order) {
    const step = state.steps[id]!;
    if (step.drill?.recoveryPoint) recoveryPoint = step.drill.recoveryPoint;
    if (step.drill?.restoreEnds && step.completedAt) restoreEndedAt = step.completedAt;
  }
  const rto = state.startedAt && restoreEndedAt ? formatElapsed(Date.parse(restoreEndedAt) - Date.parse(state.startedAt)) : null;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.ok}>
        All steps finished.
      </Text>
      <Text wrap="truncate-end">
        {done} done · {skipped} skipped · {overridden} went on after a failure · {duration} since the start
      </Text>
      {state.drill ? (
        <Text wrap="truncate-end">
          drill: RTO {rto ?? `${duration} (no step marks the restore's end)`} · recovery point {recoveryPoint ?? 'not recorded'}
        </Text>
      ) : null}
      <Text color={theme.accent}>enter: complete the session · n: add a note · q: leave it open (resumable)</Text>
    </Box>
  );
}
