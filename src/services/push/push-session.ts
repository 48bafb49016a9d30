/**
 * Pushing a local log to the shared store (`runbook push`, and the next command after the store is
 * back): fast-forward only. A session the store does not have, or whose log on the store is a
 * prefix of the local one, gets the local events as they were hashed; a session someone else
 * continued meanwhile is never overwritten: the local branch is kept whole beside it and the
 * divergence is said. A local log whose chain does not verify is not pushed.
 */
import type { EventStore } from '../../state/event-store.js';
import { validateEvent, type RawEvent } from '../../state/events.js';
import type { PostgresEventStore } from '../../state/postgres/pg-event-store.js';
import { foldEvents } from '../../state/session-state.js';
import { verifyChain } from '../../state/verify.js';

export type PushOutcome =
  | { readonly sessionId: string; readonly outcome: 'pushed'; readonly events: number; readonly after: number }
  | { readonly sessionId: string; readonly outcome: 'up-to-date' }
  | {
      readonly sessionId: string;
      readonly outcome: 'diverged';
      readonly forkSeq: number;
      readonly localAfter: number;
      readonly storeAfter: number;
      readonly branch: string;
      /** The branch was kept on the store by an earlier push. */
      readonly keptBefore: boolean;
    }
  | { readonly sessionId: string; readonly outcome: 'refused'; readonly reason: string };

/** Pushes one local session; `host` names the branch kept when it diverged. */
export function pushSession(local: EventStore, shared: PostgresEventStore, sessionId: string, host: string): PushOutcome {
  const head = local.session(sessionId);
  if (!head) return { sessionId, outcome: 'refused', reason: `the local log ${local.location} has no session ${sessionId}` };
  // The store already has the local log (or more of it): nothing to push, nothing to read.
  if (shared.eventHash(sessionId, head.lastSeq) === head.lastHash) return { sessionId, outcome: 'up-to-date' };
  const events = local.readRaw(sessionId);
  const verified = verifyChain(sessionId, events, { seq: head.lastSeq, hash: head.lastHash });
  if (!verified.ok) return { sessionId, outcome: 'refused', reason: `its local chain does not verify (event ${verified.firstBadSeq}: ${verified.problem}); nothing was pushed` };
  const remote = shared.session(sessionId);
  const remoteSeq = remote?.lastSeq ?? 0;
  // The store's log is a prefix of the local one: push the rest.
  if (remoteSeq < head.lastSeq && (remote === undefined || events[remoteSeq - 1]?.hash === remote.lastHash)) {
    const rest = events.slice(remoteSeq);
    const state = foldEvents(sessionId, events.map(validateEvent));
    const outcome = shared.importEvents(sessionId, remoteSeq, remote?.lastHash ?? '', rest, state);
    if (outcome === 'pushed') return { sessionId, outcome: 'pushed', events: rest.length, after: remoteSeq };
  }
  return keepDivergence(shared, sessionId, events, host);
}

function keepDivergence(shared: PostgresEventStore, sessionId: string, events: readonly RawEvent[], host: string): PushOutcome {
  const remote = shared.readRaw(sessionId);
  let fork = 0;
  while (fork < events.length && fork < remote.length && events[fork]!.hash === remote[fork]!.hash) fork++;
  const branch = `${host}-${events[events.length - 1]!.hash.slice(0, 12)}`;
  const kept = shared.keepBranch(sessionId, branch, fork, events.slice(fork));
  return { sessionId, outcome: 'diverged', forkSeq: fork, localAfter: events.length - fork, storeAfter: remote.length - fork, branch, keptBefore: !kept };
}

/** One line for a push's outcome. */
export function describePush(result: PushOutcome): string {
  switch (result.outcome) {
    case 'pushed':
      return `pushed session ${result.sessionId}: ${result.events} local events after event ${result.after} are on the store now`;
    case 'up-to-date':
      return `session ${result.sessionId}: the store already has every local event`;
    case 'diverged':
      return `session ${result.sessionId} DIVERGED after event ${result.forkSeq}: the store has ${result.storeAfter} events there that the local log lacks, the local log ${result.localAfter} the store lacks; both are kept (the local one as branch ${result.branch}${result.keptBefore ? ', kept by an earlier push' : ''}); nothing was overwritten`;
    case 'refused':
      return `session ${result.sessionId} not pushed: ${result.reason}`;
  }
}
