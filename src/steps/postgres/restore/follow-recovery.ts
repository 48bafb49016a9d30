/**
 * Follows a restored server from `pg_ctl start` until recovery is over: promoted (postmaster.pid
 * says "ready" and pg_is_in_recovery() is false) or stopped (no live postmaster). With
 * hot_standby on, `pg_ctl -w` returns as soon as recovery is consistent, long before it ends, and
 * a server that cannot reach its target shuts itself down afterwards: only watching it tells.
 * The pid file is read every 100 ms (a small local read), so an exit is seen within a moment.
 */
import type { StepContext } from '../../provider.js';
import { ProviderFailure, sleep } from '../../support/call.js';
import { withClient } from '../connect.js';
import { explainExit, postmasterOf } from '../server-process.js';
import { LogFollower, recoveryFacts, serverLogPath, type RecoveryFacts } from '../server-log.js';

const POLL_MS = 100;

export interface RecoveryOutcome {
  /** How the end of recovery was observed. */
  readonly observedBy: string;
  readonly facts: RecoveryFacts;
  readonly pid: number;
}

/** Waits until the server of `dataDir` is promoted; throws the server's own reason when it stops instead. */
export async function followRecovery(into: string, dataDir: string, logFile: string, context: StepContext): Promise<RecoveryOutcome> {
  let follower: LogFollower | undefined;
  let lastProgress = '';
  const readLog = async () => {
    if (!follower) {
      const path = await serverLogPath(dataDir, logFile);
      if (path) follower = new LogFollower(path);
    }
    await follower?.next();
    return recoveryFacts(follower?.all ?? '');
  };
  for (;;) {
    const server = await postmasterOf(dataDir);
    const facts = await readLog();
    if (!server) {
      const exit = await explainExit(dataDir, logFile);
      const final = await readLog();
      const replayed = final.lastReplayedCommitAt ? `; the last commit replayed was at ${final.lastReplayedCommitAt.toISOString()}` : '';
      throw new ProviderFailure('expectation', `the restored server stopped during recovery: ${exit.reason}${replayed} (server log ${exit.logPath ?? logFile})`, exit.advice);
    }
    if (server.status === 'ready') {
      const inRecovery = await withClient(into, context, async (client) => (await client.query('SELECT pg_is_in_recovery() AS r')).rows[0]?.r as boolean, { retry: false }).catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (inRecovery === false) return { observedBy: 'postmaster.pid says ready and pg_is_in_recovery() is false', facts: await readLog(), pid: server.pid };
      if (inRecovery instanceof Error && !context.signal.aborted) {
        // Ready for connections yet not answering ours (a password it does not have, pg_hba): the pid file is the evidence.
        return { observedBy: `postmaster.pid says ready (the query to confirm it failed: ${inRecovery.message})`, facts: await readLog(), pid: server.pid };
      }
    }
    const progress = facts.consistent
      ? `replaying WAL${facts.lastRestoredSegment ? ` (restored ${facts.lastRestoredSegment} from the archive)` : ''}; consistent, not yet at the target`
      : `replaying WAL${facts.lastRestoredSegment ? ` (restored ${facts.lastRestoredSegment} from the archive)` : ''} up to the end of the backup`;
    if (progress !== lastProgress) context.onProgress?.({ message: progress });
    lastProgress = progress;
    try {
      await sleep(POLL_MS, context.signal);
    } catch (error) {
      if (!(error instanceof ProviderFailure) || error.failureClass !== 'timeout') throw error;
      throw new ProviderFailure(
        'timeout',
        `recovery had not ended when the step's ${Math.round(context.timeoutMs / 1000)} s ran out (${lastProgress})`,
        'the server keeps replaying: let the next wait step follow it (it fails at once if the server stops), or raise this step\'s timeout',
      );
    }
  }
}
