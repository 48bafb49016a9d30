/**
 * The charts of the HTML evidence report, as inline SVG: per restore test, its drills over time
 * (RTO, and recovery-point gap to the target), and per asset the age of its newest backup
 * against its schedule (the frequency it promises).
 */
import { formatDuration } from '../state/export/audit-record.js';
import { describeGap } from '../state/export/drill-facts.js';
import { escapeHtml as esc } from '../state/export/html-document.js';
import { durationTickLabel, durationTicks, linearScale, signedDurationTicks, timeTicks } from '../state/export/svg-scale.js';
import type { AssetEvidence, DrillEvidence } from './evidence.js';

const WIDTH = 1000;
const X0 = 80;
const X1 = 980;
const OUTCOME_COLORS: Readonly<Record<DrillEvidence['outcome'], string>> = { passed: '#2e7d32', failed: '#c62828', unfinished: '#757575' };

/** Which value of a drill a chart plots. */
export type DrillMeasure = 'rto' | 'gap';

/**
 * One restore test's drills over [from, to]: a point per drill at its start, its height the RTO
 * (or the recovery gap, signed: above zero the restore stopped short of the target). Drills
 * without that value sit on the baseline as hollow marks.
 */
export function drillChart(runbook: string, drills: readonly DrillEvidence[], measure: DrillMeasure, from: number, to: number): string {
  const height = 206;
  const top = 28;
  const bottom = height - 46;
  const value = (drill: DrillEvidence) => (measure === 'rto' ? drill.rtoMs : drill.recoveryGapMs);
  const values = drills.map(value).filter((v): v is number => v !== null);
  const ticks = measure === 'rto' ? durationTicks(Math.max(0, ...values)) : signedDurationTicks(Math.min(0, ...values), Math.max(0, ...values));
  const low = ticks[0]!;
  const high = ticks[ticks.length - 1]!;
  const x = linearScale(from, to, X0 + 10, X1 - 10);
  const y = linearScale(low, high, bottom, top);
  const title = measure === 'rto' ? `RTO per drill of ${runbook}` : `Recovery-point gap per drill of ${runbook}`;
  const out: string[] = [
    `<svg class="drill-chart ${measure}-chart" data-runbook="${esc(runbook)}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(title)}" font-size="11">`,
    `<title>${esc(title)}</title>`,
  ];
  for (const tick of ticks) {
    out.push(
      `<line x1="${X0}" x2="${X1}" y1="${n(y(tick))}" y2="${n(y(tick))}" stroke="${tick === 0 ? '#999' : '#e6e6e6'}"/>`,
      `<text x="${X0 - 6}" y="${n(y(tick) + 4)}" text-anchor="end" fill="#555">${esc(durationTickLabel(tick))}</text>`,
    );
  }
  for (const tick of timeTicks(from, to, 7)) {
    out.push(`<text x="${n(x(tick.at))}" y="${bottom + 16}" text-anchor="middle" fill="#555">${esc(tick.label)}</text>`);
  }
  out.push(`<text x="4" y="14" fill="#333" font-weight="600">${measure === 'rto' ? 'RTO' : 'gap to target'}</text>`);
  if (measure === 'gap') out.push(`<text x="${X1}" y="14" text-anchor="end" fill="#777">above 0: the restore stopped short of the target</text>`);

  const plotted = drills.filter((drill) => value(drill) !== null);
  if (plotted.length > 1) {
    const points = plotted.map((drill) => `${n(x(Date.parse(drill.startedAt)))},${n(y(value(drill)!))}`).join(' ');
    out.push(`<polyline class="trend" points="${points}" fill="none" stroke="#90a4ae" stroke-width="1.5"/>`);
  }
  for (const drill of drills) {
    const measured = value(drill);
    const cx = x(Date.parse(drill.startedAt));
    const color = OUTCOME_COLORS[drill.outcome];
    const label = `${drill.session} (${drill.env}, ${drill.startedAt}): ${drill.outcome}; ${describe(drill, measure)}`;
    if (measured === null) {
      out.push(
        `<g class="drill-point drill-${drill.outcome} not-measured" data-session="${esc(drill.session)}"><title>${esc(label)}</title>` +
          `<circle cx="${n(cx)}" cy="${n(y(0))}" r="5" fill="#fff" stroke="${color}" stroke-width="2"/></g>`,
      );
    } else {
      out.push(
        `<g class="drill-point drill-${drill.outcome}" data-session="${esc(drill.session)}" data-value-ms="${measured}"><title>${esc(label)}</title>` +
          `<circle cx="${n(cx)}" cy="${n(y(measured))}" r="5" fill="${color}"/></g>`,
      );
    }
  }
  out.push(legend(height - 8, drills, value), '</svg>');
  return out.join('\n');
}

function describe(drill: DrillEvidence, measure: DrillMeasure): string {
  if (measure === 'rto') return drill.rtoMs === null ? 'no RTO (the restore did not end)' : `RTO ${formatDuration(drill.rtoMs)}`;
  if (drill.recoveryGapMs === null) return 'no recovery gap recorded';
  return `recovery point ${drill.recoveryPoint}, ${describeGap(drill.recoveryGapMs)}`;
}

/** The outcomes the chart shows, and the hollow mark when a drill has no value to plot. */
function legend(y: number, drills: readonly DrillEvidence[], value: (drill: DrillEvidence) => number | null): string {
  const outcomes = new Set(drills.filter((drill) => value(drill) !== null).map((drill) => drill.outcome));
  const items = Object.entries(OUTCOME_COLORS)
    .filter(([outcome]) => outcomes.has(outcome as DrillEvidence['outcome']))
    .map(([outcome, color]) => ({ label: outcome, mark: (x: number) => `<circle cx="${x + 5}" cy="${y - 4}" r="5" fill="${color}"/>` }));
  if (drills.some((drill) => value(drill) === null)) {
    items.push({ label: 'not measured', mark: (x: number) => `<circle cx="${x + 5}" cy="${y - 4}" r="5" fill="#fff" stroke="#757575" stroke-width="2"/>` });
  }
  return `<g class="legend">${items.map((item, index) => `${item.mark(X0 + index * 120)}<text x="${X0 + index * 120 + 14}" y="${y}" fill="#333">${esc(item.label)}</text>`).join('')}</g>`;
}

/**
 * Each asset's newest backup age against its schedule: the bar is the age, the dashed line the
 * asset's frequency, drawn at the same place on every row so assets of any cadence compare at a
 * glance; ages past three windows are cut and say so.
 */
export function freshnessChart(assets: readonly AssetEvidence[]): string {
  const row = 26;
  const top = 22;
  const labelWidth = 260;
  const barX0 = labelWidth;
  const barX1 = 740;
  const textX = 752;
  const windows = 3;
  const scheduleX = barX0 + (barX1 - barX0) / windows;
  const height = top + Math.max(1, assets.length) * row + 14;
  const out: string[] = [
    `<svg class="freshness-chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Freshness of each asset against its schedule" font-size="11">`,
    '<title>Freshness of each asset against its schedule</title>',
    `<text x="${barX0}" y="12" fill="#555">0</text>`,
    `<text x="${n(scheduleX)}" y="12" text-anchor="middle" fill="#1565c0">schedule (frequency)</text>`,
    `<text x="${barX1}" y="12" text-anchor="end" fill="#555">${windows}× frequency</text>`,
  ];
  assets.forEach((asset, index) => {
    const y = top + index * row;
    const parts = [`<g class="asset-row" data-asset="${esc(asset.asset)}">`, `<text x="4" y="${y + 16}" fill="#222">${esc(clip(asset.asset, 38))}</text>`];
    const fresh = asset.freshness;
    if (!fresh) {
      const ran = asset.lastFreshnessCheck;
      parts.push(`<text class="no-freshness" x="${barX0}" y="${y + 16}" fill="#999">${ran ? 'checked, no backup time reported' : 'never checked'}</text>`);
    } else {
      const bound = fresh.maxAgeMs;
      const ratio = bound ? fresh.ageMs / bound : null;
      const shown = ratio === null ? 1 : Math.min(Math.max(ratio, 0), windows);
      const width = Math.max(2, (scheduleX - barX0) * shown);
      const stale = fresh.stale === true;
      const text = `${formatDuration(fresh.ageMs)} old${asset.frequency ? ` of ${asset.frequency}` : ', no frequency set'}${stale ? ' · STALE' : ''}`;
      parts.push(
        `<rect class="age-bar ${stale ? 'stale' : 'fresh'}" x="${barX0}" y="${y + 5}" width="${n(width)}" height="14" rx="2" fill="${stale ? '#c62828' : ratio === null ? '#90a4ae' : '#2e7d32'}" data-age-ms="${fresh.ageMs}"${bound ? ` data-max-age-ms="${bound}"` : ''}>` +
          `<title>${esc(`${asset.name}: newest backup ${fresh.at} (${text})`)}</title></rect>`,
        `<text x="${textX}" y="${y + 16}" fill="${stale ? '#b71c1c' : '#333'}">${esc(ratio !== null && ratio > windows ? `${text} (cut)` : text)}</text>`,
      );
    }
    parts.push('</g>');
    out.push(parts.join(''));
  });
  out.push(`<line class="schedule" x1="${n(scheduleX)}" x2="${n(scheduleX)}" y1="16" y2="${height - 10}" stroke="#1565c0" stroke-dasharray="4 3"/>`);
  out.push('</svg>');
  return out.join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}
