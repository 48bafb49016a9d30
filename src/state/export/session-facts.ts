/** The facts about a session that head every human export (Markdown and HTML alike). */
import type { AuditRecord } from './audit-record.js';
import { branchCount } from './kept-branches.js';

/** Label/value pairs: runbook, environment, drill, incident, operator, times, status, chain head. */
export function sessionFacts(record: AuditRecord): [string, string][] {
  const { session } = record;
  const diverged: [string, string][] = record.branches.length
    ? [['Diverged', `${branchCount(record.branches.length)} kept beside this log, not merged (see Divergence); the status and steps here are this log's`]]
    : [];
  return [
    ['Runbook', `${session.runbook} (${session.runbookHash ?? 'no hash'})`],
    ['Environment', session.env],
    ['Drill', session.drill ? 'yes' : 'no'],
    ['Incident', session.incident ?? '—'],
    ['Operator', session.operator],
    ['Started', session.startedAt ?? ''],
    ['Ended', session.endedAt ?? '—'],
    ['Status', session.status],
    ...diverged,
    ['Events', `${record.events.length} (head ${session.lastHash ?? ''})`],
    ['runbook version', session.productVersion],
  ];
}
