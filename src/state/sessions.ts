/**
 * Listing sessions (`runbook sessions`) and resolving the ids typed on a command line: any
 * unique prefix names a session; an ambiguous one lists the candidates.
 */
import { OperatorError } from '../errors.js';
import type { EventStore, SessionRow } from './event-store.js';
import { lockHolder, staleReason, type LockOptions } from './lock.js';

export type SessionStatus = 'active' | 'interrupted' | 'completed' | 'aborted';

/** One line of `runbook sessions --json` (DESIGN.md shape). */
export interface SessionSummary {
  readonly id: string;
  readonly runbook: string;
  readonly env: string;
  readonly drill: boolean;
  readonly status: SessionStatus;
  readonly operator: string;
  readonly startedAt: string;
  readonly lastEventAt: string;
  readonly currentStep: string | null;
  /** When active: the process driving it. */
  readonly heldBy?: { readonly pid: number; readonly host: string; readonly since: string };
  /** Local logs kept beside its log after they diverged from it (runbook push); `runbook export` shows them. listSessions always says; absent is none. */
  readonly branches?: number;
}

/** Sessions newest first; without `all`, only those still open (active or interrupted). */
export function listSessions(store: EventStore, lockOptions: LockOptions, options: { all?: boolean } = {}): SessionSummary[] {
  // One read for every session's branches, not one a session.
  const branches = store.branchCounts();
  return store
    .sessions()
    .map((row) => summarize(store, row, lockOptions, branches.get(row.id) ?? 0))
    .filter((summary) => options.all || summary.status === 'active' || summary.status === 'interrupted');
}

/** A session's listing status. */
function summarize(store: EventStore, row: SessionRow, lockOptions: LockOptions, branches: number): SessionSummary {
  const base = {
    id: row.id,
    runbook: row.runbook,
    env: row.env,
    drill: row.drill,
    operator: row.operator,
    startedAt: row.startedAt,
    lastEventAt: row.lastEventAt,
    currentStep: row.state === 'open' ? row.currentStep : null,
    branches,
  };
  if (row.state !== 'open') return { ...base, status: row.state };
  const holder = lockHolder(store, row.id, lockOptions.now());
  if (holder && !staleReason(holder, lockOptions)) {
    return { ...base, status: 'active', heldBy: { pid: holder.pid, host: holder.host, since: holder.since } };
  }
  return { ...base, status: 'interrupted' };
}

/** The full id for a typed id or unique prefix; an OperatorError (exit 2) when unknown or ambiguous. */
export function resolveSessionId(store: EventStore, typed: string): string {
  const prefix = typed.trim();
  if (!prefix) throw new OperatorError('give a session id (see "runbook sessions --all")');
  const matches = store.idsWithPrefix(prefix);
  if (matches.includes(prefix)) return prefix;
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new OperatorError(`no session matches "${prefix}"; list them with "runbook sessions --all"`);
  }
  const shown = matches.slice(0, 10);
  throw new OperatorError(
    `"${prefix}" matches ${matches.length} sessions; type more of the id`,
    undefined,
    [...shown.map((id) => `  ${id}`), ...(matches.length > shown.length ? [`  … and ${matches.length - shown.length} more`] : [])],
  );
}
