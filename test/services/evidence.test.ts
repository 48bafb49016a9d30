/**
 * `runbook evidence` over a real SQLite file: drills run through the session service (real
 * local-file providers), check results from real shell checks stored by `storeCheckRun`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../src/services/evidence.js';
import { formatEvidenceJson, formatEvidenceTable } from '../../src/services/evidence-report.js';
import { runChecks } from '../../src/services/run-checks.js';
import { storeCheckRun } from '../../src/services/store-check-run.js';
import { readCheckResults } from '../../src/state/check-results.js';
import { openEventStore, type SqliteEventStore as EventStore } from '../../src/state/event-store.js';
import type { RunbooksSource as LoadedRunbooks } from '../../src/services/session/session-service.js';
import { tempDir } from '../state/support.js';
import { drillRunbooks, drillService, manualClock, runToRestore } from './evidence-support.js';

const SECRET = 'Tok3n-very-secret-value';

let dir: string;
let dbPath: string;
let store: EventStore;
let runbooks: LoadedRunbooks;
let passedId: string;
let failedId: string;
let runId: string;

beforeAll(async () => {
  dir = tempDir('runbook-evidence-');
  writeFileSync(join(dir, 'probe.txt'), 'backup');
  dbPath = join(dir, 'state', 'sessions.db');
  store = openEventStore(dbPath);
  runbooks = drillRunbooks(dir);

  // A passing drill (RTO 5 min, 30 s short of its target) finishing 2026-03-01 12:15 ...
  const clock = manualClock('2026-03-01T12:00:00.000Z');
  const passed = await drillService(store, clock.now, 'erin@test-host').start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
  await runToRestore(passed, clock, '2026-03-01T09:59:30.000Z');
  clock.advance(600_000);
  await passed.runCheck('smoke');
  passed.completeStep('smoke');
  passed.complete();
  passedId = passed.id;
  // ... then a later drill that failed (its restore step skipped).
  const later = manualClock('2026-03-03T08:00:00.000Z');
  const failed = await drillService(store, later.now).start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
  failed.skipStep('point', 'n/a');
  await failed.runCheck('probe');
  failed.completeStep('probe');
  failed.skipStep('restore', 'no restore host');
  failed.skipStep('smoke', 'nothing restored');
  failed.complete();
  failedId = failed.id;

  // The daily checks, run for real on 2026-03-07 06:00 and stored as evidence.
  const processEnv = { CHECK_TOKEN: SECRET };
  const run = await runChecks({ file: runbooks.file, runbookId: 'daily', envName: 'checked', processEnv, now: () => new Date('2026-03-07T06:00:00.000Z') });
  expect(run.outcomes.map((outcome) => `${outcome.step}:${outcome.status}`)).toEqual([
    'backup-succeeded:passed', 'backup-fresh:passed', 'snapshot-fresh:failed', 'leaky:failed',
  ]);
  runId = storeCheckRun(store, run, [SECRET]);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('check results as evidence', () => {
  it('stores one row per check with its signal, alert and reported success time', () => {
    const rows = readCheckResults(store.db, { runId });
    expect(runId).toMatch(/^check-20260307-060000-[a-z2-7]{6}$/);
    expect(rows.map((row) => [row.step, row.status, row.asset, row.signalKind, row.reportedAt, row.reportedFrom, row.alert])).toEqual(
      expect.arrayContaining([
        ['backup-succeeded', 'passed', 'db-backups', 'success', '2026-03-07T01:00:00.000Z', 'json.lastBackupAt', null],
        ['backup-fresh', 'passed', 'db-backups', 'freshness', '2026-03-07T01:00:00.000Z', 'json.lastBackupAt', null],
        ['snapshot-fresh', 'failed', 'snapshots', 'freshness', '2026-03-05T00:00:00.000Z', 'json.lastBackupAt', 'snapshot-stale'],
        ['leaky', 'failed', null, null, null, null, null],
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.env === 'checked' && row.runbook === 'daily' && row.finishedAt === '2026-03-07T06:00:00.000Z')).toBe(true);
  });

  it('redacts the secrets a check printed before storing them', () => {
    const leaky = readCheckResults(store.db, { runId }).find((row) => row.step === 'leaky')!;
    expect(JSON.stringify(leaky)).not.toContain(SECRET);
    expect(JSON.stringify(leaky)).toContain('token is [redacted]');
    store.db.pragma('wal_checkpoint(PASSIVE)');
    for (const path of [dbPath, `${dbPath}-wal`]) {
      let bytes = '';
      try {
        bytes = readFileSync(path).toString('latin1');
      } catch {
        continue;
      }
      expect(bytes.includes(SECRET), `secret found in ${path}`).toBe(false);
    }
  });
});

describe('evidence', () => {
  it('per runbook: the last passing drill with RTO and recovery point, the last drill, and when the next is due', () => {
    const report = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-07T12:00:00.000Z') });
    expect(report.runbooks).toHaveLength(1);
    const verify = report.runbooks[0]!;
    expect(verify).toMatchObject({ runbook: 'verify-db', cadence: 'weekly', nextDueAt: '2026-03-08T12:15:00.000Z', overdue: false });
    expect(verify.lastPassed).toEqual({
      session: passedId,
      env: 'staging',
      operator: 'erin@test-host',
      startedAt: '2026-03-01T12:00:00.000Z',
      finishedAt: '2026-03-01T12:15:00.000Z',
      outcome: 'passed',
      reasons: [],
      rtoMs: 300_000,
      recoveryPoint: '2026-03-01T09:59:30.000Z',
      recoveryTarget: '2026-03-01T10:00:00.000Z',
      recoveryGapMs: 30_000,
    });
    expect(verify.lastDrill).toMatchObject({ session: failedId, outcome: 'failed', reasons: ['restore step "restore" was skipped: no restore host'] });
  });

  it('per asset: last success, freshness against the frequency, and the last restore test', () => {
    const report = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-07T12:00:00.000Z') });
    const [backups, snapshots, never] = report.assets;
    expect(backups).toEqual({
      asset: 'db-backups',
      name: 'Database base backups',
      frequency: '1d',
      retention: '30d',
      lastSuccess: { at: '2026-03-07T01:00:00.000Z', checkedAt: '2026-03-07T06:00:00.000Z', status: 'passed', env: 'checked', runbook: 'daily', step: 'backup-succeeded' },
      lastSuccessCheck: { at: '2026-03-07T01:00:00.000Z', checkedAt: '2026-03-07T06:00:00.000Z', status: 'passed', env: 'checked', runbook: 'daily', step: 'backup-succeeded' },
      freshness: {
        at: '2026-03-07T01:00:00.000Z', checkedAt: '2026-03-07T06:00:00.000Z', status: 'passed', env: 'checked', runbook: 'daily', step: 'backup-fresh',
        ageMs: 11 * 3_600_000, maxAgeMs: 86_400_000, stale: false,
      },
      lastFreshnessCheck: { at: '2026-03-07T01:00:00.000Z', checkedAt: '2026-03-07T06:00:00.000Z', status: 'passed', env: 'checked', runbook: 'daily', step: 'backup-fresh' },
      restoreTest: { runbook: 'verify-db', lastPassed: expect.objectContaining({ session: passedId }), nextDueAt: '2026-03-08T12:15:00.000Z', overdue: false },
    });
    // A failed freshness check still reports the newest backup it saw: 2.5 days old, over its 1d bound.
    expect(snapshots).toMatchObject({ lastSuccess: null, freshness: { at: '2026-03-05T00:00:00.000Z', status: 'failed', ageMs: 60 * 3_600_000, stale: true }, restoreTest: null });
    expect(never).toMatchObject({ asset: 'never-checked', lastSuccess: null, freshness: null, restoreTest: null });
    expect(report.overdue).toBe(true);
  });

  it('is overdue when the cadence has passed since the last passing drill, or when none ever passed', () => {
    const justBefore = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-08T12:15:00.000Z') });
    expect(justBefore.runbooks[0]!.overdue).toBe(false);
    const after = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-08T12:15:00.001Z') });
    expect(after.runbooks[0]!.overdue).toBe(true);
    expect(after.assets[0]!.restoreTest!.overdue).toBe(true);
    // In the "broken" environment no drill ever ran: overdue, nothing due date.
    const broken = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-07T12:00:00.000Z'), env: 'broken' });
    expect(broken.runbooks[0]).toMatchObject({ lastPassed: null, lastDrill: null, nextDueAt: null, overdue: true });
    expect(broken.assets[0]!.lastSuccess).toBeNull();
    // Without any database at all.
    const empty = collectEvidence({ file: runbooks.file, store: undefined, now: new Date('2026-03-07T12:00:00.000Z') });
    expect(empty.runbooks[0]!.overdue).toBe(true);
    expect(empty.assets.every((asset) => asset.lastSuccess === null && asset.freshness === null)).toBe(true);
  });

  it('lists a drilled runbook without a cadence (never due, never overdue), and no undrilled one', () => {
    // The same drills, with verify-db as a plain runbook (like restore-postgres practised in the sandbox).
    const file = { ...runbooks.file, runbooks: runbooks.file.runbooks.map((book) => (book.id === 'verify-db' ? { ...book, cadence: undefined } : book)) };
    const report = collectEvidence({ file, store, now: new Date('2026-03-07T12:00:00.000Z') });
    expect(report.runbooks.map((book) => book.runbook)).toEqual(['verify-db']);
    expect(report.runbooks[0]).toMatchObject({ cadence: null, nextDueAt: null, overdue: false, lastPassed: { session: passedId, rtoMs: 300_000 } });
    expect(formatEvidenceTable(report)).toMatch(/verify-db\s+-\s+2026-03-01 12:15Z\s+staging\s+5 min 00 s\s+2026-03-01 09:59Z \(30\.0 s before the target\)\s+-\s+passed \(no cadence\)/);
    // Only drills of the environment asked for count: none in "broken", so it is not listed there.
    expect(collectEvidence({ file, store, now: new Date('2026-03-07T12:00:00.000Z'), env: 'broken' }).runbooks).toEqual([]);
  });

  it('renders a table for people and JSON for scripts', () => {
    const report = collectEvidence({ file: runbooks.file, store, now: new Date('2026-03-07T12:00:00.000Z') });
    const table = formatEvidenceTable(report);
    expect(table).toMatch(/verify-db\s+weekly\s+2026-03-01 12:15Z\s+staging\s+5 min 00 s\s+2026-03-01 09:59Z \(30\.0 s before the target\)\s+2026-03-08 12:15Z\s+ok/);
    expect(table).toContain(`verify-db: last drill FAILED (session ${failedId}, staging, started 2026-03-03 08:00Z): restore step "restore" was skipped: no restore host`);
    expect(table).toMatch(/db-backups\s+2026-03-07 01:00Z \(checked\)\s+11 h 00 min old \(max 1d\)\s+2026-03-01 12:15Z verify-db/);
    expect(table).toMatch(/snapshots\s+never checked\s+STALE 60 h 00 min old \(max 1d\)\s+no restore test/);
    expect(table).toContain('OVERDUE: see the rows marked above (exit 1).');
    const json = JSON.parse(formatEvidenceJson(report));
    expect(json.format).toBe('runbook-evidence/1');
    expect(Object.keys(json).sort()).toEqual(['assets', 'env', 'format', 'generatedAt', 'overdue', 'runbooks']);
    expect(json.runbooks[0].lastPassed.rtoMs).toBe(300_000);
  });
});
