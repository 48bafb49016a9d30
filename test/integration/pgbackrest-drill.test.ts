/**
 * The weekly verify-postgres-restore drill, end to end through the session engine, against a
 * real pgBackRest stanza holding a QUIET database: after the last commit nothing writes, and the
 * target is a moment after that commit (staging's "a minute ago", shortened). Before this drill
 * archived a marker commit past the target, PostgreSQL could not stop there ("recovery ended
 * before configured recovery target was reached") and the drill could not pass. The BUNDLED
 * runbook is used, its staging environment pointed at the stanza; the Markdown export is checked
 * for the argv of each action, as the JSON export has it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { SessionService } from '../../src/services/session/session-service.js';
import type { DrivenSession } from '../../src/services/session/driven-session.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { chownToPostgres, freePort, runPgBinary } from '../support/pg-cluster.js';
import { createStanza, type TestStanza } from '../support/pgbackrest.js';
import { walkStep, type StepWalk } from './support/operator.js';
import { BUNDLED_RUNBOOKS } from './support/pitr-scenario.js';

const SCHEMA = `
CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE config_objects (tenant_id text NOT NULL REFERENCES tenants, kind text NOT NULL, name text NOT NULL,
  spec jsonb NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, kind, name));
CREATE TABLE volume_snapshots (snapshot_id text PRIMARY KEY, volume_id text NOT NULL, state text NOT NULL,
  created_at timestamptz NOT NULL, deleted_at timestamptz);
INSERT INTO schema_migrations VALUES (20240501, false);
INSERT INTO tenants VALUES ('acme', 'Acme');
INSERT INTO config_objects VALUES ('acme', 'deployment', 'api', '{"replicas": 3}', now());
INSERT INTO volume_snapshots VALUES ('snap-1', 'vol-1', 'completed', now(), NULL);
`;

let stanza: TestStanza;
let workDir: string;
let restoreDir: string;
let store: EventStore;
let session: DrivenSession | undefined;
let targetTime: string;
let lastCommitAt: Date;

beforeAll(async () => {
  stanza = await createStanza({ repos: 2, backups: ['full'], settings: { autovacuum: 'off' } });
  workDir = await mkdtemp(join(tmpdir(), 'runbook-drill-'));
  restoreDir = join(stanza.baseDir, 'scratch');
  // As provisioned for the weekly test: empty, owned by postgres.
  await mkdir(restoreDir, { mode: 0o700 });
  await chownToPostgres(restoreDir);
  const restorePort = await freePort();
  // pgBackRest compares whole seconds: the target must be a second past the backup's stop.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await stanza.cluster.query(SCHEMA, [], 'control');
  lastCommitAt = (await stanza.cluster.query('SELECT clock_timestamp() AS t'))[0].t;
  await new Promise((resolve) => setTimeout(resolve, 400));
  targetTime = new Date().toISOString();
  // From here on the database is quiet: nothing commits after the target.
  await new Promise((resolve) => setTimeout(resolve, 400));

  const document = parseDocument(readFileSync(BUNDLED_RUNBOOKS, 'utf8'));
  const staging = ['environments', 'staging'];
  document.setIn([...staging, 'postgres', 'live'], { url: stanza.cluster.urlFor('control'), dataDir: stanza.cluster.dataDir, description: 'the quiet test stanza' });
  document.setIn([...staging, 'postgres', 'restore'], { url: `postgres://postgres@127.0.0.1:${restorePort}/control`, dataDir: restoreDir, binDir: stanza.cluster.binDir, runAs: 'postgres', description: 'scratch' });
  document.setIn([...staging, 'backup'], { tool: 'pgbackrest', stanza: stanza.stanza, args: [...stanza.args] });
  writeFileSync(join(workDir, 'runbooks.yaml'), document.toString());
  store = openEventStore(join(workDir, 'sessions.db'));
}, 120_000);

afterAll(async () => {
  session?.release();
  store?.close();
  await runPgBinary(stanza.cluster.binDir, 'pg_ctl', ['-D', restoreDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  await stanza?.cleanup();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('verify-postgres-restore on a quiet staging database, with real pgBackRest', () => {
  it('the drill passes: marker commit archived, restore to the target named from pgBackRest, promoted, smoke tests green', async () => {
    const runbooks = loadRunbooksFile(join(workDir, 'runbooks.yaml'));
    const service = new SessionService({ store, operator: 'drill@test-host' });
    session = await service.start({ runbooks, runbookId: 'verify-postgres-restore', env: 'staging', drill: true, inputs: { target_time: targetTime } });
    const walked: StepWalk[] = [];
    for (const stepId of session.state.order) {
      if (stepId === 'backup-fresh') {
        // Another provider's check (backup.status); this drill is about the restore steps.
        session.skipStep(stepId, 'covered by the pgBackRest info tests');
        continue;
      }
      walked.push(
        await walkStep(session, stepId, {
          notes: { 'smoke-tests-passed': 'all green' },
        }),
      );
    }
    const kinds = walked.map((step) => `${step.kind} ${step.stepId}`);
    expect(kinds.slice(0, 5)).toEqual(['check restore-dir-empty', 'check backup-for-target', 'action archive-past-target', 'action restore-backup', 'wait replay-wal']);

    const outputs = (id: string) => session!.state.steps[id]!.outputs as Record<string, any>;
    expect(outputs('backup-for-target')).toMatchObject({ tool: 'pgbackrest', backupRepo: 'repo1', backupHasErrors: false });
    const marker = outputs('archive-past-target');
    expect(Date.parse(marker.markerCommittedAt)).toBeGreaterThan(Date.parse(targetTime));
    const restored = outputs('restore-backup');
    expect(restored).toMatchObject({ backupLabel: outputs('backup-for-target').backupLabel, backupRepo: 'repo1', backupHasErrors: false, targetTime });
    // Stopped at the marker, the first commit after the target; the last commit replayed is the quiet database's last.
    expect(Date.parse(restored.stoppedBeforeCommitAt)).toBeGreaterThanOrEqual(Date.parse(marker.markerCommittedAt));
    expect(Math.abs(Date.parse(restored.lastReplayedCommitAt) - lastCommitAt.getTime())).toBeLessThan(1_000);
    expect(outputs('replay-wal')).toEqual({ inRecovery: false });
    expect(Date.parse(outputs('recovery-point').recoveryPoint)).toBeLessThanOrEqual(Date.parse(targetTime));
    expect(outputs('tenants-query').value).toBe('1');
    // The clean-up stopped the scratch server and emptied its directory for next week's test.
    expect(kinds.at(-1)).toBe('action discard-scratch-cluster');
    expect(outputs('discard-scratch-cluster')).toMatchObject({ dataDir: restoreDir, stoppedPid: expect.any(Number) });
    expect(readdirSync(restoreDir)).toEqual([]);

    const done = session.complete();
    expect(done.status).toBe('completed');

    const record = loadAuditRecord(store, session.id);
    const md = renderExport(record, 'md');
    const json = JSON.parse(renderExport(record, 'json'));
    const previewed = json.events.find((event: any) => event.type === 'ActionPreviewed' && event.stepId === 'restore-backup');
    const restoreArgv = previewed.data.details.find((detail: any) => /"restore"/.test(detail.value) && /pgbackrest/.test(detail.value)).value as string;
    expect(restoreArgv).toContain(`"--stanza=main" "--config=${stanza.configPath}" "--log-level-console=info" "--type=time"`);
    // The Markdown export carries the same argv (JSON-quoted inside its previewed block).
    expect(md).toContain(JSON.stringify(restoreArgv).slice(1, -1));
    expect(md).toContain(`- **dry run:** passed: pgbackrest info: the target selects ${restored.backupLabel} (full) in repo1`);
    expect(md).toContain('SELECT txid_current()::text AS xid, clock_timestamp() AS at');
  });

  it('a restore whose server exits fails the action at once, and the wait after it fails at once too instead of polling for 4 h', async () => {
    // Last week's scratch cluster stopped; its directory emptied, as the clean-up step says.
    await rm(restoreDir, { recursive: true, force: true });
    await mkdir(restoreDir, { mode: 0o700 });
    await chownToPostgres(restoreDir);
    const runbooks = loadRunbooksFile(join(workDir, 'runbooks.yaml'));
    const service = new SessionService({ store, operator: 'drill@test-host' });
    // An hour ahead: no archive can hold a commit after it, so PostgreSQL shuts the copy down.
    const unreachable = new Date(Date.now() + 3_600_000).toISOString();
    session?.release();
    session = await service.start({ runbooks, runbookId: 'verify-postgres-restore', env: 'staging', drill: true, at: 'restore', inputs: { target_time: unreachable } });
    await walkStep(session, 'archive-past-target');

    session.openStep('restore-backup');
    await session.previewAction('restore-backup');
    session.confirmAction('restore-backup', 'yes');
    await session.runAction('restore-backup');
    const failed = session.state.steps['restore-backup']!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^the restored server stopped during recovery: FATAL: {2}recovery ended before configured recovery target was reached/);
    session.completeStep('restore-backup', { overrideReason: 'test: see whether the wait notices' });

    session.openStep('replay-wal');
    const started = Date.now();
    await session.runCheck('replay-wal');
    const elapsed = Date.now() - started;
    const wait = session.state.steps['replay-wal']!;
    expect(wait.status).toBe('failed');
    expect(wait.check?.detail).toContain('The server of "restore" has exited: FATAL:  recovery ended before configured recovery target was reached');
    // The step's timeout is 4 h and its interval 30 s: failing within seconds means it did not poll.
    expect(elapsed).toBeLessThan(5_000);
  });
});
