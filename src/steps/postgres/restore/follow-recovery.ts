/**
 * Follows a restored server from `pg_ctl start` until recovery is over: promoted (the server log
 * says "database system is ready to accept connections", not "read-only", and
 * pg_is_in_recovery() is false) or stopped (no live postmaster). With hot_standby on, `pg_ctl -w`
 * returns as soon as recovery is consistent, long before it ends, and a server that cannot reach
 * its target shuts itself down afterwards: only watching it tells. postmaster.pid says "ready"
 * from consistency on (PostgreSQL 15 writes it for hot standby too), so it proves only that the
 * server runs. The pid file and the new part of the log are read every 100 ms (small local
 * reads), so an exit is seen within a moment.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StepContext } from '../../provider.js';
import { ProviderFailure, sleep } from '../../support/call.js';
import { withClient } from '../connect.js';
import { explainExit, postmasterOf } from '../server-process.js';
import { LogFollower, recoveryFacts, serverLogPath, type RecoveryFacts } from '../server-log.js';

const POLL_MS = 100;
const ASK_EVERY_MS = 2_000;

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
  let lastAsked = 0;
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
    // The log says when recovery is over; without a readable log, ask the server now and then.
    const ask = facts.promoted || (server.status === 'ready' && Date.now() - lastAsked >= ASK_EVERY_MS);
    if (ask) {
      lastAsked = Date.now();
      const inRecovery = await withClient(into, context, async (client) => (await client.query('SELECT pg_is_in_recovery() AS r')).rows[0]?.r as boolean, { retry: false }).catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (inRecovery === false) {
        // Read the log once more: the server may have written its "ready" line after the read above.
        const final = await readLog();
        return { observedBy: `${final.promoted ? 'the server log says it is ready to accept connections and ' : ''}pg_is_in_recovery() is false`, facts: final, pid: server.pid };
      }
      if (inRecovery instanceof Error && facts.promoted && !existsSync(join(dataDir, 'recovery.signal')) && (await postmasterOf(dataDir))) {
        // Promoted, yet not answering our connection (a password it does not have, pg_hba): the log and the data directory are the evidence.
        return { observedBy: `the server log says it is ready to accept connections and recovery.signal is gone (the confirming query failed: ${inRecovery.message})`, facts: await readLog(), pid: server.pid };
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
