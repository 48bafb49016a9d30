/** One-line rows of the session screen: each truncates instead of wrapping, so counting rows counts lines. */
import type { ReactNode } from 'react';

export interface Line {
  readonly key: string;
  readonly node: ReactNode;
}

/** Status marks that read without colour (NO_COLOR). */
export const statusGlyph: Readonly<Record<string, string>> = {
  pending: '○',
  open: '●',
  passed: '◆',
  failed: '✗',
  'in-flight': '◐',
  done: '✓',
  skipped: '↷',
};

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame for the time `now` (ms), so it moves with the screen's clock. */
export function spinner(now: number): string {
  return spinnerFrames[Math.floor(now / 250) % spinnerFrames.length]!;
}

/** "4s", "2m05s", "1h02m". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A value as one short line of text. */
export function formatValue(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Minutes only ("0m", "12m", "1h02m"): the idle header, which redraws rarely so keys never wait behind it. */
export function formatElapsedMinutes(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
