/** The facts about a session that head every human export (Markdown and HTML alike). */
import type { AuditRecord } from './audit-record.js';

/** Label/value pairs: runbook, environment, drill, incident, operator, times, status, chain head. */
export function sessionFacts(record: AuditRecord): [string, string][] {
  const { session } = record;
  return [
    ['Runbook', `${session.runbook} (${session.runbookHash ?? 'no hash'})`],
    ['Environment', session.env],
    ['Drill', session.drill ? 'yes' : 'no'],
    ['Incident', session.incident ?? '—'],
    ['Operator', session.operator],
    ['Started', session.startedAt ?? ''],
    ['Ended', session.endedAt ?? '—'],
    ['Status', session.status],
    ['Events', `${record.events.length} (head ${session.lastHash ?? ''})`],
    ['runbook version', session.productVersion],
  ];
}
