/**
 * The branches a session keeps beside its log (a local log pushed after someone else had gone on
 * with the same session on the shared store) as exports and verify show them: where each leaves
 * the store's log, who pushed it and when, its own events, and whether its hash chain continues
 * the store's event it forks from. A branch is never merged: the session's state is its log's.
 */
import type { KeptBranch } from '../event-store.js';
import type { RawEvent } from '../events.js';
import { GENESIS_HASH } from '../hash-chain.js';
import { verifyChain } from '../verify.js';

export interface BranchRecord {
  readonly name: string;
  /** The last event it shares with the session's log (0: none). */
  readonly forkSeq: number;
  /** That event of the session's log, or null when the branch shares none (or the log lacks it). */
  readonly forkEvent: { readonly seq: number; readonly type: string; readonly at: string } | null;
  readonly pushedAt: string;
  /** The database role that pushed it (stamped by the server). */
  readonly dbRole: string;
  /** Its own events after forkSeq, as they were hashed in the local log. */
  readonly events: readonly RawEvent[];
  /** Its chain continues the log's event forkSeq and every event hashes to what it says. */
  readonly verified: boolean;
  /** Why it does not verify; null when it does. */
  readonly problem: string | null;
}

/** A kept branch with its fork point in `log` (the session's stored events) and its chain checked. */
export function branchRecord(sessionId: string, branch: KeptBranch, log: readonly RawEvent[]): BranchRecord {
  const fork = branch.forkSeq > 0 ? log[branch.forkSeq - 1] : undefined;
  const problem = branchChainProblem(sessionId, branch.forkSeq, branch.events, log);
  return {
    name: branch.branch,
    forkSeq: branch.forkSeq,
    forkEvent: fork && fork.seq === branch.forkSeq ? { seq: fork.seq, type: fork.type, at: fork.at } : null,
    pushedAt: branch.pushedAt,
    dbRole: branch.dbRole,
    events: branch.events,
    verified: problem === null,
    problem,
  };
}

/**
 * Recomputes a branch's chain from the log's event `forkSeq`: its first event must name that
 * event's hash (the genesis hash when it shares none) as its previous-hash, the seqs must run on
 * without a gap, and each event must hash to what it says. Null when it verifies, else the first problem.
 */
export function branchChainProblem(sessionId: string, forkSeq: number, events: readonly RawEvent[], log: readonly RawEvent[]): string | null {
  let start = { seq: 0, hash: GENESIS_HASH };
  if (forkSeq > 0) {
    const fork = log[forkSeq - 1];
    if (typeof fork !== 'object' || fork === null || fork.seq !== forkSeq) return `the session's log has no event ${forkSeq} for it to continue from`;
    start = { seq: forkSeq, hash: fork.hash };
  }
  if (events.length === 0) return 'it has no events of its own';
  // Read back from the store's JSON: anything may be there.
  const malformed = events.findIndex((event) => typeof event !== 'object' || event === null);
  if (malformed !== -1) return `event ${forkSeq + 1 + malformed} is not an event record`;
  const verified = verifyChain(sessionId, events, undefined, start);
  return verified.ok ? null : verified.problem!;
}

/** "1 branch", "2 branches". */
export function branchCount(count: number): string {
  return `${count} branch${count === 1 ? '' : 'es'}`;
}

/** Where a branch leaves the log, in words: "after event 7 (StepCompleted at …)". */
export function forkText(branch: BranchRecord): string {
  if (branch.forkSeq === 0) return 'at the very start: it shares no event with this log';
  return branch.forkEvent
    ? `after event ${branch.forkSeq} (${branch.forkEvent.type} at ${branch.forkEvent.at})`
    : `after event ${branch.forkSeq}, which this log does not have`;
}

/** Its chain's verification in words. */
export function branchVerificationText(branch: BranchRecord): string {
  if (!branch.verified) return `does NOT verify: ${branch.problem}`;
  const continues = branch.forkSeq === 0 ? 'starts from the genesis hash' : `continues the hash of this log's event ${branch.forkSeq}`;
  return `verified: its first event ${continues} and each of its ${branch.events.length} events hashes to what it says`;
}

/** What every export says before the branches. */
export function divergenceLede(count: number): string {
  return (
    `This session diverged: ${count === 1 ? 'a local log was' : `${count} local logs were`} pushed after the session had gone on in this store. ` +
    `${count === 1 ? 'It is' : 'Each is'} kept beside the log as a branch, whole and not merged; the state, steps and timeline in this record come from this store's log alone.`
  );
}
