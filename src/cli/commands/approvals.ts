/**
 * `runbook approvals [--json]`: the actions waiting for another operator's approval, across the
 * open sessions of the store, each with the command that shows its preview and approves it.
 */
import { pendingApprovals, type PendingApproval } from '../../services/approvals/pending.js';
import { formatDuration } from '../../state/export/audit-record.js';
import { shortHash } from '../../state/preview-hash.js';
import { readCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const now = new Date();
  const store = await readCommandStore(command, io);
  let pending: PendingApproval[] = [];
  try {
    if (store) pending = pendingApprovals(store, now);
  } finally {
    store?.close();
  }
  if (command.options.json === true) {
    const approvals = pending.map((entry) => ({
      session: entry.session,
      runbook: entry.runbook,
      env: entry.env,
      protected: entry.protected,
      incident: entry.incident,
      step: entry.step,
      title: entry.title,
      summary: entry.summary,
      hash: entry.hash,
      requestedBy: entry.requestedBy,
      requestedAt: entry.requestedAt,
      waitingMs: Math.max(0, now.getTime() - Date.parse(entry.requestedAt)),
      required: entry.required,
      because: entry.because,
      approvals: entry.approvals.map(({ by, at, expiresAt, reason }) => ({ by, at, expiresAt, reason })),
      command: entry.command,
    }));
    writeLine(io.stdout, JSON.stringify({ approvals }, null, 2));
    return 0;
  }
  if (pending.length === 0) {
    writeLine(io.stdout, 'No action waits for approval.');
    return 0;
  }
  for (const entry of pending) {
    const waited = formatDuration(now.getTime() - Date.parse(entry.requestedAt)) || '0 ms';
    writeLine(io.stdout, `${entry.session}  ${entry.step}  ${entry.runbook} on ${entry.protected ? `PROTECTED ${entry.env}` : entry.env}${entry.incident ? `, incident ${entry.incident}` : ''}`);
    writeLine(io.stdout, `  ${entry.title}: ${entry.summary}`);
    writeLine(io.stdout, `  requested by ${entry.requestedBy} ${waited} ago; ${entry.approvals.length} of ${entry.required} approvals; preview ${shortHash(entry.hash)}`);
    writeLine(io.stdout, `  approve (shows the preview first): ${entry.command}`);
  }
  writeLine(io.stdout);
  writeLine(io.stdout, 'Reject one with "runbook reject <session> <step> --reason TEXT". Nobody approves their own request.');
  return 0;
}
