/** Small text helpers for screens: ages, plurals, word wrap. */

/** "1 step", "3 steps". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A compact age such as "45s", "12m", "3h", "5d" for `thenIso` seen at `now`. */
export function formatAge(thenIso: string, now: Date): string {
  const then = Date.parse(thenIso);
  if (Number.isNaN(then)) return '?';
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** The date part of an ISO time ("2026-11-20"), or the text as given when it is not one. */
export function formatDay(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

/** Splits text into lines of at most `width` characters at spaces (long words are cut). */
export function wrapWords(text: string, width: number): string[] {
  const limit = Math.max(10, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      while (rest.length > limit) {
        if (line) lines.push(line);
        lines.push(rest.slice(0, limit));
        line = '';
        rest = rest.slice(limit);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= limit) line += ` ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

/**
 * `text` cut to `width` characters (ending in `ellipsis` when cut) and padded with spaces to
 * exactly `width`. Counts code points: list rows are laid out as plain strings because a row of
 * nested Ink boxes costs several milliseconds to lay out, and the home screen's first frame has many.
 */
export function fitText(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length > width) {
    const mark = Array.from(ellipsis).slice(0, width);
    return `${chars.slice(0, width - mark.length).join('')}${mark.join('')}`;
  }
  return text + ' '.repeat(width - chars.length);
}
