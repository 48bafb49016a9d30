import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * How long a changed screen must have been committed before a key may act on it. Ink writes a
 * committed frame within one render interval (30 frames a second: 34 ms); a key that comes sooner
 * was pressed looking at the frame before, so it is dropped rather than applied to a step the
 * operator has not seen. Nobody reads a new step and decides in less than this.
 */
export const KEY_SETTLE_MS = 50;

/**
 * Tells whether a key that would record something may act now: only when the session's log is at
 * the state the screen last drew (no event appended since, by this key's predecessors or by a
 * finished check), and that drawing has been on screen for `settleMs`. Keys that fail the gate are
 * dropped: in a safety tool a key that arrives mid-transition must not act on the next step.
 *
 * `liveSeq` reads the log's sequence now; `drawnSeq` is the sequence of the state being rendered.
 */
export function useKeyGate(liveSeq: () => number, drawnSeq: number, settleMs: number = KEY_SETTLE_MS): () => boolean {
  const shown = useRef({ seq: drawnSeq, at: -Infinity });
  useLayoutEffect(() => {
    if (shown.current.seq !== drawnSeq) shown.current = { seq: drawnSeq, at: performance.now() };
  }, [drawnSeq]);
  return useCallback(() => liveSeq() === shown.current.seq && performance.now() - shown.current.at >= settleMs, [liveSeq, settleMs]);
}
