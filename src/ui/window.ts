/** The visible slice of a long list, so the live area stays shorter than the terminal. */
export interface ListWindow {
  readonly start: number;
  readonly end: number;
  /** Items hidden above and below the slice. */
  readonly above: number;
  readonly below: number;
}

/** The slice of `size` items starting at `offset`, clamped so it never runs past either end. */
export function windowAt(total: number, offset: number, size: number): ListWindow {
  const rows = Math.max(1, size);
  if (total <= rows) return { start: 0, end: total, above: 0, below: 0 };
  const start = Math.min(Math.max(0, offset), total - rows);
  const end = start + rows;
  return { start, end, above: start, below: total - end };
}

/** The largest offset worth scrolling to: the one showing the last item at the bottom. */
export function lastOffset(total: number, size: number): number {
  return Math.max(0, total - Math.max(1, size));
}
