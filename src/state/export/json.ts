/** The JSON audit record (DESIGN.md shape, format "runbook-audit/1"); `runbook verify FILE` checks it. */
import type { AuditRecord } from './audit-record.js';

/** Renders the record as JSON text. */
export function renderJson(record: AuditRecord): string {
  const document = {
    format: 'runbook-audit/1',
    session: record.session,
    events: record.events,
    summary: {
      steps: record.steps.map(({ id, title, section, kind, status, durationMs }) => ({ id, title, section, kind, status, durationMs })),
      drill: record.drill,
      approvals: record.approvals,
    },
    // Local logs kept beside this one after they diverged from it: never part of `events` or the summary.
    branches: record.branches.map(({ name, forkSeq, pushedAt, dbRole, verified, problem, events }) => ({ name, forkSeq, pushedAt, dbRole, verified, problem, events })),
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}
