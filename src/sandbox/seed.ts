/**
 * What the sandbox holds (the comment above environments.sandbox in runbooks.yaml): the control
 * plane schema and rows, the EC2 resources with one failed and one stale snapshot to practise the
 * alerts on, and the S3 objects that are not mirrors of local files (the key backup, audit logs).
 */
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import type { Ec2Seed } from './ec2-emulator/index.js';
import type { SandboxNames } from './layout.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The AWS account that owns the sandbox's snapshots. */
const SANDBOX_OWNER_ID = '123456789012';
/** The workload instance the representative volume is attached to (restore-volume's `workload_instance_id`). */
export const WORKLOAD_INSTANCE_ID = 'i-0b0b000000000000b';
const SANDBOX_ZONE = 'us-east-1a';

const DAILY_COUNT = 14;
const WEEKLY_COUNT = 13;
/** Today's daily snapshot failed, so the newest completed one is this old: past the 26 h freshness limit. */
const NEWEST_DAILY_AGE = 30 * HOUR;
const FAILED_DAILY_AGE = 6 * HOUR;
const NEWEST_WEEKLY_AGE = 5 * DAY;

const serial = (index: number) => String(index).padStart(2, '0');
/** Snapshot ids: `snap-` and 17 hex digits, d = daily, c = cold (weekly), e = the failed one. */
const snapshotId = (kind: 'd' | 'c' | 'e', index: number) => `snap-0d47a000000000${kind}${serial(index)}`;

/** The EC2 resources, with times relative to `now`. */
export function ec2Seed(names: SandboxNames, now: Date): Ec2Seed {
  const at = (ageMs: number) => new Date(now.getTime() - ageMs).toISOString();
  const volumeId = names.volumeId;
  const snapshots: NonNullable<Ec2Seed['snapshots']> = [];
  for (let index = 1; index <= DAILY_COUNT; index++) {
    snapshots.push({
      snapshotId: snapshotId('d', index),
      volumeId,
      state: 'completed',
      startTime: at(NEWEST_DAILY_AGE + (index - 1) * DAY),
      volumeSize: 8,
      description: `daily snapshot of ${volumeId} (data lifecycle policy)`,
      tags: { 'backup-policy': 'daily', Name: `sandbox-data-daily-${serial(index)}` },
    });
  }
  snapshots.push({
    snapshotId: snapshotId('e', 1),
    volumeId,
    state: 'error',
    progress: '0%',
    startTime: at(FAILED_DAILY_AGE),
    volumeSize: 8,
    description: `daily snapshot of ${volumeId} (data lifecycle policy)`,
    stateMessage: 'Snapshot creation failed: the lifecycle policy role lacks ec2:CreateSnapshot on the volume (sandbox practice failure).',
    tags: { 'backup-policy': 'daily', Name: 'sandbox-data-daily-failed' },
  });
  for (let index = 1; index <= WEEKLY_COUNT; index++) {
    snapshots.push({
      snapshotId: snapshotId('c', index),
      volumeId,
      state: 'completed',
      startTime: at(NEWEST_WEEKLY_AGE + (index - 1) * 7 * DAY),
      volumeSize: 8,
      description: `weekly cold backup of ${volumeId}`,
      tags: { 'backup-policy': 'weekly-cold', Name: `sandbox-data-weekly-${serial(index)}` },
    });
  }
  return {
    ownerId: SANDBOX_OWNER_ID,
    instances: [
      { instanceId: names.recoveryInstanceId, availabilityZone: SANDBOX_ZONE, state: 'running', instanceType: 't3.medium', tags: { Name: 'sandbox-recovery', role: 'recovery' } },
      { instanceId: WORKLOAD_INSTANCE_ID, availabilityZone: SANDBOX_ZONE, state: 'running', instanceType: 't3.large', tags: { Name: 'sandbox-workload', role: 'workload' } },
    ],
    volumes: [
      {
        volumeId,
        size: 8,
        volumeType: 'gp3',
        availabilityZone: SANDBOX_ZONE,
        createTime: at(120 * DAY),
        tags: { Name: 'sandbox-data', 'backup-policy': 'daily' },
        attachment: { instanceId: WORKLOAD_INSTANCE_ID, device: '/dev/sdf' },
      },
    ],
    snapshots,
  };
}

/** The control plane schema (the comment at the top of runbooks.yaml). */
const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)',
  'CREATE TABLE IF NOT EXISTS tenants (id text PRIMARY KEY, name text NOT NULL)',
  `CREATE TABLE IF NOT EXISTS config_objects (
     tenant_id text NOT NULL REFERENCES tenants, kind text NOT NULL, name text NOT NULL,
     spec jsonb NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, kind, name))`,
  `CREATE TABLE IF NOT EXISTS reconcile_queue (
     id bigserial PRIMARY KEY, tenant_id text NOT NULL, object text NOT NULL,
     enqueued_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz)`,
  `CREATE TABLE IF NOT EXISTS volume_snapshots (
     snapshot_id text PRIMARY KEY, volume_id text NOT NULL, state text NOT NULL,
     created_at timestamptz NOT NULL, deleted_at timestamptz)`,
];

const MIGRATIONS = [20240105090000, 20240212143000, 20240318101500, 20240422160000, 20240527083000];

const TENANTS: ReadonlyArray<readonly [string, string]> = [
  ['acme', 'Acme Corporation'],
  ['globex', 'Globex Industries'],
  ['initech', 'Initech'],
];

const CONFIG_OBJECTS: ReadonlyArray<readonly [string, string, string, object]> = [
  ['acme', 'network', 'default-vpc', { cidr: '10.20.0.0/16', zones: ['us-east-1a', 'us-east-1b'] }],
  ['acme', 'database', 'orders', { engine: 'postgres', version: 15, storageGiB: 100, backups: 'daily' }],
  ['acme', 'service', 'api', { replicas: 3, image: 'registry.example/acme/api:1.42.0' }],
  ['acme', 'secret-ref', 'api-tls', { source: 'kms', key: 'alias/acme-api-tls' }],
  ['globex', 'network', 'default-vpc', { cidr: '10.30.0.0/16', zones: ['us-east-1a'] }],
  ['globex', 'service', 'worker', { replicas: 2, image: 'registry.example/globex/worker:7.1.3' }],
  ['initech', 'service', 'tps-reports', { replicas: 1, image: 'registry.example/initech/tps:2.0.0' }],
];

/** Creates the control plane tables and their rows (idempotent: existing rows are left as they are). */
export async function seedControlPlane(client: pg.Client, seed: Ec2Seed, now: Date): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const statement of SCHEMA) await client.query(statement);
    for (const version of MIGRATIONS) {
      await client.query('INSERT INTO schema_migrations (version, dirty) VALUES ($1, false) ON CONFLICT DO NOTHING', [version]);
    }
    for (const [id, name] of TENANTS) await client.query('INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, name]);
    for (const [index, [tenant, kind, name, spec]] of CONFIG_OBJECTS.entries()) {
      await client.query(
        'INSERT INTO config_objects (tenant_id, kind, name, spec, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [tenant, kind, name, JSON.stringify(spec), new Date(now.getTime() - (index + 1) * 9 * DAY)],
      );
    }
    // Processed items only: restore-config waits until a tenant has no unprocessed item left.
    for (const [index, [tenant, , name]] of CONFIG_OBJECTS.entries()) {
      const enqueued = new Date(now.getTime() - (index + 1) * 9 * DAY);
      await client.query(
        'INSERT INTO reconcile_queue (tenant_id, object, enqueued_at, processed_at) SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM reconcile_queue WHERE tenant_id = $1 AND object = $2)',
        [tenant, name, enqueued, new Date(enqueued.getTime() + 2_000)],
      );
    }
    // The snapshot metadata store records every daily snapshot, the failed one included, as EC2 reports them.
    for (const snapshot of seed.snapshots ?? []) {
      if (snapshot.tags?.['backup-policy'] !== 'daily') continue;
      await client.query(
        'INSERT INTO volume_snapshots (snapshot_id, volume_id, state, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [snapshot.snapshotId, snapshot.volumeId, snapshot.state ?? 'completed', snapshot.startTime ?? now.toISOString()],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** An S3 object the sandbox writes (not a mirror of a local file). */
export interface SeedObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** Its LastModified. */
  readonly lastModified: Date;
}

/** The key-encryption-key backup: an opaque blob, last written a month ago (keys rotate rarely). */
export function keyBackupObject(names: SandboxNames, now: Date): SeedObject {
  const envelope = {
    format: 'sandbox-kek-backup/1',
    keyId: 'alias/control-plane-kek',
    note: 'sandbox placeholder: not a real key',
    ciphertext: Buffer.from('sandbox key-encryption-key backup (placeholder)').toString('base64'),
  };
  return {
    bucket: names.keyBucket,
    key: names.keyObject,
    body: Buffer.from(JSON.stringify(envelope)),
    contentType: 'application/octet-stream',
    lastModified: new Date(now.getTime() - 30 * DAY),
  };
}

/** One gzipped audit log object for `when`, under `audit/<yyyy>/<mm>/<dd>/`. */
export function auditLogObject(names: SandboxNames, when: Date, name: string): SeedObject {
  const [yyyy, mm, dd] = when.toISOString().slice(0, 10).split('-');
  const entries = [
    { at: when.toISOString(), actor: 'system:sandbox', action: 'sandbox.audit', detail: name },
    { at: when.toISOString(), actor: 'alice@example.com', action: 'config_objects.update', tenant: 'acme', object: 'service/api' },
  ];
  return {
    bucket: names.auditBucket,
    key: `${names.auditPrefix}${yyyy}/${mm}/${dd}/${name}.json.gz`,
    body: gzipSync(entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n'),
    contentType: 'application/gzip',
    lastModified: when,
  };
}

/** A week of past audit logs, one a day, for a first start. */
export function auditHistory(names: SandboxNames, now: Date): SeedObject[] {
  return [1, 2, 3, 4, 5, 6, 7].map((days) => {
    const when = new Date(now.getTime() - days * DAY);
    return auditLogObject(names, when, `control-plane-${when.toISOString().slice(0, 10)}`);
  });
}
