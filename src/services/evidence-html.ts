/**
 * `runbook evidence --format html`: the evidence report as one self-contained, printable page.
 * Per restore test its drills over time (RTO and recovery-point gap), per asset the age of its
 * newest backup against its schedule, and the same tables as the text report beside them.
 */
import { formatDuration } from '../state/export/audit-record.js';
import { describeGap } from '../state/export/drill-facts.js';
import { escapeHtml as esc, htmlDocument } from '../state/export/html-document.js';
import { drillChart, freshnessChart } from './evidence-charts.js';
import type { DrillEvidence, EvidenceReport } from './evidence.js';
import { assetRow, runbookRow, shortTime } from './evidence-report.js';

const STYLE = `
.overdue{color:#a00;font-weight:700}.ok{color:#1b5e20;font-weight:600}
table.drills td.outcome-failed{color:#a00;font-weight:600}table.drills td.outcome-passed{color:#1b5e20}
section.restore-test{break-inside:avoid;page-break-inside:avoid}
`;

/** The report, and every drill of each restore test oldest first (collectDrillHistory). */
export function formatEvidenceHtml(report: EvidenceReport, history: Readonly<Record<string, readonly DrillEvidence[]>>): string {
  const now = Date.parse(report.generatedAt);
  const out: string[] = [];
  const scope = report.env ? ` on ${report.env}` : '';
  out.push(`<h1>Restore-test evidence${esc(scope)}</h1>`);
  out.push(
    `<p>As of ${esc(report.generatedAt)}. ${report.overdue ? '<span class="overdue">OVERDUE: a restore test is overdue or a backup is older than its frequency (see below).</span>' : '<span class="ok">Nothing is overdue.</span>'}</p>`,
  );

  out.push('<h2>Restore tests</h2>');
  if (report.runbooks.length === 0) out.push('<p class="muted">No runbook has a cadence, and none was drilled.</p>');
  else {
    out.push(table(['runbook', 'cadence', 'last passed', 'env', 'RTO', 'recovery point', 'next due', 'status'], report.runbooks.map((runbook) => runbookRow(runbook, now)), 'restore-tests'));
  }
  const drills = Object.values(history).flat();
  const from = Math.min(...drills.map((drill) => Date.parse(drill.startedAt)));
  // Over time up to now, so a restore test that stopped being drilled shows its silence.
  const to = Math.max(now, ...drills.map((drill) => Date.parse(drill.startedAt)));
  for (const runbook of report.runbooks) {
    const list = history[runbook.runbook] ?? [];
    out.push(`<section class="restore-test" id="${esc(runbook.runbook)}"><h3>${esc(runbook.title)} <code>${esc(runbook.runbook)}</code></h3>`);
    if (list.length === 0) {
      out.push('<p class="muted">No drill recorded.</p></section>');
      continue;
    }
    const pad = Math.max((to - from) * 0.04, 3_600_000);
    out.push(
      '<figure>',
      drillChart(runbook.runbook, list, 'rto', from - pad, to + pad),
      drillChart(runbook.runbook, list, 'gap', from - pad, to + pad),
      `<figcaption>${list.length} drill${list.length === 1 ? '' : 's'} of ${esc(runbook.runbook)}, each at its start: the RTO (start to the end of the restore) and the recovery point's gap to its target.</figcaption>`,
      '</figure>',
    );
    out.push(
      table(
        ['session', 'env', 'operator', 'started', 'outcome', 'RTO', 'recovery point', 'gap to target'],
        list.map((drill) => [
          drill.session,
          drill.env,
          drill.operator,
          shortTime(drill.startedAt),
          drill.outcome,
          formatDuration(drill.rtoMs) || 'not reached',
          drill.recoveryPoint ?? 'not recorded',
          drill.recoveryGapMs === null ? '' : describeGap(drill.recoveryGapMs),
        ]),
        'drills',
        4,
      ),
      '</section>',
    );
  }

  out.push('<h2>Assets</h2>');
  if (report.assets.length === 0) out.push('<p class="muted">The runbooks file lists no assets.</p>');
  else {
    out.push('<figure>', freshnessChart(report.assets), '<figcaption>Age of each asset\'s newest backup (as its freshness checks reported it) against its frequency: past the dashed line it is stale.</figcaption></figure>');
    out.push(table(['asset', 'last success', 'freshness', 'last restore test'], report.assets.map(assetRow), 'assets'));
  }
  return htmlDocument({ title: `Restore-test evidence${scope}`, style: STYLE, body: out });
}

/** A table; `outcomeColumn` marks that column's cells with their value as a class. */
function table(header: readonly string[], rows: readonly string[][], name: string, outcomeColumn?: number): string {
  const out = [`<table class="${name}"><thead><tr>${header.map((title) => `<th>${esc(title)}</th>`).join('')}</tr></thead><tbody>`];
  for (const row of rows) {
    const cells = row.map((value, column) => {
      const outcome = column === outcomeColumn ? ` class="outcome-${esc(value)}"` : /^(OVERDUE|STALE|FAILED)/.test(value) ? ' class="overdue"' : '';
      return `<td${outcome}>${esc(value)}</td>`;
    });
    out.push(`<tr>${cells.join('')}</tr>`);
  }
  out.push('</tbody></table>');
  return out.join('\n');
}
