/** Ages and durations as checks report them. */

/** Whole seconds between `then` and `now` (never negative: clocks of stores drift). */
export function ageSeconds(now: Date, then: Date): number {
  return Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
}

/** "26h", "7d", "90s" for a number of seconds, for expected/detail text. */
export function formatDuration(seconds: number): string {
  if (seconds % 604_800 === 0 && seconds >= 604_800) return `${seconds / 604_800}w`;
  if (seconds % 86_400 === 0 && seconds >= 86_400) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * An age for people: exact units when it is round ("26h"), else its two largest units
 * ("30h 2m", "3m 20s", "5d 4h"), never a bare count of seconds past a minute.
 */
export function formatAge(seconds: number): string {
  const exact = formatDuration(seconds);
  if (!exact.endsWith('s') || seconds < 60) return exact;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 2 * 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}
