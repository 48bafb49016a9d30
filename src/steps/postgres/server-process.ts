/**
 * Whether a local server runs from a data directory, read from its postmaster.pid (the file
 * pg_ctl reads too): pid on line 1, port on line 4, and on line 8 the postmaster's status,
 * "starting", "standby" (recovering, no connections: hot_standby off), "ready" (accepting
 * connections: a primary, or a hot standby still in recovery) or "stopping". "ready" therefore
 * does not mean recovery is over. A pid file whose process is gone is what a crash leaves.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepResult } from '../provider.js';
import type { PostgresConnectionSettings } from './connect.js';
import { adviceFor, fatalLine, LogFollower, recoveryFacts, serverLogPath } from './server-log.js';

export type PostmasterStatus = 'starting' | 'standby' | 'ready' | 'stopping' | 'unknown';

export interface Postmaster {
  readonly pid: number;
  readonly port: number;
  readonly status: PostmasterStatus;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (postgres, when we are not root).
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** The live postmaster of a data directory, if any. */
export async function postmasterOf(dataDir: string): Promise<Postmaster | undefined> {
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const word = (lines[7] ?? '').trim();
  const status: PostmasterStatus = word === 'starting' || word === 'standby' || word === 'ready' || word === 'stopping' ? word : 'unknown';
  return { pid, port: Number(lines[3]), status };
}

/** Why the server of a data directory stopped, from its log. */
export interface ServerExit {
  /** "FATAL:  recovery ended before configured recovery target was reached", or a plain sentence. */
  readonly reason: string;
  readonly advice: string;
  readonly logPath?: string;
}

/** Reads the log of a stopped server and says why it stopped. */
export async function explainExit(dataDir: string, logFile?: string): Promise<ServerExit> {
  const logPath = await serverLogPath(dataDir, logFile);
  if (!logPath) {
    return { reason: `no server runs from ${dataDir} and it holds no server log`, advice: 'start the server (or run the restore action) first; a wait cannot bring a stopped server back' };
  }
  const follower = new LogFollower(logPath);
  await follower.next();
  const fatal = fatalLine(follower.all);
  const facts = recoveryFacts(follower.all);
  const stoppedCleanly = /database system is shut down/.test(follower.all) && !fatal;
  return {
    reason: fatal ?? (stoppedCleanly ? `the server of ${dataDir} was shut down` : `the server of ${dataDir} is gone without a FATAL line in its log`),
    advice: stoppedCleanly ? 'someone stopped it: start it again (pg_ctl start) before waiting on it' : adviceFor(fatal, facts),
    logPath,
  };
}

/**
 * For checks and waits on a local server: when its data directory is known and no server runs
 * from it, the result to return at once (a stopped server will not answer however long one
 * polls), else undefined. A restart leaves the pid file away for a moment: look twice.
 */
export async function stoppedServerResult(connection: PostgresConnectionSettings, name: string): Promise<StepResult | undefined> {
  const dataDir = connection.dataDir;
  if (!dataDir || !existsSync(dataDir)) return undefined;
  if (await postmasterOf(dataDir)) return undefined;
  await new Promise((resolve) => setTimeout(resolve, 250));
  if (await postmasterOf(dataDir)) return undefined;
  const exit = await explainExit(dataDir);
  return {
    ok: false,
    final: true,
    observed: { running: false, dataDir },
    expected: 'a running server',
    outputs: {},
    detail: `The server of "${name}" has exited: ${exit.reason}${exit.logPath ? ` (server log ${exit.logPath})` : ''}. ${exit.advice}.`,
    failure: { class: 'unreachable', advice: exit.advice },
  };
}
