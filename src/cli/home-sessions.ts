/**
 * What the home screen needs of sessions, loaded only on demand (home's first frame never loads
 * the session store or the full runbooks loader): the interrupted sessions to list first, and a
 * launcher that starts or resumes one when the operator picks it.
 */
import { defaultLockOptions } from '../state/lock.js';
import { currentHost } from '../state/operator.js';
import { listSessions } from '../state/sessions.js';
import type { DrivenSession } from '../services/session/driven-session.js';
import type { RunbookSummary } from '../runbooks/listing-cache.js';
import type { Runbook } from '../runbooks/schema.js';
import { restoreTestEvidence } from '../services/evidence.js';
import type { DrillEvidence, InterruptedSession } from '../ui/home-model.js';
import type { SessionLauncher } from '../ui/screens/SessionFromHome.js';
import { SessionResume } from '../ui/screens/SessionResume.js';
import { SessionStart } from '../ui/screens/SessionStart.js';
import type { CliIO } from './io.js';
import { readCommandStore } from './command-store.js';
import { loadCommandRunbooks } from './runbooks-file.js';
import { drivingService } from './driving-service.js';
import { launched } from './session-terminal.js';
import type { ParsedCommand } from './spec.js';

/** What home shows from the session database: interrupted sessions and restore-test evidence. */
export interface HomeSessionData {
  readonly sessions: InterruptedSession[];
  /** By runbook id, for runbooks with a cadence (and any that was drilled). */
  readonly evidence: ReadonlyMap<string, DrillEvidence>;
}

/** Reads the command's store once (nothing when there is no database yet). */
export async function homeSessionData(command: ParsedCommand, io: CliIO, runbooks: readonly RunbookSummary[], now: Date): Promise<HomeSessionData> {
  const store = await readCommandStore(command, io);
  if (!store) return { sessions: [], evidence: new Map() };
  try {
    const sessions = listSessions(store, defaultLockOptions(currentHost(), io.env))
      .filter((session) => session.status === 'interrupted')
      .map((session) => ({
        id: session.id,
        runbook: session.runbook,
        env: session.env,
        operator: session.operator,
        currentStep: session.currentStep ?? undefined,
        lastEventAt: session.lastEventAt,
      }));
    const refs = runbooks.map(({ id, title, cadence }) => ({ id, title, cadence: (cadence ?? undefined) as Runbook['cadence'] }));
    const evidence = new Map(
      restoreTestEvidence(refs, store, now)
        .filter((entry) => entry.cadence !== null)
        .map((entry) => [entry.runbook, { lastPassedAt: entry.lastPassed?.finishedAt ?? undefined, overdue: entry.overdue }] as const),
    );
    return { sessions, evidence };
  } finally {
    store.close();
  }
}

/** Starts and resumes sessions for the home screen; `driven` collects them so the command can release them. */
export async function homeLauncher(command: ParsedCommand, io: CliIO, driven: DrivenSession[]): Promise<SessionLauncher & { close(): void }> {
  const runbooks = loadCommandRunbooks(command, io);
  const service = await drivingService(command, io);
  return {
    SessionStart,
    SessionResume,
    environments: Object.entries(runbooks.file.environments).map(([name, environment]) => ({ name, title: environment.title, protected: environment.protected })),
    runbookTitle: (runbookId) => runbooks.file.runbooks.find((runbook) => runbook.id === runbookId)?.title ?? runbookId,
    async start(runbookId, env, incident) {
      const session = await service.start({ runbooks, runbookId, env, incident });
      driven.push(session);
      return launched(session);
    },
    async open(sessionId) {
      const session = await service.open(sessionId, { runbooks });
      driven.push(session);
      return launched(session);
    },
    close: () => service.close(),
  };
}
