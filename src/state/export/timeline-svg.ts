/**
 * Draws a session's timeline as inline SVG: a row per step with its bar over the session's time
 * (colour by kind: manual, input, check, wait, action; outline by outcome), check and action
 * results as ticks on the bar, marked moments as vertical lines, stretches without a driver
 * shaded, and a drill's restore window with its RTO. Every shape carries a <title> to hover.
 */
import { formatDuration } from './audit-record.js';
import { escapeHtml as esc } from './html-document.js';
import { linearScale, timeTicks } from './svg-scale.js';
import type { Timeline, TimelineBar, TimelineMarker } from './timeline.js';
import { markerStyles } from './timeline-markers.js';

/** Fill of a bar per step kind. */
export const kindColors: Readonly<Record<string, string>> = {
  manual: '#8d99a6',
  input: '#8e6cc0',
  check: '#3b82c4',
  wait: '#2a9d8f',
  action: '#e07a1f',
};

const GAP_COLORS = { crashed: '#fdecea', interrupted: '#ececec' } as const;
const WIDTH = 1000;
const LABEL_X = 8;
const X0 = 250;
const X1 = 985;
const LANE_Y = 34;
const ROWS_TOP = 50;
const ROW = 20;
const BAR = 12;

/** The timeline as an <svg> element. */
export function timelineSvg(timeline: Timeline): string {
  const x = linearScale(timeline.start, timeline.end, X0, X1);
  const rowsBottom = ROWS_TOP + Math.max(1, timeline.bars.length) * ROW;
  const legend = legendItems(timeline);
  const legendRows = Math.ceil(legend.length / 6);
  const height = rowsBottom + 30 + legendRows * 18 + 6;
  const out: string[] = [];
  const span = formatDuration(timeline.end - timeline.start) || '0 ms';
  out.push(
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of ${timeline.bars.length} steps over ${esc(span)}" font-size="11">`,
    `<title>Timeline: ${timeline.bars.length} steps over ${esc(span)}</title>`,
  );

  // Row stripes, stretches without a driver, then the restore window, under everything else.
  timeline.bars.forEach((_bar, index) => {
    if (index % 2 === 1) out.push(`<rect class="stripe" x="0" y="${ROWS_TOP + index * ROW}" width="${WIDTH}" height="${ROW}" fill="#f6f6f6"/>`);
  });
  for (const gap of timeline.gaps) {
    const left = x(gap.from);
    out.push(
      `<rect class="gap gap-${gap.kind}" x="${n(left)}" y="${LANE_Y - 6}" width="${n(Math.max(1, x(gap.to) - left))}" height="${rowsBottom - LANE_Y + 6}" fill="${GAP_COLORS[gap.kind]}"><title>${esc(gap.label)}</title></rect>`,
    );
  }
  const window = timeline.restoreWindow;
  if (window) {
    const left = x(window.from);
    const right = x(window.to);
    const rto = formatDuration(window.rtoMs) || '0 ms';
    out.push(
      `<g class="restore-window" data-rto-ms="${window.rtoMs}"><title>Restore window: session start to the last restore step's completion; RTO ${esc(rto)}</title>`,
      `<rect class="restore-window-band" x="${n(left)}" y="${ROWS_TOP - 2}" width="${n(Math.max(1, right - left))}" height="${rowsBottom - ROWS_TOP + 4}" fill="#c8e6c9" fill-opacity=".45" stroke="#2e7d32" stroke-dasharray="4 3"/>`,
      `<line class="rto-end" x1="${n(right)}" x2="${n(right)}" y1="${ROWS_TOP - 2}" y2="${rowsBottom + 6}" stroke="#2e7d32" stroke-width="2"/>`,
      `<text class="rto-label" x="${n(right - 4)}" y="${rowsBottom + 17}" text-anchor="end" fill="#1b5e20" font-weight="600">restore window · RTO ${esc(rto)}</text>`,
      '</g>',
    );
  }

  // Time axis: grid lines and UTC labels.
  out.push('<g class="axis">');
  for (const tick of timeTicks(timeline.start, timeline.end)) {
    const at = x(tick.at);
    out.push(
      `<line x1="${n(at)}" x2="${n(at)}" y1="${ROWS_TOP - 4}" y2="${rowsBottom}" stroke="#e0e0e0"/>`,
      `<text x="${n(at)}" y="14" text-anchor="middle" fill="#555">${esc(tick.label)}</text>`,
    );
  }
  out.push(`<text x="${LABEL_X}" y="14" fill="#555">UTC · ${esc(new Date(timeline.start).toISOString().slice(0, 10))}</text>`);
  out.push(`<line x1="${X0}" x2="${X1}" y1="${rowsBottom}" y2="${rowsBottom}" stroke="#999"/>`, '</g>');

  timeline.bars.forEach((bar, index) => out.push(row(bar, index, x)));
  out.push(...markers(timeline.markers, x, rowsBottom));
  out.push(...legendMarkup(legend, rowsBottom + 32));
  out.push('</svg>');
  return out.join('\n');
}

function row(bar: TimelineBar, index: number, x: (value: number) => number): string {
  const top = ROWS_TOP + index * ROW;
  const barTop = top + (ROW - BAR) / 2;
  const parts: string[] = [`<g class="step-row" data-step="${esc(bar.stepId)}">`];
  parts.push(`<text x="${LABEL_X}" y="${top + 14}" fill="#222">${esc(clip(bar.stepId, 30))} <tspan fill="#777">${esc(bar.kind)}</tspan></text>`);
  if (bar.start === null || bar.end === null) {
    parts.push(`<text class="not-reached" x="${X0 + 4}" y="${top + 14}" fill="#999">not reached</text>`, '</g>');
    return parts.join('');
  }
  const left = x(bar.start);
  const width = Math.max(3, x(bar.end) - left);
  const failed = bar.status === 'failed';
  const skipped = bar.status === 'skipped';
  const stroke = failed ? ' stroke="#b00020" stroke-width="2"' : bar.unfinished ? ' stroke="#333" stroke-dasharray="3 2"' : skipped ? ' stroke="#777" stroke-dasharray="2 2"' : '';
  const duration = formatDuration(bar.end - bar.start) || '0 ms';
  parts.push(
    `<rect class="bar kind-${esc(bar.kind)} status-${esc(bar.status)}" data-step="${esc(bar.stepId)}" x="${n(left)}" y="${barTop}" width="${n(width)}" height="${BAR}" rx="2" fill="${kindColors[bar.kind] ?? '#999'}"${skipped ? ' fill-opacity=".3"' : ''}${stroke}>` +
      `<title>${esc(bar.title)} (${esc(bar.stepId)}, ${esc(bar.kind)}): ${esc(bar.status)}${bar.unfinished ? ', still open' : ''}, ${esc(duration)}</title></rect>`,
  );
  for (const tick of bar.ticks) {
    const at = x(tick.at);
    parts.push(
      `<line class="tick tick-${tick.ok ? 'ok' : 'failed'}" x1="${n(at)}" x2="${n(at)}" y1="${barTop - 2}" y2="${barTop + BAR + 2}" stroke="${tick.ok ? '#1b5e20' : '#b00020'}" stroke-width="2"><title>${esc(tick.type)} (event ${tick.seq})</title></line>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function markers(list: readonly TimelineMarker[], x: (value: number) => number, rowsBottom: number): string[] {
  const out: string[] = [];
  let lastSymbolX = -Infinity;
  for (const marker of list) {
    const style = markerStyles[marker.kind];
    const at = x(marker.at);
    // Moments close together (a takeover and its resume) keep their lines; their symbols step aside.
    const symbolX = at - lastSymbolX < 11 ? lastSymbolX + 11 : at;
    lastSymbolX = symbolX;
    out.push(
      `<g class="marker marker-${marker.kind}" data-seq="${marker.seq}"><title>${esc(style.legend)}: ${esc(marker.label)} (event ${marker.seq}, ${esc(new Date(marker.at).toISOString())})</title>` +
        `<line x1="${n(at)}" x2="${n(at)}" y1="${LANE_Y}" y2="${rowsBottom}" stroke="${style.color}" stroke-dasharray="3 2"/>` +
        `${symbol(style.shape, symbolX, LANE_Y, style.color)}</g>`,
    );
  }
  return out;
}

/** A 10-unit symbol centred on (cx, cy). */
function symbol(shape: (typeof markerStyles)[keyof typeof markerStyles]['shape'], cx: number, cy: number, color: string): string {
  const r = 5;
  switch (shape) {
    case 'cross':
      return `<path d="M${n(cx - r)} ${n(cy - r)}L${n(cx + r)} ${n(cy + r)}M${n(cx + r)} ${n(cy - r)}L${n(cx - r)} ${n(cy + r)}" stroke="${color}" stroke-width="3"/>`;
    case 'triangle':
      return `<polygon points="${n(cx - r)},${n(cy - r)} ${n(cx + r)},${n(cy)} ${n(cx - r)},${n(cy + r)}" fill="${color}"/>`;
    case 'square':
      return `<rect x="${n(cx - r + 1)}" y="${n(cy - r + 1)}" width="${2 * r - 2}" height="${2 * r - 2}" fill="${color}"/>`;
    case 'diamond':
      return `<polygon points="${n(cx)},${n(cy - r)} ${n(cx + r)},${n(cy)} ${n(cx)},${n(cy + r)} ${n(cx - r)},${n(cy)}" fill="${color}"/>`;
    case 'circle':
      return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${r}" fill="${color}"/>`;
    case 'ring':
      return `<circle cx="${n(cx)}" cy="${n(cy)}" r="${r - 1}" fill="none" stroke="${color}" stroke-width="2.5"/>`;
    case 'fork':
      return `<path d="M${n(cx)} ${n(cy + r)}L${n(cx)} ${n(cy)}L${n(cx - r)} ${n(cy - r)}M${n(cx)} ${n(cy)}L${n(cx + r)} ${n(cy - r)}" stroke="${color}" stroke-width="2.5" fill="none"/>`;
  }
}

interface LegendItem {
  readonly label: string;
  readonly draw: (x: number, y: number) => string;
}

/** The kinds, marker kinds and bands this timeline shows. */
function legendItems(timeline: Timeline): LegendItem[] {
  const items: LegendItem[] = [];
  const kinds = new Set(timeline.bars.map((bar) => bar.kind));
  for (const [kind, color] of Object.entries(kindColors)) {
    if (kinds.has(kind)) items.push({ label: kind, draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" rx="2" fill="${color}"/>` });
  }
  const markerKinds = new Set(timeline.markers.map((marker) => marker.kind));
  for (const [kind, style] of Object.entries(markerStyles)) {
    if (markerKinds.has(kind as keyof typeof markerStyles)) items.push({ label: style.legend, draw: (x, y) => symbol(style.shape, x + 7, y - 4, style.color) });
  }
  if (timeline.bars.some((bar) => bar.ticks.length > 0)) {
    items.push({ label: 'result passed / failed', draw: (x, y) => `<line x1="${x + 4}" x2="${x + 4}" y1="${y - 10}" y2="${y + 1}" stroke="#1b5e20" stroke-width="2"/><line x1="${x + 10}" x2="${x + 10}" y1="${y - 10}" y2="${y + 1}" stroke="#b00020" stroke-width="2"/>` });
  }
  const gapKinds = new Set(timeline.gaps.map((gap) => gap.kind));
  if (gapKinds.has('crashed')) items.push({ label: 'no driver (crashed)', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${GAP_COLORS.crashed}" stroke="#c62828" stroke-width=".5"/>` });
  if (gapKinds.has('interrupted')) items.push({ label: 'interrupted', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${GAP_COLORS.interrupted}" stroke="#616161" stroke-width=".5"/>` });
  const statuses = new Set(timeline.bars.map((bar) => bar.status));
  if (statuses.has('failed')) items.push({ label: 'step failed', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" rx="2" fill="#bbb" stroke="#b00020" stroke-width="2"/>` });
  if (statuses.has('skipped')) items.push({ label: 'step skipped', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" rx="2" fill="#8d99a6" fill-opacity=".3" stroke="#777" stroke-dasharray="2 2"/>` });
  if (timeline.bars.some((bar) => bar.unfinished)) items.push({ label: 'step still open', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" rx="2" fill="#bbb" stroke="#333" stroke-dasharray="3 2"/>` });
  if (timeline.restoreWindow) items.push({ label: 'restore window', draw: (x, y) => `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="#e8f5e9" stroke="#2e7d32" stroke-dasharray="3 2"/>` });
  return items;
}

function legendMarkup(items: readonly LegendItem[], top: number): string[] {
  const out: string[] = ['<g class="legend">'];
  items.forEach((item, index) => {
    const x = LABEL_X + (index % 6) * 160;
    const y = top + Math.floor(index / 6) * 18;
    out.push(`${item.draw(x, y)}<text x="${x + 20}" y="${y}" fill="#333">${esc(item.label)}</text>`);
  });
  out.push('</g>');
  return out;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A coordinate with at most one decimal. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}
