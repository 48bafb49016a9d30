import { useEffect, useState } from 'react';
import { lastOffset } from '../window.js';
import { useIntents } from './use-intents.js';

/**
 * The scroll offset of a list of `total` lines shown `size` at a time, moved by the up, down,
 * page-up and page-down intents while `isActive`.
 */
export function useScroll(total: number, size: number, isActive: boolean): number {
  const [offset, setOffset] = useState(0);
  const last = lastOffset(total, size);
  // A resize can shrink the list's room or grow it: keep the offset in range.
  useEffect(() => {
    setOffset((current) => Math.min(current, last));
  }, [last]);
  const moveBy = (delta: number) => setOffset((current) => Math.min(last, Math.max(0, current + delta)));
  useIntents(
    {
      up: () => moveBy(-1),
      down: () => moveBy(1),
      pageUp: () => moveBy(-Math.max(1, size - 1)),
      pageDown: () => moveBy(Math.max(1, size - 1)),
    },
    { isActive },
  );
  return Math.min(offset, last);
}
