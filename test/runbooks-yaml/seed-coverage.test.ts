/**
 * The bundled runbooks.yaml encodes the whole seed: every procedure and step,
 * the checklists, the schedule table as checks, the safety rules, the alerts and the assets.
 * Lint cleanliness is tested in test/runbooks/bundled.test.ts; this file checks the content.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { RunbooksFile, type Runbook, type Section, type Step } from '../../src/runbooks/schema.js';
import { parseDurationSeconds } from '../../src/steps/params.js';

const read = (relative: string) => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
const parsed = RunbooksFile.safeParse(parse(read('../../runbooks.yaml')));
const file = parsed.success ? parsed.data : undefined;

function runbook(id: string): Runbook {
  const found = file?.runbooks.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`runbook "${id}" is missing`);
  return found;
}
const stepsOf = (book: Runbook): Step[] => book.sections.flatMap((section) => section.steps);
const section = (book: Runbook, id: string): Section => {
  const found = book.sections.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`section "${id}" of "${book.id}" is missing`);
  return found;
};
const step = (book: Runbook, id: string): Step => {
  const found = stepsOf(book).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`step "${id}" of "${book.id}" is missing`);
  return found;
};
const seconds = (value: unknown) => parseDurationSeconds(String(value));
const allSteps = () => file!.runbooks.flatMap((book) => stepsOf(book).map((s) => ({ book, step: s })));

test('the file validates against the schema', () => {
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
});

describe('environments', () => {
  test('sandbox, staging and production, production protected with a confirmation name', () => {
    expect(Object.keys(file!.environments).sort()).toEqual(['production', 'sandbox', 'staging']);
    const { production, staging, sandbox } = file!.environments;
    expect(production!.protected).toBe(true);
    expect(production!.confirm).toBe('production');
    expect(staging!.protected).toBe(false);
    expect(sandbox!.protected).toBe(false);
  });

  test('the sandbox uses the fixed local values', () => {
    const sandbox = file!.environments.sandbox!;
    expect(sandbox.postgres.live).toMatchObject({ url: 'postgres://postgres@127.0.0.1:55432/control', dataDir: '.runbook-sandbox/pg-live', binDir: '/usr/lib/postgresql/15/bin', runAs: 'postgres' });
    expect(sandbox.postgres.restore).toMatchObject({ url: 'postgres://postgres@127.0.0.1:55433/control', dataDir: '.runbook-sandbox/pg-restore', runAs: 'postgres' });
    expect(sandbox.backup).toEqual({ tool: 'pg_basebackup', baseBackupDir: '.runbook-sandbox/base-backups', walArchiveDir: '.runbook-sandbox/wal-archive' });
    expect(sandbox.aws).toEqual({
      region: 'us-east-1',
      emulated: true,
      forcePathStyle: true,
      endpoints: { ec2: 'http://127.0.0.1:55480', s3: 'http://127.0.0.1:55490' },
    });
  });

  test('each environment picks its own backup tool, so one runbook serves all three', () => {
    expect(Object.values(file!.environments).map((environment) => environment.backup?.tool)).toEqual(['pg_basebackup', 'pgbackrest', 'walg']);
  });

  test('every environment defines the same vars and the same Postgres connections', () => {
    const environments = Object.values(file!.environments);
    const varKeys = environments.map((environment) => Object.keys(environment.vars).sort());
    const connections = environments.map((environment) => Object.keys(environment.postgres).sort());
    for (const keys of varKeys) expect(keys).toEqual(varKeys[0]);
    for (const names of connections) expect(names).toEqual(['live', 'restore']);
    for (const environment of environments) expect(environment.postgres.restore!.dataDir).toBeTruthy();
  });

  test('passwords outside the sandbox are ${ENV_VAR} references', () => {
    for (const name of ['staging', 'production']) {
      for (const connection of Object.values(file!.environments[name]!.postgres)) {
        expect(connection.url).toMatch(/^postgres:\/\/runbook:\$\{[A-Z_]+\}@/);
      }
    }
  });
});

describe('restore procedures', () => {
  test('restore-postgres has the seed\'s eight steps as sections, in order', () => {
    const book = runbook('restore-postgres');
    expect(book.sections.map((s) => s.id)).toEqual([
      'freeze-writes',
      'provision-cluster',
      'restore-base-backup',
      'apply-wal',
      'integrity-checks',
      'switch-over',
      'resume-writes',
      'monitor',
    ]);
    expect(book.sections.map((s) => s.title.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.', '8.']);
  });

  test('restore-postgres automates the checks and actions the seed names', () => {
    const book = runbook('restore-postgres');
    expect(step(book, 'disable-deploys')).toMatchObject({ kind: 'manual', note: 'required', skippable: false });
    expect(step(book, 'freeze-database')).toMatchObject({ kind: 'action', uses: 'postgres.freezeWrites', with: { database: 'live' }, skippable: false });
    // WAL up to the freeze must be archived, or a restore to a recovery point just before it cannot finish.
    expect(step(book, 'archive-wal')).toMatchObject({ kind: 'action', uses: 'postgres.switchWal', with: { database: 'live' } });
    const order = book.sections.flatMap((s) => s.steps.map((st) => st.id));
    expect(order.indexOf('archive-wal')).toBeGreaterThan(order.indexOf('freeze-database'));
    expect(order.indexOf('archive-wal')).toBeLessThan(order.indexOf('restore-backup'));
    expect(step(book, 'restore-backup')).toMatchObject({ uses: 'postgres.restoreBackup', with: { into: 'restore', targetTime: '${{ inputs.target_time }}' } });
    expect(step(book, 'replay-wal')).toMatchObject({ kind: 'wait', uses: 'postgres.inRecovery', with: { database: 'restore', expect: false } });
    expect(step(book, 'recovery-point')).toMatchObject({ uses: 'postgres.recoveryPoint', with: { target: '${{ inputs.target_time }}' } });
    const integrity = section(book, 'integrity-checks').steps.map((s) => s.uses);
    expect(integrity).toEqual(['postgres.connection', 'postgres.migrationVersion', 'postgres.query', 'postgres.query', 'postgres.invalidIndexes']);
    expect(section(book, 'switch-over').steps.filter((s) => s.uses === 'shell.run').map((s) => (s.with!.argv as string[])[0])).toEqual(['kubectl', 'kubectl', 'kubectl', 'kubectl']);
    // The freeze travels with the data when the recovery point is after it: clear it where writes now go.
    expect(step(book, 'unfreeze-new-primary')).toMatchObject({ uses: 'postgres.unfreezeWrites', with: { database: 'restore' } });
    expect(step(book, 'old-primary-still-frozen')).toMatchObject({ uses: 'postgres.readOnly', with: { database: 'live', expect: true } });
    const monitor = section(book, 'monitor').steps.map((s) => s.uses ?? s.kind);
    expect(monitor).toEqual(['http.request', 'manual', 'postgres.query', 'postgres.replicationLag', 'manual']);
  });

  test('restore-volume has the seed\'s seven steps and never overwrites in place', () => {
    const book = runbook('restore-volume');
    expect(book.sections.map((s) => s.id)).toEqual([
      'identify-snapshot',
      'stop-writes',
      'create-volume',
      'attach-recovery',
      'validate-data',
      'swap-volumes',
      'forensic-window',
    ]);
    expect(step(book, 'choose-snapshot')).toMatchObject({
      kind: 'input',
      input: { type: 'choice', from: { uses: 'ec2.snapshots', with: { volumeId: '${{ inputs.volume_id }}' } } },
    });
    expect(step(book, 'check-snapshot')).toMatchObject({ uses: 'ec2.snapshot', with: { snapshotId: '${{ steps.choose-snapshot.outputs.value }}', maxAge: '14d' } });
    expect(step(book, 'create-volume')).toMatchObject({ uses: 'ec2.createVolumeFromSnapshot', with: { instanceId: '${{ env.vars.recovery_instance_id }}' } });
    expect(step(book, 'attached-to-recovery')).toMatchObject({ kind: 'wait', uses: 'ec2.describeVolume', with: { expect: { attachmentState: 'attached' } } });
    expect((step(book, 'fsck').with!.argv as string[]).slice(2, 6)).toEqual(['sudo', 'fsck', '-n', '-f']);
    expect(section(book, 'swap-volumes').steps.filter((s) => s.kind === 'action').map((s) => s.uses)).toEqual([
      'ec2.detachVolume',
      'ec2.detachVolume',
      'ec2.attachVolume',
      'shell.run',
    ]);
    expect(step(book, 'retain-old-volume')).toMatchObject({ uses: 'ec2.tagVolume', with: { volumeId: '${{ inputs.volume_id }}', retainDays: 14 } });
    expect(stepsOf(book).some((s) => s.uses === 'ec2.createVolumeFromSnapshot' && s.with!.snapshotId === undefined)).toBe(false);
  });

  test('restore-config restores into a separate cluster and merges rows back into live', () => {
    const book = runbook('restore-config');
    expect(book.sections.map((s) => s.id)).toEqual(['restore-before-deletion', 'extract-config', 'reapply-config', 'validate']);
    expect(step(book, 'restore-to-before-deletion')).toMatchObject({ uses: 'postgres.restoreBackup', with: { into: 'restore', targetTime: '${{ inputs.target_time }}' } });
    expect(step(book, 'extract-config')).toMatchObject({ uses: 'postgres.extractRows', with: { database: 'restore', params: ['${{ inputs.tenant_id }}'] } });
    expect(step(book, 'reapply')).toMatchObject({
      uses: 'postgres.reapplyRows',
      with: { database: 'live', rows: '${{ steps.extract-config.outputs.jsonArtifact }}' },
    });
    expect(step(book, 'describe-outputs')).toMatchObject({ kind: 'manual', note: 'required' });
  });

  test('each restore and restore test marks where the restore ends and the recovery point reached', () => {
    const expected: Record<string, { recoveryPoint?: string; recoveryTarget?: string }> = {
      'restore-postgres': { recoveryPoint: '${{ steps.recovery-point.outputs.recoveryPoint }}', recoveryTarget: '${{ inputs.target_time }}' },
      'restore-config': { recoveryPoint: '${{ steps.recovery-point.outputs.recoveryPoint }}', recoveryTarget: '${{ inputs.target_time }}' },
      'restore-volume': { recoveryPoint: '${{ steps.check-snapshot.outputs.startTime }}', recoveryTarget: '${{ inputs.target_time }}' },
      'verify-postgres-restore': { recoveryPoint: '${{ steps.recovery-point.outputs.recoveryPoint }}', recoveryTarget: '${{ inputs.target_time }}' },
      'verify-volume-restore': { recoveryPoint: '${{ steps.check-snapshot.outputs.startTime }}' },
      'quarterly-dr-drill': { recoveryPoint: '${{ steps.recovery-point.outputs.recoveryPoint }}', recoveryTarget: '${{ steps.loss-time.outputs.value }}' },
    };
    for (const [id, drill] of Object.entries(expected)) {
      const ends = stepsOf(runbook(id)).filter((s) => s.drill?.restoreEnds === true);
      expect(ends.map((s) => ({ recoveryPoint: s.drill!.recoveryPoint, recoveryTarget: s.drill!.recoveryTarget })), id).toEqual([
        { recoveryPoint: drill.recoveryPoint, recoveryTarget: drill.recoveryTarget },
      ]);
      // The marked step applies in every environment, so every drill can end.
      expect(ends[0]!.when, id).toBeUndefined();
    }
  });

  test('restore summaries carry the safety rule', () => {
    for (const id of ['restore-postgres', 'restore-volume', 'restore-config']) {
      expect(runbook(id).summary, id).toContain('in production only for incident mitigation');
      expect(runbook(id).summary, id).toContain('--incident');
    }
    for (const id of ['verify-postgres-restore', 'verify-volume-restore', 'verify-snapshot-metadata', 'quarterly-dr-drill']) {
      expect(runbook(id).summary, id).toContain('drills are refused in production');
    }
  });
});

describe('verification, checklists and schedule', () => {
  test('restore tests have their cadence, and nothing else has one', () => {
    const cadences = Object.fromEntries(file!.runbooks.filter((book) => book.cadence).map((book) => [book.id, book.cadence]));
    expect(cadences).toEqual({
      'verify-postgres-restore': 'weekly',
      'verify-volume-restore': 'weekly',
      'verify-snapshot-metadata': 'weekly',
      'quarterly-dr-drill': 'quarterly',
    });
  });

  test('backup verification covers Postgres smoke tests, volume checksums or app checks, and metadata consistency', () => {
    const smoke = section(runbook('verify-postgres-restore'), 'smoke-tests').steps.map((s) => s.uses ?? s.kind);
    expect(smoke).toEqual([
      'postgres.connection',
      'postgres.migrationVersion',
      'postgres.query',
      'postgres.query',
      'postgres.query',
      'postgres.invalidIndexes',
      'manual',
    ]);
    const volume = section(runbook('verify-volume-restore'), 'validate-data').steps.map((s) => s.id);
    expect(volume).toEqual(['fsck', 'mount-read-only', 'checksums', 'application-checks']);
    expect((step(runbook('verify-volume-restore'), 'checksums').with!.argv as string[]).slice(-3)).toEqual(['--check', '--quiet', '${{ env.vars.volume_checksum_manifest }}']);
    expect(step(runbook('verify-snapshot-metadata'), 'store-matches-ec2')).toMatchObject({ uses: 'metadata.snapshotConsistency', with: { database: 'live' } });
  });

  test('the daily checklist checks backup success time, WAL, snapshot success rate and storage', () => {
    const daily = runbook('daily');
    expect(daily.sections.map((s) => [s.id, s.steps.map((st) => st.uses)])).toEqual([
      ['postgres-backups', ['shell.run', 'backup.status', 's3.newestObject', 'shell.pgbackrestRepos']],
      ['wal-archive', ['postgres.archiver', 'backup.walArchive', 'shell.pgbackrestCheck']],
      ['volume-snapshots', ['ec2.snapshots', 'ec2.snapshots']],
      ['storage', ['s3.prefixUsage']],
    ]);
    expect(seconds(step(daily, 'snapshot-failures').with!.failedWindow)).toBe(86_400);
  });

  test('the weekly checklist holds both restore tests and the retention and cost review', () => {
    const weekly = runbook('weekly');
    expect(step(weekly, 'postgres-restore-test').do).toContain('runbook start verify-postgres-restore --env staging --drill');
    expect(step(weekly, 'volume-restore-test').do).toContain('runbook start verify-volume-restore --env staging --drill');
    expect(step(weekly, 'cost-review')).toMatchObject({ kind: 'manual', note: 'required' });
  });

  test('the schedule table\'s four rows are freshness and retention checks with the seed\'s windows', () => {
    const schedule = runbook('backup-schedule');
    const base = section(schedule, 'base-backups').steps;
    expect(base.find((s) => s.uses === 'backup.status' && s.with!.maxAge)!.with!.maxAge).toBe('26h');
    expect(base.find((s) => s.uses === 'backup.status' && s.with!.window)!.with).toEqual({ window: '30d', minFull: 2 });
    expect(base.find((s) => s.uses === 's3.retention')!.with).toMatchObject({ window: '30d', minFull: 2, maxAge: '26h' });

    const wal = section(schedule, 'wal-archive').steps;
    expect(seconds(wal.find((s) => s.uses === 'postgres.archiver')!.with!.maxAge)).toBeLessThanOrEqual(3600);
    expect(wal.find((s) => s.uses === 's3.walArchive' && s.with!.window)!.with!.window).toBe('7d');

    const daily = section(schedule, 'volume-snapshots').steps.filter((s) => s.uses === 'ec2.snapshots');
    expect(daily.map((s) => [s.with!.maxAge, s.with!.window, s.with!.minInWindow])).toEqual([
      ['26h', undefined, undefined],
      [undefined, '14d', 13],
      [undefined, undefined, undefined],
    ]);

    const cold = section(schedule, 'cold-volume-backups').steps;
    for (const check of cold) expect(check.with!.tags).toEqual({ 'backup-policy': 'weekly-cold' });
    expect(cold.map((s) => [s.with!.maxAge, s.with!.window, s.with!.minInWindow])).toEqual([
      ['8d', undefined, undefined],
      [undefined, '90d', 12],
      [undefined, undefined, undefined],
    ]);
  });

  test('configuration and secrets metadata: IaC reachable, key backup and its access, audit logs', () => {
    const book = runbook('config-secrets');
    expect((step(book, 'iac-reachable').with!.argv as string[]).slice(0, 2)).toEqual(['git', 'ls-remote']);
    expect(step(book, 'key-backup-present').uses).toBe('s3.objectExists');
    expect(step(book, 'key-access-review')).toMatchObject({ kind: 'manual', note: 'required' });
    expect(step(book, 'audit-logs-arriving').uses).toBe('s3.retention');
  });
});

describe('alerts and assets', () => {
  test('the six required alerts link to a section holding a check that detects them', () => {
    expect(file!.alerts.map((alert) => [alert.id, alert.name])).toEqual([
      ['postgres-backup-failed', 'Postgres backup failed'],
      ['postgres-backup-stale', 'Postgres backup stale (no success in expected window)'],
      ['wal-archive-stale', 'WAL archive stale'],
      ['volume-snapshot-failed', 'Volume snapshot failed'],
      ['volume-snapshot-stale', 'Volume snapshot stale'],
      ['restore-test-failed', 'Restore test failed'],
    ]);
    for (const alert of file!.alerts) {
      const [runbookId, sectionId] = alert.link.split('#') as [string, string];
      const detecting = section(runbook(runbookId), sectionId).steps.filter((s) => s.alert === alert.id);
      expect(detecting.length, alert.id).toBeGreaterThan(0);
      for (const check of detecting) expect(['check', 'wait'], `${alert.id}: ${check.id}`).toContain(check.kind);
    }
  });

  test('every asset has a success signal, a freshness signal and a restore test with a cadence', () => {
    const signals = allSteps().filter(({ step: s }) => s.signal);
    expect(file!.assets.map((asset) => asset.id)).toEqual([
      'postgres-base-backups',
      'postgres-wal-archive',
      'volume-snapshots',
      'cold-volume-backups',
      'snapshot-metadata-store',
      'config-secrets-metadata',
    ]);
    for (const asset of file!.assets) {
      for (const kind of ['success', 'freshness']) {
        const found = signals.filter(({ step: s }) => s.signal!.asset === asset.id && s.signal!.kind === kind);
        expect(found.length, `${asset.id} ${kind}`).toBeGreaterThan(0);
        for (const { step: s } of found) expect(s.kind, `${asset.id}: ${s.id}`).toBe('check');
      }
      expect(runbook(asset.restoreTest!).cadence, asset.id).toBeDefined();
    }
    expect(file!.assets.map((asset) => [asset.frequency, asset.retention])).toEqual([
      ['1d', '30d'],
      ['15m', '7d'],
      ['1d', '14d'],
      ['1w', '90d'],
      ['1d', '30d'],
      ['1d', '365d'],
    ]);
  });
});

describe('steps', () => {
  test('step ids are unique per runbook and every step says what to do', () => {
    for (const book of file!.runbooks) {
      const ids = stepsOf(book).map((s) => s.id);
      expect(new Set(ids).size, book.id).toBe(ids.length);
      for (const s of stepsOf(book)) expect(s.do.length, `${book.id}/${s.id}`).toBeGreaterThan(10);
    }
  });

  test('waits are bounded and polled', () => {
    for (const { book, step: s } of allSteps().filter(({ step: w }) => w.kind === 'wait')) {
      expect(seconds(s.timeout), `${book.id}/${s.id}`).toBeGreaterThan(0);
      expect(seconds(s.interval), `${book.id}/${s.id}`).toBeGreaterThan(0);
    }
  });

  test('only providers documented in docs/providers.md are used', () => {
    const documented = new Set([...read('../../docs/providers.md').matchAll(/^\| `([a-z0-9]+\.[A-Za-z]+)` \|/gm)].map((match) => match[1]));
    expect(documented.size).toBeGreaterThanOrEqual(31);
    const used = new Set(
      allSteps().flatMap(({ step: s }) => [s.uses, s.input?.from?.uses].filter((name): name is string => name !== undefined)),
    );
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  test('shell steps never go through a shell', () => {
    const shells = allSteps().filter(({ step: s }) => s.uses === 'shell.run');
    expect(shells.length).toBeGreaterThan(10);
    for (const { book, step: s } of shells) {
      const argv = s.with!.argv as string[];
      expect(['sh', 'bash', '/bin/sh', '/bin/bash'], `${book.id}/${s.id}`).not.toContain(argv[0]);
      expect(argv.includes('-c'), `${book.id}/${s.id}`).toBe(false);
    }
  });
});
