import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FailedError } from '../../errors.js';
import type { RawEvent } from '../../state/events.js';
import { branchChainProblem, branchRecord } from '../../state/export/kept-branches.js';
import { resolveSessionId } from '../../state/sessions.js';
import { verifyExportFile, verifyStoredSession, type VerifyResult } from '../../state/verify.js';
import { commandStoreLabel, requireReadCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** A branch kept beside the log, as verify checked it. */
interface BranchCheck {
  readonly name: string;
  readonly forkSeq: number;
  readonly events: number;
  readonly problem: string | null;
}

/**
 * `runbook verify <session | export.json>`: recomputes the hash chain; exit 1 naming the first bad
 * event. Branches kept beside the log (a diverged local log, see runbook push) are checked too,
 * each continuing the log's event it forks from; one that does not verify is exit 1 as well.
 */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const target = command.positionals[0]!;
  const path = resolve(io.cwd, target);
  let result: VerifyResult;
  let branches: BranchCheck[];
  let source: string;
  if (looksLikeFile(target, path)) {
    result = verifyExportFile(path);
    branches = exportedBranches(path, result.sessionId);
    source = path;
  } else {
    const store = await requireReadCommandStore(command, io);
    try {
      const sessionId = resolveSessionId(store, target);
      result = verifyStoredSession(store, sessionId);
      const kept = store.branches(sessionId);
      const log = kept.length > 0 ? store.readRaw(sessionId) : [];
      branches = kept.map((branch) => {
        const record = branchRecord(sessionId, branch, log);
        return { name: record.name, forkSeq: record.forkSeq, events: record.events.length, problem: record.problem };
      });
    } finally {
      store.close();
    }
    source = commandStoreLabel(command);
  }
  if (!result.ok) {
    // Said before the failure, which ends the command.
    for (const branch of branches) writeLine(io.stdout, branchLine(result.sessionId, branch));
    throw new FailedError(`verification FAILED for session ${result.sessionId} (${source}): first bad event is seq ${result.firstBadSeq}: ${result.problem}`);
  }
  writeLine(io.stdout, `ok: session ${result.sessionId}, ${result.events} events, hash chain intact (head ${result.head})`);
  for (const branch of branches) writeLine(io.stdout, branchLine(result.sessionId, branch));
  const failed = branches.filter((branch) => branch.problem !== null);
  if (failed.length > 0) {
    throw new FailedError(
      `verification FAILED for ${failed.length === 1 ? 'branch' : 'branches'} ${failed.map((branch) => branch.name).join(', ')} kept beside session ${result.sessionId} (${source}): ${failed.map((branch) => `${branch.name}: ${branch.problem}`).join('; ')}`,
    );
  }
  return 0;
}

function branchLine(sessionId: string, branch: BranchCheck): string {
  const what = `branch ${branch.name} of session ${sessionId} (a local log kept beside it, not merged; leaves it after event ${branch.forkSeq})`;
  if (branch.problem !== null) return `FAILED: ${what}: ${branch.problem}`;
  const from = branch.forkSeq === 0 ? 'from the genesis hash' : `continuing event ${branch.forkSeq}'s hash`;
  return `ok: ${what}, ${branch.events} events, hash chain intact ${from}`;
}

/** The branches of an export (its "branches" array), each checked against the export's own events. */
function exportedBranches(path: string, sessionId: string): BranchCheck[] {
  // verifyExportFile read and parsed this file already: it is JSON with an events array.
  const document = JSON.parse(readFileSync(path, 'utf8')) as { events: RawEvent[]; branches?: unknown };
  if (!Array.isArray(document.branches)) return [];
  return document.branches.map((entry: unknown, index: number) => {
    const branch = (entry ?? {}) as { name?: unknown; forkSeq?: unknown; events?: unknown };
    const name = typeof branch.name === 'string' ? branch.name : `#${index + 1}`;
    if (typeof branch.forkSeq !== 'number' || !Array.isArray(branch.events)) {
      return { name, forkSeq: 0, events: 0, problem: `branches[${index}] of the export has no forkSeq number or events array` };
    }
    const events = branch.events as RawEvent[];
    return { name, forkSeq: branch.forkSeq, events: events.length, problem: branchChainProblem(sessionId, branch.forkSeq, events, document.events) };
  });
}

function looksLikeFile(target: string, path: string): boolean {
  if (target.endsWith('.json') || target.includes('/')) return true;
  return existsSync(path) && statSync(path).isFile();
}
