/** A session is pinned to the runbook it started with: its hash, and what changed in the file since. */
import type { LoadedRunbooks } from '../../runbooks/load.js';
import type { Runbook } from '../../runbooks/schema.js';
import { toPlainJson } from '../../state/canonical-json.js';
import { contentHash } from '../../state/hash-chain.js';
import { describeRunbookChanges } from '../../state/runbook-diff.js';
import type { SessionState } from '../../state/session-state.js';

/** "sha256:<hex>" of the canonical JSON of a runbook, as pinned by SessionStarted. */
export function runbookHash(runbook: Runbook): string {
  return contentHash(toPlainJson(runbook));
}

/** What changed in the runbooks file since the session pinned its copy (empty when nothing, or no file to compare). */
export function runbookChanges(state: SessionState, runbooks: Pick<LoadedRunbooks, 'file' | 'path'> | undefined): string[] {
  if (!runbooks || !state.runbook) return [];
  const current = runbooks.file.runbooks.find((candidate) => candidate.id === state.runbook!.id);
  if (!current) return [`runbook "${state.runbook.id}" is no longer in ${runbooks.path}`];
  if (runbookHash(current) === state.runbookHash) return [];
  const changes = describeRunbookChanges(state.runbook, current);
  return changes.length > 0 ? changes : ['runbook content changed'];
}
