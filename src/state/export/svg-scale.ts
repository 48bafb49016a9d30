/**
 * Scales and ticks for the SVG charts of the HTML pages: time along x (a session's minutes, or
 * drills over months) and durations along y, with round steps people read at a glance.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY,
];

/** A linear map from [domainStart, domainEnd] onto [rangeStart, rangeEnd]; an empty domain maps to the range's middle. */
export function linearScale(domainStart: number, domainEnd: number, rangeStart: number, rangeEnd: number): (value: number) => number {
  const span = domainEnd - domainStart;
  if (!(span > 0)) return () => (rangeStart + rangeEnd) / 2;
  return (value) => rangeStart + ((value - domainStart) / span) * (rangeEnd - rangeStart);
}

/** The smallest round step that splits `span` ms into at most `maxTicks` parts. */
export function roundStep(span: number, maxTicks: number): number {
  for (const step of STEPS) if (span / step <= maxTicks) return step;
  return Math.ceil(span / maxTicks / (365 * DAY)) * 365 * DAY;
}

/** Tick times in [start, end] on round UTC boundaries, each with its label. */
export function timeTicks(start: number, end: number, maxTicks = 8): { at: number; label: string }[] {
  if (!(end > start)) return [{ at: start, label: timeLabel(start, MINUTE) }];
  const step = roundStep(end - start, maxTicks);
  const first = Math.ceil(start / step) * step;
  const ticks: { at: number; label: string }[] = [];
  for (let at = first; at <= end; at += step) ticks.push({ at, label: timeLabel(at, step) });
  return ticks;
}

/** Tick values from 0 up to at least `max` ms, a round duration apart. */
export function durationTicks(max: number, maxTicks = 5): number[] {
  const step = roundStep(Math.max(max, SECOND), maxTicks);
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(value);
  return ticks;
}

/** Ticks covering [min, max] (either side of zero), a round duration apart, zero included. */
export function signedDurationTicks(min: number, max: number, maxTicks = 6): number[] {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  const step = roundStep(Math.max(high - low, SECOND), maxTicks);
  const ticks: number[] = [];
  for (let value = Math.floor(low / step) * step; value < high + step; value += step) ticks.push(value);
  return ticks;
}

/** A short label for a duration tick: 0, 30 s, 5 min, 2 h, 3 d. */
export function durationTickLabel(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  const size = Math.abs(ms);
  if (size === 0) return '0';
  if (size < MINUTE) return `${sign}${round(size / SECOND)} s`;
  if (size < HOUR) return `${sign}${round(size / MINUTE)} min`;
  if (size < DAY) return `${sign}${round(size / HOUR)} h`;
  return `${sign}${round(size / DAY)} d`;
}

/** A UTC label as precise as the step needs: HH:MM:SS, HH:MM, or the date. */
function timeLabel(at: number, step: number): string {
  const iso = new Date(at).toISOString();
  if (step >= DAY) return iso.slice(0, 10);
  if (step >= MINUTE) return iso.slice(11, 16);
  return iso.slice(11, 19);
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
