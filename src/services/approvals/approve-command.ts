/**
 * The command line another operator runs to approve an action, naming the store the session
 * lives in: the SQLite file by its path (two operators on one jump host share it), the shared
 * store by its server and database without any user or password, so the approver connects as
 * themselves (on PostgreSQL their role is what tells them apart from the requester).
 */
import type { EventStore } from '../../state/event-store.js';

/** `runbook approve S STEP --db FILE` (or `--store URL`), each part quoted for a POSIX shell when it needs it. */
export function approveCommand(store: Pick<EventStore, 'kind' | 'location'>, sessionId: string, stepId: string, verb: 'approve' | 'reject' = 'approve'): string {
  const parts = ['runbook', verb, sessionId, stepId];
  if (store.kind === 'sqlite') parts.push('--db', store.location);
  else {
    const url = withoutCredentials(store.location);
    if (url) parts.push('--store', url);
  }
  if (verb === 'reject') parts.push('--reason', 'WHY');
  return parts.map(shellWord).join(' ');
}

function withoutCredentials(location: string): string | undefined {
  try {
    const url = new URL(location);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

function shellWord(word: string): string {
  return /^[\w./:=@+,%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
