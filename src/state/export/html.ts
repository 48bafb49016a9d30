/**
 * The HTML audit record: one self-contained file (inline styles, no external assets, no
 * scripts) with the same content as the Markdown one, laid out to print well.
 */
import { notesOf } from '../session-state.js';
import { formatDuration, type AuditRecord } from './audit-record.js';
import { describeEvent } from './describe-event.js';
import { drillFacts } from './drill-facts.js';
import { stepDetails } from './step-details.js';
import { sessionFacts } from './session-facts.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem;margin-bottom:.3rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;white-space:nowrap}td.t{white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dt{font-weight:600}dd{margin:0}
pre{background:#f7f7f7;padding:.4rem;margin:0;white-space:pre-wrap;word-break:break-all;font-size:12px}
.failed{color:#a00;font-weight:600}.step{break-inside:avoid;page-break-inside:avoid}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}thead{display:table-header-group}}
`;

/** Renders the record as a self-contained HTML document. */
export function renderHtml(record: AuditRecord): string {
  const { session, state } = record;
  const out: string[] = [];
  out.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">');
  out.push(`<title>${esc(session.runbook)} session ${esc(session.id)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${esc(session.runbookTitle || session.runbook)}: session ${esc(session.id)}</h1>`);
  out.push('<dl>');
  const facts = sessionFacts(record);
  for (const [label, value] of facts) out.push(`<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`);
  out.push('</dl>');
  out.push(`<p>Check this record against tampering with <code>runbook verify ${esc(session.id)}</code> (or on its JSON export).</p>`);

  if (record.drill) {
    out.push('<h2>Drill result</h2><dl>');
    for (const fact of drillFacts(record.drill)) {
      out.push(`<dt>${esc(fact.label)}</dt><dd${fact.failed ? ' class="failed"' : ''}>${esc(fact.value)}</dd>`);
    }
    out.push('</dl>');
  }

  out.push('<h2>Timeline</h2><table><thead><tr><th>#</th><th>time</th><th>step</th><th>result</th><th>actor</th><th>duration</th></tr></thead><tbody>');
  for (const event of record.events) {
    const line = describeEvent(event);
    const failed = event.type === 'CheckFailed' || event.type === 'ActionFailed' ? ' class="failed"' : '';
    out.push(
      `<tr><td class="n">${event.seq}</td><td class="t">${esc(event.at)}</td><td>${esc(event.stepId ?? '')}</td><td${failed}>${esc(line.result)}</td><td>${esc(event.actor)}</td><td class="n">${esc(formatDuration(line.durationMs))}</td></tr>`,
    );
  }
  out.push('</tbody></table>');

  out.push('<h2>Steps</h2>');
  for (const id of state.order) {
    const step = state.steps[id]!;
    out.push(`<section class="step"><h3>${esc(step.title)} <code>${esc(id)}</code> (${esc(step.kind)}, section <code>${esc(step.sectionId)}</code>)</h3><dl>`);
    for (const row of stepDetails(state, step)) {
      out.push(`<dt>${esc(row.label)}</dt><dd>${row.block ? `<pre>${esc(row.value)}</pre>` : esc(row.value)}</dd>`);
    }
    out.push('</dl></section>');
  }

  const sessionNotes = notesOf(state, null);
  if (sessionNotes.length > 0) {
    out.push('<h2>Notes</h2><ul>');
    for (const note of sessionNotes) out.push(`<li>${esc(note.at)} ${esc(note.actor)}: ${esc(note.text)}</li>`);
    out.push('</ul>');
  }
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
