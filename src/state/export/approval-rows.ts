/** The approval requests of a record as rows, shared by the Markdown and HTML exports: the request, each decision, the run under it. */
import { formatDuration } from './audit-record.js';
import type { ApprovalRecord } from './approval-history.js';

export interface ApprovalRow {
  readonly what: 'requested' | 'approved' | 'rejected' | 'ran';
  readonly by: string;
  readonly at: string;
  /** The reason given, or for a request why it was asked. */
  readonly reason: string;
  /** From the request to this row, for decisions and the run. */
  readonly waited: string;
  /** What else matters: expiry, a decision that does not count. */
  readonly note: string;
}

/** How a request ended, in words. */
export function outcomeText(record: ApprovalRecord): string {
  const waited = record.waitedMs === null ? '' : ` after ${formatDuration(record.waitedMs) || '0 ms'}`;
  switch (record.outcome) {
    case 'ran':
      return `approved${waited}; the action ran under it`;
    case 'approved':
      return `approved${waited}; not run under it`;
    case 'rejected':
      return `rejected${waited}`;
    case 'superseded':
      return 'superseded: a new preview asked anew';
    case 'pending':
      return 'waiting for a decision when the record ends';
  }
}

/** The request's rows in time order. */
export function approvalRows(record: ApprovalRecord): ApprovalRow[] {
  const role = (name: string | null) => (name ? ` (role ${name})` : '');
  const rows: ApprovalRow[] = [
    { what: 'requested', by: `${record.requestedBy}${role(record.requesterRole)}`, at: record.requestedAt, reason: record.because, waited: '', note: `${record.required} needed` },
  ];
  for (const decision of record.decisions) {
    const notes: string[] = [];
    if (decision.void !== null) notes.push(`does not count: ${decision.void}`);
    if (decision.expiresAt) notes.push(`holds until ${decision.expiresAt}`);
    rows.push({
      what: decision.kind,
      by: `${decision.by}${role(decision.role)}`,
      at: decision.at,
      reason: decision.reason ?? '',
      waited: formatDuration(decision.waitedMs) || '0 ms',
      note: notes.join('; '),
    });
  }
  if (record.usedAt) {
    rows.push({ what: 'ran', by: '', at: record.usedAt, reason: '', waited: formatDuration(Date.parse(record.usedAt) - Date.parse(record.requestedAt)) || '0 ms', note: 'the action intent was recorded' });
  }
  return rows;
}
