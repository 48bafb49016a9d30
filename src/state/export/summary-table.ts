/** The per-step summary table that opens the HTML export. */
import { formatDuration } from './audit-record.js';
import { escapeHtml as esc } from './html-document.js';
import type { StepSummaryRow } from './step-summary-rows.js';

/** Rows of step, kind, section, status, duration, who and notes, as a <table>. */
export function summaryTable(rows: readonly StepSummaryRow[]): string {
  const out = [
    '<table class="summary"><thead><tr><th>step</th><th>kind</th><th>section</th><th>status</th><th>duration</th><th>who</th><th>notes</th></tr></thead><tbody>',
  ];
  for (const row of rows) {
    const status = row.status === 'failed' ? ' class="status failed"' : ' class="status"';
    const notes = row.notes.map((note) => `<div>${esc(note)}</div>`).join('');
    out.push(
      `<tr data-step="${esc(row.id)}"><td>${esc(row.title)}<br><code>${esc(row.id)}</code></td><td>${esc(row.kind)}</td><td><code>${esc(row.section)}</code></td>` +
        `<td${status}>${esc(row.status)}</td><td class="n">${esc(formatDuration(row.durationMs))}</td><td class="who">${row.actors.map(esc).join('<br>')}</td><td>${notes}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out.join('\n');
}
