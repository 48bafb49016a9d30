/**
 * A session database with restore-test evidence for the HTML evidence tests: three real drills
 * of the weekly verify-db restore test a week apart (passed, failed before the restore, passed
 * slower and further from its target), and the daily checks run for real and stored.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDrillHistory, collectEvidence, type DrillEvidence, type EvidenceReport } from '../../../src/services/evidence.js';
import { runChecks } from '../../../src/services/run-checks.js';
import { storeCheckRun } from '../../../src/services/store-check-run.js';
import { openEventStore, type EventStore } from '../../../src/state/event-store.js';
import { drillRunbooks, drillService, manualClock, runToRestore } from '../../services/evidence-support.js';
import { tempDir } from '../../state/support.js';

export const REPORT_TIME = '2026-03-07T12:00:00.000Z';

export interface EvidenceStore {
  readonly dir: string;
  readonly store: EventStore;
  readonly drills: { readonly first: string; readonly failed: string; readonly slower: string };
  /** The report and history as `runbook evidence --format html` gathers them, at REPORT_TIME. */
  gather(): { report: EvidenceReport; history: Record<string, DrillEvidence[]> };
}

export async function evidenceStore(): Promise<EvidenceStore> {
  const dir = tempDir('runbook-evidence-html-');
  writeFileSync(join(dir, 'probe.txt'), 'backup');
  const dbPath = join(dir, 'state', 'sessions.db');
  const store = openEventStore(dbPath);
  const runbooks = drillRunbooks(dir);

  // RTO 5 min, recovery point 30 s before the target.
  const first = await drill(store, runbooks, '2026-02-15T12:00:00.000Z', '2026-03-01T09:59:30.000Z', 0);
  // The restore step skipped: failed, no RTO.
  const clock = manualClock('2026-02-22T12:00:00.000Z');
  const failedDrill = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
  failedDrill.skipStep('point', 'n/a');
  await failedDrill.runCheck('probe');
  failedDrill.completeStep('probe');
  failedDrill.skipStep('restore', 'no restore host');
  failedDrill.skipStep('smoke', 'nothing restored');
  failedDrill.complete();
  // RTO 9 min, recovery point 5 min before the target.
  const slower = await drill(store, runbooks, '2026-03-01T12:00:00.000Z', '2026-03-01T09:55:00.000Z', 4);

  const run = await runChecks({ file: runbooks.file, runbookId: 'daily', envName: 'checked', processEnv: { CHECK_TOKEN: 'Tok3n-very-secret-value' }, now: () => new Date('2026-03-07T06:00:00.000Z') });
  storeCheckRun(store, run, ['Tok3n-very-secret-value']);

  const options = { file: runbooks.file, store, now: new Date(REPORT_TIME) };
  return {
    dir,
    store,
    drills: { first, failed: failedDrill.id, slower },
    gather: () => {
      const report = collectEvidence(options);
      return { report, history: collectDrillHistory(options, report.runbooks.map((runbook) => runbook.runbook)) };
    },
  };
}

async function drill(store: EventStore, runbooks: ReturnType<typeof drillRunbooks>, start: string, point: string, extraMinutes: number): Promise<string> {
  const clock = manualClock(start);
  const session = await drillService(store, clock.now, 'erin@test-host').start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
  clock.advance(extraMinutes * 60_000);
  await runToRestore(session, clock, point);
  clock.advance(600_000);
  await session.runCheck('smoke');
  session.completeStep('smoke');
  session.complete();
  return session.id;
}
