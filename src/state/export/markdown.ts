/**
 * The Markdown audit record: an incident timeline (time, step, result, actor, duration), then
 * per-step details, notes, and for drills the RTO and recovery point.
 */
import type { RawEvent } from '../events.js';
import { notesOf } from '../session-state.js';
import { approvalRows, outcomeText } from './approval-rows.js';
import { formatDuration, type AuditRecord } from './audit-record.js';
import { describeEvent } from './describe-event.js';
import { drillFacts } from './drill-facts.js';
import { branchVerificationText, divergenceLede, forkText } from './kept-branches.js';
import { stepDetails } from './step-details.js';
import { sessionFacts } from './session-facts.js';

/** Renders the record as Markdown. */
export function renderMarkdown(record: AuditRecord): string {
  const { session, state } = record;
  const out: string[] = [];
  out.push(`# ${cell(session.runbookTitle || session.runbook)}: session ${session.id}`, '');
  const facts = sessionFacts(record);
  for (const [label, value] of facts) out.push(`- **${label}:** ${cell(value)}`);
  out.push('', `Check this record against tampering with \`runbook verify ${session.id}\` (or \`runbook verify\` on its JSON export).`, '');

  if (record.drill) {
    out.push('## Drill result', '');
    for (const fact of drillFacts(record.drill)) out.push(`- **${fact.label}:** ${cell(fact.value)}`);
    out.push('');
  }

  out.push('## Timeline', '', '| # | time | step | result | actor | duration |', '|---:|---|---|---|---|---:|');
  for (const event of record.events) out.push(eventRow(event));
  out.push('');

  if (record.branches.length > 0) {
    out.push('## Divergence', '', divergenceLede(record.branches.length), '');
    for (const branch of record.branches) {
      out.push(
        `### Branch ${cell(branch.name)}`,
        '',
        `- **Leaves this log:** ${cell(forkText(branch))}`,
        `- **Pushed:** ${branch.pushedAt} by database role ${cell(branch.dbRole)}`,
        `- **Hash chain:** ${cell(branchVerificationText(branch))}`,
        '',
        '| # | time | step | result | actor | duration |',
        '|---:|---|---|---|---|---:|',
        ...branch.events.map(eventRow),
        '',
      );
    }
  }

  if (record.approvals.length > 0) {
    out.push('## Approvals', '');
    for (const request of record.approvals) {
      out.push(`### \`${request.step}\`: preview ${request.hash}`, '', `${cell(outcomeText(request))}.`, '');
      out.push('| | who | at | reason | waited | |', '|---|---|---|---|---:|---|');
      for (const row of approvalRows(request)) {
        out.push(`| ${row.what} | ${cell(row.by)} | ${row.at} | ${cell(row.reason)} | ${row.waited} | ${cell(row.note)} |`);
      }
      out.push('');
    }
  }

  out.push('## Steps', '');
  for (const id of state.order) {
    const step = state.steps[id]!;
    out.push(`### ${cell(step.title)} (\`${id}\`, ${step.kind}, section \`${step.sectionId}\`)`, '');
    for (const row of stepDetails(state, step)) {
      if (row.block) out.push(`- **${row.label}:**`, '', '  ```json', ...row.value.split('\n').map((text) => `  ${text}`), '  ```', '');
      else out.push(`- **${row.label}:** ${cell(row.value)}`);
    }
    out.push('');
  }

  const sessionNotes = notesOf(state, null);
  if (sessionNotes.length > 0) {
    out.push('## Notes', '');
    for (const note of sessionNotes) out.push(`- ${note.at} ${cell(note.actor)}: ${cell(note.text)}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** One event as a row of the timeline table. */
function eventRow(event: RawEvent): string {
  const line = describeEvent(event);
  return `| ${event.seq} | ${cell(String(event.at))} | ${cell(event.stepId ?? '')} | ${cell(line.result)} | ${cell(String(event.actor))} | ${formatDuration(line.durationMs)} |`;
}

/** Text safe inside a Markdown table cell or list item. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}
