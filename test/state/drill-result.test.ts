/**
 * The drill result (pass/fail, RTO, recovery point and gap) over real sessions: a real SQLite file,
 * the session service, and the real local-file providers of ./support.ts. Time is an injected clock.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillResult } from '../../src/state/drill-result.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import type { RunbooksSource as LoadedRunbooks } from '../../src/services/session/session-service.js';
import { drillRunbooks, drillService, manualClock, runToRestore } from '../services/evidence-support.js';
import { tempDir } from './support.js';

let dir: string;
let store: EventStore;
let runbooks: LoadedRunbooks;

beforeAll(() => {
  dir = tempDir('runbook-drill-');
  writeFileSync(join(dir, 'probe.txt'), 'backup');
  store = openEventStore(join(dir, 'sessions.db'));
  runbooks = drillRunbooks(dir);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('drill result', () => {
  it('a completed drill passes; RTO runs from the start to the restore step, not to the end', async () => {
    const clock = manualClock('2026-03-01T12:00:00.000Z');
    const session = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
    await runToRestore(session, clock, '2026-03-01T09:59:30.000Z');
    clock.advance(600_000);
    await session.runCheck('smoke');
    session.completeStep('smoke');
    const state = session.complete();

    expect(drillResult(state)).toEqual({
      outcome: 'passed',
      passed: true,
      reasons: [],
      failedSteps: [],
      overridden: [],
      restoreEndedAt: '2026-03-01T12:05:00.000Z',
      rtoMs: 300_000,
      recoveryPoint: '2026-03-01T09:59:30.000Z',
      recoveryTarget: '2026-03-01T10:00:00.000Z',
      recoveryGapMs: 30_000,
    });
    expect(state.endedAt).toBe('2026-03-01T12:15:00.000Z');

    const md = renderExport(loadAuditRecord(store, session.id), 'md');
    expect(md).toContain('- **Result:** passed\n');
    expect(md).toContain('- **RTO (start to restore end):** 5 min 00 s\n');
    expect(md).toContain('- **Restore ended:** 2026-03-01T12:05:00.000Z\n');
    expect(md).toContain('- **Recovery point reached:** 2026-03-01T09:59:30.000Z\n');
    expect(md).toContain('- **Recovery gap:** 30.0 s before the target\n');
    const json = JSON.parse(renderExport(loadAuditRecord(store, session.id), 'json'));
    expect(json.summary.drill).toMatchObject({ outcome: 'passed', passed: true, rtoMs: 300_000, recoveryGapMs: 30_000 });
    const html = renderExport(loadAuditRecord(store, session.id), 'html');
    expect(html).toContain('<dt>Result</dt><dd>passed</dd>');
    expect(html).toContain('<dt>RTO (start to restore end)</dt><dd>5 min 00 s</dd>');
  });

  it('a failed check that is overridden is listed, and does not fail the drill', async () => {
    const clock = manualClock('2026-03-02T12:00:00.000Z');
    const session = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'broken', drill: true });
    await runToRestore(session, clock, 'not a time');
    session.skipStep('smoke', 'the smoke host is down');
    const result = drillResult(session.complete())!;
    expect(result).toMatchObject({
      outcome: 'passed',
      overridden: [{ step: 'probe', reason: 'the backup listing is known to lag' }],
      rtoMs: 300_000,
      recoveryPoint: 'not a time',
      recoveryGapMs: null,
    });
    // The verdict recorded in the log is the one the exports compute.
    const completed = store.read(session.id).at(-1)!;
    expect(completed.type).toBe('SessionCompleted');
    expect(completed.data).toMatchObject({ drill: { passed: true, failedSteps: [], rtoMs: 300_000 } });
    const md = renderExport(loadAuditRecord(store, session.id), 'md');
    expect(md).toContain('- **Overridden:** probe (the backup listing is known to lag)');
  });

  it('a failed check that was skipped fails the drill, and says which', async () => {
    const clock = manualClock('2026-03-03T12:00:00.000Z');
    const session = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'broken', drill: true });
    await runToRestore(session, clock, '2026-03-01T10:00:00.000Z');
    await session.runCheck('smoke');
    expect(session.state.steps.smoke!.status).toBe('failed');
    session.skipStep('smoke', 'no time left');
    const result = drillResult(session.complete())!;
    expect(result.outcome).toBe('failed');
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual(['check "smoke" failed and was skipped without an override']);
    expect(result.failedSteps).toEqual(['smoke']);
    expect(store.read(session.id).at(-1)!.data).toMatchObject({ drill: { passed: false, failedSteps: ['smoke'] } });
    expect(result.recoveryGapMs).toBe(0);
    const md = renderExport(loadAuditRecord(store, session.id), 'md');
    expect(md).toContain('- **Result:** FAILED: check "smoke" failed and was skipped without an override');
    expect(md).toContain('- **Recovery gap:** none (the recovery point is the target)');
  });

  it('a skipped restore step fails the drill and leaves no RTO', async () => {
    const clock = manualClock('2026-03-04T12:00:00.000Z');
    const session = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
    session.skipStep('point', 'n/a');
    await session.runCheck('probe');
    session.completeStep('probe');
    session.skipStep('restore', 'the restore host is gone');
    session.skipStep('smoke', 'nothing to test');
    const result = drillResult(session.complete())!;
    expect(result).toMatchObject({
      outcome: 'failed',
      reasons: ['restore step "restore" was skipped: the restore host is gone'],
      rtoMs: null,
      restoreEndedAt: null,
      recoveryPoint: null,
    });
    expect(renderExport(loadAuditRecord(store, session.id), 'md')).toContain('- **RTO (start to restore end):** not reached');
  });

  it('an aborted drill failed; an open one is unfinished but already has its RTO', async () => {
    const clock = manualClock('2026-03-05T12:00:00.000Z');
    const service = drillService(store, clock.now);
    const aborted = await service.start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
    const abortedResult = drillResult(aborted.abort('wrong cluster'))!;
    expect(abortedResult.outcome).toBe('failed');
    expect(abortedResult.reasons[0]).toBe('the drill was aborted: wrong cluster');

    const open = await service.start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
    await runToRestore(open, clock, '2026-03-05T09:00:00.000Z');
    const state = open.interrupt();
    // The point is after the default target: a negative gap (the restore went past the target).
    expect(drillResult(state)).toMatchObject({ outcome: 'unfinished', passed: null, reasons: [], rtoMs: 300_000, recoveryGapMs: -342_000_000 });
    const md = renderExport(loadAuditRecord(store, open.id), 'md');
    expect(md).toContain('- **Result:** not finished');
    expect(md).toContain('- **Recovery gap:** 95 h 00 min after the target');
  });

  it('a session that is not a drill has no drill result; drills are refused on protected environments', async () => {
    const clock = manualClock('2026-03-06T12:00:00.000Z');
    const service = drillService(store, clock.now);
    const plain = await service.start({ runbooks, runbookId: 'verify-db', env: 'staging' });
    expect(drillResult(plain.state)).toBeNull();
    expect(loadAuditRecord(store, plain.id).drill).toBeNull();
    plain.interrupt();
    await expect(service.start({ runbooks, runbookId: 'verify-db', env: 'production', drill: true, incident: 'INC-9' })).rejects.toThrow(
      'drills are refused on protected environment "production"',
    );
  });
});
