/**
 * The HTML audit record: one self-contained file (inline styles, no external assets, no
 * scripts) laid out to print well. It opens with what a postmortem reads first: a per-step
 * summary, then the session's timeline as SVG (with the drill's restore window and RTO); the
 * drill result and session facts follow, then the raw events, then every step's details.
 */
import type { RawEvent } from '../events.js';
import { notesOf } from '../session-state.js';
import { approvalRows, outcomeText } from './approval-rows.js';
import { formatDuration, type AuditRecord } from './audit-record.js';
import { describeEvent } from './describe-event.js';
import { drillFacts } from './drill-facts.js';
import { branchCount, branchVerificationText, divergenceLede, forkText } from './kept-branches.js';
import { escapeHtml as esc, htmlDocument } from './html-document.js';
import { sessionFacts } from './session-facts.js';
import { stepDetails } from './step-details.js';
import { stepSummaryRows } from './step-summary-rows.js';
import { summaryTable } from './summary-table.js';
import { buildTimeline } from './timeline.js';
import { markerStyles } from './timeline-markers.js';
import { timelineSvg } from './timeline-svg.js';

const STYLE = `
.step{break-inside:avoid;page-break-inside:avoid}
table.summary td.status,table.summary td.who{white-space:nowrap}
ol.moments{padding-left:1.4rem;font-size:13px}ol.moments li span.kind{font-weight:600}
p.diverged{border-left:4px solid #ad1457;padding:.3rem .6rem;background:#fce4ec}
`;

/** Renders the record as a self-contained HTML document. */
export function renderHtml(record: AuditRecord): string {
  const { session, state } = record;
  const out: string[] = [];
  out.push(`<h1>${esc(session.runbookTitle || session.runbook)}: session ${esc(session.id)}</h1>`);
  out.push(
    `<p class="lede">${esc(session.status)} · ${esc(session.env)}${session.drill ? ' · drill' : ''}${session.incident ? ` · incident ${esc(session.incident)}` : ''} · ${esc(session.operator)} · ${esc(session.startedAt ?? '')}${session.endedAt ? ` to ${esc(session.endedAt)}` : ''}</p>`,
  );

  if (record.branches.length > 0) {
    out.push(`<p class="diverged"><strong>Diverged:</strong> ${esc(branchCount(record.branches.length))} kept beside this log, not merged; see <a href="#divergence">Divergence</a>. Everything else here is this store's log.</p>`);
  }

  out.push('<h2>Summary</h2>', summaryTable(stepSummaryRows(record)));

  const timeline = buildTimeline(record);
  out.push('<h2>Timeline</h2>', '<figure class="timeline">', timelineSvg(timeline));
  const caption: string[] = [`${new Date(timeline.start).toISOString()} to ${new Date(timeline.end).toISOString()} (${formatDuration(timeline.end - timeline.start) || '0 ms'}).`];
  if (record.drill) {
    caption.push(
      timeline.restoreWindow
        ? `Restore window: from the session's start to the last restore step's completion at ${record.drill.restoreEndedAt}; RTO ${formatDuration(timeline.restoreWindow.rtoMs) || '0 ms'}.`
        : 'The restore did not end in this session: no restore window, no RTO.',
    );
  }
  out.push(`<figcaption>${esc(caption.join(' '))}</figcaption></figure>`);
  if (timeline.markers.length > 0) {
    out.push('<ol class="moments">');
    for (const marker of timeline.markers) {
      out.push(`<li class="moment moment-${marker.kind}"><span class="kind">${esc(markerStyles[marker.kind].legend)}</span> ${esc(new Date(marker.at).toISOString())} (event ${marker.seq}): ${esc(marker.label)}</li>`);
    }
    out.push('</ol>');
  }

  if (record.drill) {
    out.push('<h2>Drill result</h2><dl>');
    for (const fact of drillFacts(record.drill)) {
      out.push(`<dt>${esc(fact.label)}</dt><dd${fact.failed ? ' class="failed"' : ''}>${esc(fact.value)}</dd>`);
    }
    out.push('</dl>');
  }

  if (record.approvals.length > 0) {
    out.push('<h2>Approvals</h2>');
    for (const request of record.approvals) {
      out.push(
        `<section class="approval approval-${request.outcome}"><h3><code>${esc(request.step)}</code>: preview <code>${esc(request.hash)}</code></h3><p>${esc(outcomeText(request))}.</p>`,
        '<table class="approvals"><thead><tr><th></th><th>who</th><th>at</th><th>reason</th><th>waited</th><th></th></tr></thead><tbody>',
      );
      for (const row of approvalRows(request)) {
        const refused = row.what === 'rejected' ? ' class="failed"' : '';
        out.push(`<tr><td${refused}>${esc(row.what)}</td><td>${esc(row.by)}</td><td class="t">${esc(row.at)}</td><td>${esc(row.reason)}</td><td class="n">${esc(row.waited)}</td><td>${esc(row.note)}</td></tr>`);
      }
      out.push('</tbody></table></section>');
    }
  }

  out.push('<h2>Session</h2><dl>');
  for (const [label, value] of sessionFacts(record)) out.push(`<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`);
  out.push('</dl>');
  out.push(`<p>Check this record against tampering with <code>runbook verify ${esc(session.id)}</code> (or on its JSON export).</p>`);

  out.push('<h2>Events</h2>', eventsTable(record.events));

  if (record.branches.length > 0) {
    out.push('<h2 id="divergence">Divergence</h2>', `<p>${esc(divergenceLede(record.branches.length))}</p>`);
    for (const branch of record.branches) {
      out.push(
        `<section class="branch" data-branch="${esc(branch.name)}"><h3>Branch <code>${esc(branch.name)}</code></h3><dl>`,
        `<dt>Leaves this log</dt><dd>${esc(forkText(branch))}</dd>`,
        `<dt>Pushed</dt><dd>${esc(branch.pushedAt)} by database role ${esc(branch.dbRole)}</dd>`,
        `<dt>Hash chain</dt><dd${branch.verified ? '' : ' class="failed"'}>${esc(branchVerificationText(branch))}</dd>`,
        '</dl>',
        eventsTable(branch.events),
        '</section>',
      );
    }
  }

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
  return htmlDocument({ title: `${session.runbook} session ${session.id}`, style: STYLE, body: out });
}

/** Events as a table: seq, time, step, what happened, actor, duration. */
function eventsTable(events: readonly RawEvent[]): string {
  const out = ['<table class="events"><thead><tr><th>#</th><th>time</th><th>step</th><th>result</th><th>actor</th><th>duration</th></tr></thead><tbody>'];
  for (const event of events) {
    const line = describeEvent(event);
    const failed = event.type === 'CheckFailed' || event.type === 'ActionFailed' ? ' class="failed"' : '';
    out.push(
      `<tr><td class="n">${event.seq}</td><td class="t">${esc(String(event.at))}</td><td>${esc(event.stepId ?? '')}</td><td${failed}>${esc(line.result)}</td><td>${esc(String(event.actor))}</td><td class="n">${esc(formatDuration(line.durationMs))}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out.join('\n');
}
