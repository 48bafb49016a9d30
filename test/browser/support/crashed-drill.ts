/**
 * A real drill session with a crash in it, for the export tests: a child process drives it and
 * is SIGKILLed while its restore action is in flight; this process takes the dead driver's lock
 * over, reconciles the action by its idempotency key, finishes the restore, is interrupted, and
 * another operator resumes and completes it. Clocks are set by hand so the timeline has minutes.
 */
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { SessionService } from '../../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../../src/state/event-store.js';
import { exited, spawnChild, waitForLine } from '../../state/child-process.js';
import { definitions, providers, runbooksFile, tempDir } from '../../state/support.js';

const root = resolve(import.meta.dirname, '../../..');
export const DRILL_START = '2026-03-01T10:00:00.000Z';

export interface CrashedDrill {
  readonly dir: string;
  readonly dbPath: string;
  readonly store: EventStore;
  readonly sessionId: string;
}

/** Builds the child, runs it to its hang, kills it, and finishes the drill here. */
export async function crashedDrill(): Promise<CrashedDrill> {
  const dir = tempDir('runbook-crashed-drill-');
  const dbPath = join(dir, 'sessions.db');
  const bundle = join(dir, 'crashed-drill-child.cjs');
  await build({
    entryPoints: [join(root, 'test/browser/fixtures/crashed-drill-child.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
  const child = spawnChild(bundle, [dbPath, dir, DRILL_START]);
  const sessionLine = await waitForLine(child, /^session /);
  await waitForLine(child, /^in-flight$/);
  child.kill('SIGKILL');
  await exited(child);
  const sessionId = sessionLine.slice('session '.length);

  const store = openEventStore(dbPath);
  let time = Date.parse(DRILL_START) + 20 * 60_000;
  const now = () => new Date(time);
  const advance = (minutes: number) => void (time += minutes * 60_000);
  const service = (operator: string) =>
    new SessionService({ store, definitions, providers: async (name) => providers[name]!, operator, processEnv: { PGPASS: 'p' }, productVersion: '0.0.0-test', now });
  const runbooks = runbooksFile(dir, { hang: true });

  // 10:20 dana finds the dead driver: takeover, resume after a crash, reconcile by key.
  const resumed = await service('dana@ops-2').open(sessionId, { runbooks });
  advance(1);
  const outcomes = await resumed.reconcileInFlight();
  if (outcomes[0]?.outcome !== 'found') throw new Error(`expected the restore to be found, got ${JSON.stringify(outcomes)}`);
  advance(3);
  resumed.completeStep('write');
  resumed.addNote('restore confirmed by its marker after the crash', 'write');
  advance(1);
  resumed.interrupt('handing over to the next shift');

  // 10:40 erin resumes after the interruption and completes the drill.
  advance(15);
  const last = await service('erin@ops-3').open(sessionId, { runbooks });
  advance(1);
  last.addNote('drill reviewed, closing');
  last.complete();
  return { dir, dbPath, store, sessionId };
}
