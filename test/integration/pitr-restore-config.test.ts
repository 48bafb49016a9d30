/**
 * Issue 4 item 9: a real point-in-time restore, end to end through the product's steps.
 * A live cluster with WAL archiving and the control-plane schema; a pg_basebackup base backup;
 * more writes; T; an accidental `DELETE FROM config_objects WHERE tenant_id = 'acme'`. The
 * BUNDLED restore-config runbook (its sandbox environment pointed at these clusters) is then
 * driven through the session engine's command API, step by step as an operator would, and the
 * live cluster must end with every deleted row back and nothing else changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { type DrivenSession } from '../../src/services/session/driven-session.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { walkStep, type OperatorScript, type StepWalk } from './support/operator.js';
import { BUNDLED_RUNBOOKS, createPitrScenario, dumpDatabase, readJson, sortRows, stopServerIn, withLiveClient, type PitrScenario, type TextRow } from './support/pitr-scenario.js';

let scenario: PitrScenario;
let store: EventStore;
let session: DrivenSession | undefined;
const walked: StepWalk[] = [];

const script: OperatorScript = {
  notes: {
    'confirm-scope': "audit log: 2024-05-01 alice@ops ran DELETE FROM config_objects WHERE tenant_id = 'acme'; workloads still run",
    'review-rows': 'insert-missing: live has no acme rows, every extracted row comes back',
    'describe-outputs': 'control describe tenant acme: 6 objects, desired = observed, no errors',
    'stop-restore-cluster': 'stopped the restored cluster (pg_ctl stop -m fast)',
  },
  inputs: { 'merge-mode': 'insert-missing' },
  byHand: {
    'stop-restore-cluster': () => stopServerIn('/usr/lib/postgresql/15/bin', scenario.restoreDir),
  },
};

/** Walks the next steps in order, up to and including `stepId`. */
const walkUntil = async (stepId: string) => {
  const ids = session!.state.order;
  const next = ids.slice(walked.length, ids.indexOf(stepId) + 1);
  for (const id of next) walked.push(await walkStep(session!, id, script));
  return walked.slice(-next.length);
};

/** A restored-cluster query over TCP (the restore's own port), with the artifact's text settings. */
const onRestored = <T>(work: (client: pg.Client) => Promise<T>) => withLiveClient(scenario.live, work, scenario.restorePort);
const outputs = (stepId: string) => session!.state.steps[stepId]!.outputs as Record<string, any>;

beforeAll(async () => {
  scenario = await createPitrScenario();
  store = openEventStore(join(scenario.workDir, 'state', 'sessions.db'));
});

afterAll(async () => {
  session?.release();
  store?.close();
  await scenario?.destroy();
});

describe('restore-config, end to end on real clusters', () => {
  it('runs the bundled runbook: the copy differs from it only in the sandbox ports and directories', () => {
    const bundled = loadRunbooksFile(BUNDLED_RUNBOOKS).file;
    const copy = loadRunbooksFile(scenario.runbooksPath).file;
    expect(copy.runbooks).toEqual(bundled.runbooks);
    expect(copy.alerts).toEqual(bundled.alerts);
    const { sandbox, ...others } = copy.environments;
    const { sandbox: bundledSandbox, ...bundledOthers } = bundled.environments;
    expect(others).toEqual(bundledOthers);
    const expected = structuredClone(bundledSandbox!);
    Object.assign(expected.postgres.live!, { url: `postgres://postgres@127.0.0.1:${scenario.live.port}/control`, dataDir: scenario.live.dataDir });
    Object.assign(expected.postgres.restore!, { url: `postgres://postgres@127.0.0.1:${scenario.restorePort}/control`, dataDir: scenario.restoreDir });
    Object.assign(expected.backup!, { baseBackupDir: scenario.baseBackupDir, walArchiveDir: scenario.live.archiveDir });
    // The sandbox's settings file is found beside the runbooks file, wherever that is.
    expected.settingsFile = join(dirname(scenario.runbooksPath), '.runbook-sandbox', 'environment.json');
    expect(sandbox).toEqual(expected);
  });

  it('section 1: restores the base backup into a new cluster to T, promoted, integrity checked', async () => {
    const runbooks = loadRunbooksFile(scenario.runbooksPath);
    const service = new SessionService({ store, operator: 'oncall@test-host' });
    session = await service.start({ runbooks, runbookId: 'restore-config', env: 'sandbox', incident: 'INC-4109', inputs: { tenant_id: 'acme' } });
    // The recovery target comes from the audit log once the operator has it, as on the start screen.
    session.provideInput(null, scenario.targetTime, { name: 'target_time' });
    expect(session.state.inputs).toEqual({ tenant_id: 'acme', target_time: scenario.targetTime });

    const steps = await walkUntil('restore-invalid-indexes');
    expect(steps.map((s) => `${s.kind} ${s.stepId} ${s.outcome}`)).toEqual([
      'manual confirm-scope done',
      'check restore-dir-empty done',
      'action restore-to-before-deletion done',
      'wait replay-done done',
      'check recovery-point done',
      'check restore-connection done',
      'check restore-migration-version done',
      'check restore-invalid-indexes done',
    ]);

    const restore = steps.find((s) => s.stepId === 'restore-to-before-deletion')!;
    expect(restore.preview!.summary).toBe(
      `Restore pg_basebackup backup nightly into ${scenario.restoreDir} and start it on port ${scenario.restorePort}, recovering to ${scenario.targetTime}`,
    );
    expect(restore.confirmation).toBeNull();
    expect(outputs('restore-to-before-deletion')).toEqual({
      dataDir: scenario.restoreDir,
      port: scenario.restorePort,
      backupLabel: 'nightly',
      backupRepo: null,
      backupEndedAt: expect.any(String),
      backupHasErrors: false,
      targetTime: scenario.targetTime,
      url: `postgres://postgres@127.0.0.1:${scenario.restorePort}/control`,
      lastReplayedCommitAt: expect.any(String),
      // The DELETE is the first commit after T: recovery stopped before it.
      stoppedBeforeCommitAt: expect.any(String),
    });
    expect(readFileSync(join(scenario.restoreDir, 'postgresql.auto.conf'), 'utf8')).toContain(
      `recovery_target_time = '${scenario.targetTime.replace('T', ' ').replace('Z', '+00')}'`,
    );

    expect(outputs('replay-done')).toEqual({ inRecovery: false });
    // Reached T: at or before it, and after the last transaction committed before it.
    const point = new Date(outputs('recovery-point').recoveryPoint);
    expect(point.getTime()).toBeLessThanOrEqual(Date.parse(scenario.targetTime));
    expect(point.getTime()).toBeGreaterThanOrEqual(scenario.lastWriteStartedAt.getTime());
    expect(outputs('recovery-point').gapSeconds).toBeGreaterThanOrEqual(0);

    expect(outputs('restore-connection')).toMatchObject({ inRecovery: false, database: 'control', user: 'postgres' });
    expect(outputs('restore-connection').serverVersion).toMatch(/^15\./);
    // A different cluster from live would have its own system identifier; a restore keeps live's.
    const [{ id }] = await scenario.live.query('SELECT system_identifier::text AS id FROM pg_control_system()');
    expect(outputs('restore-connection').systemIdentifier).toBe(id);
    expect(outputs('restore-migration-version')).toEqual({ version: scenario.migrationVersion });
    expect(outputs('restore-invalid-indexes')).toMatchObject({ count: 0 });
  });

  it('section 2: the extract artifact holds exactly the deleted rows', async () => {
    const steps = await walkUntil('extract-config');
    expect(steps.map((s) => `${s.kind} ${s.stepId} ${s.outcome}`)).toEqual(['check rows-present done', 'action extract-config done']);
    expect(session!.state.steps['rows-present']!.check).toMatchObject({ ok: true, observed: { rowCount: 1, value: '6' } });
    expect(scenario.deletedRows.length).toBe(6);

    const extracted = outputs('extract-config');
    expect(extracted.rowCount).toBe(6);
    expect(extracted.columns).toEqual(['tenant_id', 'kind', 'name', 'spec', 'updated_at']);
    expect(extracted.jsonArtifact).toBe(join(scenario.workDir, 'state', 'artifacts', session!.id, 'config-objects.json'));
    const artifact = readJson(extracted.jsonArtifact);
    expect(artifact).toMatchObject({ format: 'runbook-rows/1', table: 'config_objects', key: ['tenant_id', 'kind', 'name'] });
    expect(sortRows(artifact.rows as TextRow[])).toEqual(scenario.deletedRows);
    // The rows written after the base backup came back through WAL replay, the update included.
    expect(scenario.deletedRows.map((row) => `${row.kind}/${row.name}`)).toEqual([
      'deployment/api', 'deployment/cron', 'deployment/worker', 'ingress/public', 'secret-ref/db-password', 'secret-ref/tls-cert',
    ]);
    expect(scenario.deletedRows[0]!.spec).toBe('{"image": "api:1.5.0", "replicas": 5}');
    expect(readFileSync(extracted.sqlArtifact, 'utf8')).toContain("VALUES ('acme', 'secret-ref', 'tls-cert', ");
    // The restored copy stopped before the deletion, and before what live had after it.
    const restoredCount = await onRestored(async (client) => (await client.query("SELECT count(*)::int AS n FROM config_objects WHERE tenant_id = 'acme'")).rows[0].n);
    expect(restoredCount).toBe(6);
  });

  it('section 3: the re-apply preview lists exactly the deleted rows; after it live has every row back and nothing else changed', async () => {
    const steps = await walkUntil('reapply');
    expect(steps.map((s) => `${s.kind} ${s.stepId} ${s.outcome}`)).toEqual(['manual review-rows done', 'input merge-mode done', 'action reapply done']);
    const reapply = steps.at(-1)!;
    expect(reapply.preview!.summary).toBe('Write 6 rows into config_objects on "live" in one transaction');
    expect(reapply.preview!.confirmValue).toBe('6');
    expect(reapply.confirmation).toBe('6');
    expect(reapply.typed).toBe('6');
    const detail = (label: string) => reapply.preview!.details.find((d) => d.label === label)?.value;
    const [count, keys] = detail('missing rows')!.split(': ');
    expect(count).toBe('6');
    expect(keys!.split('; ').sort()).toEqual(scenario.deletedRows.map((row) => `tenant_id=${row.tenant_id} kind=${row.kind} name=${row.name}`).sort());
    expect(detail('different rows')).toBe('0');
    expect(detail('unchanged rows')).toBe('0');
    expect(outputs('reapply')).toEqual({ inserted: 6, updated: 0, unchanged: 0 });

    await withLiveClient(scenario.live, async (client) => {
      const back = await client.query<TextRow>("SELECT tenant_id, kind, name, spec::text AS spec, updated_at::text AS updated_at FROM config_objects WHERE tenant_id = 'acme'");
      expect(sortRows(back.rows)).toEqual(scenario.deletedRows);
      // Every table and sequence exactly as just before the DELETE. Nothing is excluded: this
      // runbook writes to live only through reapplyRows (no freeze, no marker rows).
      expect(await dumpDatabase(client)).toEqual(scenario.dumpBeforeDelete);
    });
    expect(Object.keys(scenario.dumpBeforeDelete)).toEqual([
      'config_objects', 'reconcile_queue', 'schema_migrations', 'tenants', 'volume_snapshots', 'sequence reconcile_queue_id_seq',
    ]);
  });

  it('section 4: validates on live, stops the copy, completes, and the log verifies', async () => {
    const steps = await walkUntil('stop-restore-cluster');
    expect(steps.map((s) => `${s.kind} ${s.stepId} ${s.outcome}`)).toEqual([
      'check rows-back-on-live done',
      'wait reconcile-caught-up done',
      'manual describe-outputs done',
      'manual stop-restore-cluster done',
    ]);
    expect(session!.state.steps['rows-back-on-live']!.check).toMatchObject({ ok: true, observed: { rowCount: 1, value: '6' } });
    expect(existsSync(join(scenario.restoreDir, 'postmaster.pid'))).toBe(false);
    expect(walked.map((s) => s.stepId)).toEqual(session!.state.order);

    const done = session!.complete();
    expect(done.status).toBe('completed');
    const result = verifyStoredSession(store, session!.id);
    expect(result).toMatchObject({ ok: true, events: store.read(session!.id).length });
    const types = store.read(session!.id).map((event) => event.type);
    expect(types[0]).toBe('SessionStarted');
    expect(types.at(-1)).toBe('SessionCompleted');
    expect(types.filter((type) => type === 'ActionSucceeded')).toHaveLength(3);
    expect(types).not.toContain('StepSkipped');
  });
});
