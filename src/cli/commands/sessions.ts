import { defaultLockOptions } from '../../state/lock.js';
import { currentHost } from '../../state/operator.js';
import { branchCount } from '../../state/export/kept-branches.js';
import { listSessions, type SessionSummary } from '../../state/sessions.js';
import { readCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** `runbook sessions [--json] [--all]`: sessions newest first, with their status. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const all = command.options.all === true;
  const store = await readCommandStore(command, io);
  let sessions: SessionSummary[] = [];
  try {
    if (store) sessions = listSessions(store, defaultLockOptions(currentHost(), io.env), { all });
  } finally {
    store?.close();
  }
  if (command.options.json === true) {
    const shaped = sessions.map(({ id, runbook, env, drill, status, operator, startedAt, lastEventAt, currentStep, branches }) => ({
      id,
      runbook,
      env,
      drill,
      status,
      operator,
      startedAt,
      lastEventAt,
      currentStep,
      branches: branches ?? 0,
    }));
    writeLine(io.stdout, JSON.stringify({ sessions: shaped }, null, 2));
    return 0;
  }
  if (sessions.length === 0) {
    writeLine(io.stdout, all ? 'No sessions yet.' : 'No open sessions (use --all to include completed and aborted ones).');
    return 0;
  }
  const header = ['ID', 'STATUS', 'RUNBOOK', 'ENV', 'OPERATOR', 'STARTED', 'LAST EVENT', 'STEP'];
  const rows = sessions.map((session) => [
    session.id,
    session.status + (session.heldBy ? ` (pid ${session.heldBy.pid})` : '') + (session.branches ? `, diverged (${branchCount(session.branches)})` : ''),
    session.runbook,
    session.env + (session.drill ? ' (drill)' : ''),
    session.operator,
    shortTime(session.startedAt),
    shortTime(session.lastEventAt),
    session.currentStep ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) writeLine(io.stdout, row.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd());
  if (sessions.some((session) => session.status === 'interrupted')) {
    writeLine(io.stdout, '');
    writeLine(io.stdout, 'Resume one with "runbook resume <id>" (any unique prefix of the id will do).');
  }
  const diverged = sessions.filter((session) => (session.branches ?? 0) > 0);
  if (diverged.length > 0) writeLine(io.stdout, '');
  for (const session of diverged) writeLine(io.stdout, divergedLine(session.id, session.branches!));
  return 0;
}

/** How a diverged session's branches came to be and where to see them. */
function divergedLine(id: string, branches: number): string {
  return branches === 1
    ? `Session ${id} diverged: a local log pushed after it went on in this store is kept beside its log as a branch, not merged; "runbook export ${id}" shows both.`
    : `Session ${id} diverged: ${branches} local logs pushed after it went on in this store are kept beside its log as branches, not merged; "runbook export ${id}" shows them all.`;
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
