/**
 * The accidental-deletion scenario (restore after accidental config deletion), shared by the integration test and the
 * PITR benchmark: a live cluster with WAL archiving and the control-plane schema of the bundled
 * runbooks.yaml, a pg_basebackup base backup in the layout postgres.restoreBackup reads, more
 * writes, the recovery target T, then `DELETE FROM config_objects WHERE tenant_id = 'acme'`,
 * archived. It also writes the BUNDLED runbooks.yaml into a temp directory with only its
 * `sandbox` environment's ports and directories pointed at this scenario.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseDocument } from 'yaml';
import { chownToPostgres, createCluster, freePort, runPgBinary, type TestCluster } from '../../support/pg-cluster.js';

/** The runbooks file shipped with the product. */
export const BUNDLED_RUNBOOKS = fileURLToPath(new URL('../../../runbooks.yaml', import.meta.url));

/** The control-plane schema described above the sandbox environment in runbooks.yaml. */
const SCHEMA_SQL = `
CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE config_objects (
  tenant_id text NOT NULL REFERENCES tenants, kind text NOT NULL, name text NOT NULL,
  spec jsonb NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant_id, kind, name));
CREATE TABLE reconcile_queue (
  id bigserial PRIMARY KEY, tenant_id text NOT NULL, object text NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz);
CREATE TABLE volume_snapshots (
  snapshot_id text PRIMARY KEY, volume_id text NOT NULL, state text NOT NULL,
  created_at timestamptz NOT NULL, deleted_at timestamptz);
CREATE INDEX config_objects_kind ON config_objects (kind);
`;

/** The text forms the rows artifact uses (src/steps/postgres/rows-artifact.ts NORMALIZE_SESSION_SQL). */
const NORMALIZE = ["SET DateStyle = 'ISO, YMD'", "SET TimeZone = 'UTC'", "SET IntervalStyle = 'postgres'", 'SET extra_float_digits = 3', "SET bytea_output = 'hex'"];

export type TextRow = Record<string, string | null>;

export interface PitrScenario {
  readonly live: TestCluster;
  /** Temp directory holding the runbooks copy, the session database and the restore directory. */
  readonly workDir: string;
  readonly runbooksPath: string;
  readonly baseBackupDir: string;
  readonly restoreDir: string;
  readonly restorePort: number;
  /** The recovery target: after the last pre-deletion write, strictly before the DELETE. */
  readonly targetTime: string;
  /** Start time of the last transaction before T (its commit is later, and before T). */
  readonly lastWriteStartedAt: Date;
  /** The rows the accidental DELETE removed, in the artifact's text form, ordered by key. */
  readonly deletedRows: TextRow[];
  /** Every table of the live database just before the DELETE. */
  readonly dumpBeforeDelete: Record<string, string[]>;
  readonly migrationVersion: string;
  /** Stops the server restored into the restore directory and empties it (kept, owned by postgres) for the next restore. */
  resetRestoreDir(): Promise<void>;
  /** Stops whatever server runs in the restore directory and removes everything. */
  destroy(): Promise<void>;
}

/** A client on the live `control` database (over its socket) with the artifact's text settings. */
export async function withLiveClient<T>(live: TestCluster, work: (client: pg.Client) => Promise<T>, port = live.port): Promise<T> {
  const client = new pg.Client({ host: live.socketDir, port, user: 'postgres', database: 'control' });
  await client.connect();
  try {
    for (const statement of NORMALIZE) await client.query(statement);
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every row of every table (and every sequence's position) of the public schema, as sorted JSON text. */
export async function dumpDatabase(client: pg.Client): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  const tables = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  for (const { name } of tables.rows) {
    const rows = await client.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${pg.escapeIdentifier(name)} t ORDER BY 1`);
    dump[name] = rows.rows.map((r) => r.row);
  }
  const sequences = await client.query<{ name: string }>("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1");
  for (const { name } of sequences.rows) {
    const state = await client.query<{ state: string }>(`SELECT format('%s/%s', last_value, is_called) AS state FROM ${pg.escapeIdentifier(name)}`);
    dump[`sequence ${name}`] = state.rows.map((r) => r.state);
  }
  return dump;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Takes a tar-format base backup (no WAL: the archive has it) into `<baseBackupDir>/<label>`. */
export async function takeBaseBackup(live: TestCluster, baseBackupDir: string, label: string): Promise<void> {
  await runPgBinary(live.binDir, 'pg_basebackup', [
    '-D', join(baseBackupDir, label), '-Ft', '-X', 'none', '-h', live.socketDir, '-p', String(live.port), '-U', 'postgres', '-l', label, '-c', 'fast',
  ]);
}

/** The bundled runbooks text with the sandbox environment pointed at this scenario (nothing else changed). */
export function sandboxRunbooksText(bundledText: string, settings: { livePort: number; liveDataDir: string; restorePort: number; restoreDir: string; baseBackupDir: string; walArchiveDir: string }): string {
  const document = parseDocument(bundledText);
  const sandbox = ['environments', 'sandbox'];
  const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/control`;
  const expectPresent = (path: string[]) => {
    if (!document.hasIn(path)) throw new Error(`the bundled runbooks.yaml has no ${path.join('.')}; the scenario needs it`);
  };
  for (const [path, value] of [
    [[...sandbox, 'postgres', 'live', 'url'], url(settings.livePort)],
    [[...sandbox, 'postgres', 'live', 'dataDir'], settings.liveDataDir],
    [[...sandbox, 'postgres', 'restore', 'url'], url(settings.restorePort)],
    [[...sandbox, 'postgres', 'restore', 'dataDir'], settings.restoreDir],
    [[...sandbox, 'backup', 'baseBackupDir'], settings.baseBackupDir],
    [[...sandbox, 'backup', 'walArchiveDir'], settings.walArchiveDir],
  ] as const) {
    expectPresent([...path]);
    document.setIn([...path], value);
  }
  return document.toString();
}

/** Builds the whole scenario; on any failure everything made so far is removed. */
export async function createPitrScenario(options: { readonly bundledRunbooks?: string } = {}): Promise<PitrScenario> {
  const workDir = await mkdtemp(join(tmpdir(), 'runbook-pitr-'));
  let live: TestCluster | undefined;
  try {
    live = await createCluster({ archive: true });
    const baseBackupDir = join(workDir, 'base-backups');
    const restoreDir = join(workDir, 'pg-restore');
    mkdirSync(baseBackupDir);
    // The sandbox contract: the restore directory exists, empty, owned by postgres.
    mkdirSync(restoreDir);
    await chownToPostgres(workDir);

    const cluster = live;
    const migrationVersion = '20240501093000';
    await withLiveClient(cluster, async (client) => {
      await client.query(SCHEMA_SQL);
      await client.query('INSERT INTO schema_migrations VALUES (20240301120000, false), (20240415080000, false), ($1, false)', [migrationVersion]);
      await client.query("INSERT INTO tenants VALUES ('acme', 'Acme Corp'), ('globex', 'Globex'), ('initech', 'Initech')");
      await client.query(`INSERT INTO config_objects VALUES
        ('acme', 'deployment', 'api', '{"replicas": 3, "image": "api:1.4.2"}', '2024-05-01 09:00:00.123456+00'),
        ('acme', 'deployment', 'worker', '{"replicas": 2, "env": {"QUEUE": "jobs", "NOTE": "it''s \\"quoted\\""}}', '2024-05-01 09:01:00+00'),
        ('acme', 'secret-ref', 'db-password', '{"vault": "kv/acme/db", "rotate": null}', '2024-05-01 09:02:00.5+00'),
        ('globex', 'deployment', 'api', '{"replicas": 1}', '2024-05-01 09:03:00+00'),
        ('initech', 'volume', 'data', '{"sizeGiB": 100, "tags": ["gold", "ünïcode"]}', '2024-05-01 09:04:00+00')`);
      await client.query(`INSERT INTO reconcile_queue (tenant_id, object, enqueued_at, processed_at) VALUES
        ('acme', 'deployment/api', '2024-05-01 09:00:01+00', '2024-05-01 09:00:02+00'),
        ('globex', 'deployment/api', '2024-05-01 09:03:01+00', NULL)`);
      await client.query(`INSERT INTO volume_snapshots VALUES
        ('snap-0001', 'vol-0001', 'completed', '2024-04-30 00:00:00+00', NULL),
        ('snap-0002', 'vol-0001', 'completed', '2024-05-01 00:00:00+00', NULL)`);
    });
    await takeBaseBackup(cluster, baseBackupDir, 'nightly');

    // After the base backup: only WAL replay brings these back.
    await withLiveClient(cluster, async (client) => {
      await client.query(`INSERT INTO config_objects VALUES
        ('acme', 'ingress', 'public', '{"host": "acme.example.test", "tls": true}', '2024-05-01 10:00:00.000001+00'),
        ('acme', 'deployment', 'cron', '{"schedule": "*/5 * * * *", "weights": [0.1, 1e-7, 3.14159265358979]}', '2024-05-01 10:01:00+00'),
        ('globex', 'deployment', 'worker', '{"replicas": 4}', '2024-05-01 10:02:00+00')`);
      await client.query(`UPDATE config_objects SET spec = '{"replicas": 5, "image": "api:1.5.0"}', updated_at = '2024-05-01 10:03:00+00'
                           WHERE tenant_id = 'acme' AND kind = 'deployment' AND name = 'api'`);
      await client.query("INSERT INTO reconcile_queue (tenant_id, object, enqueued_at, processed_at) VALUES ('acme', 'deployment/api', '2024-05-01 10:03:01+00', '2024-05-01 10:03:02+00')");
    });
    const started = await withLiveClient(cluster, async (client) => {
      const inserted = await client.query<{ started: Date }>(`INSERT INTO config_objects VALUES
        ('acme', 'secret-ref', 'tls-cert', '{"vault": "kv/acme/tls"}', '2024-05-01 10:04:00+00') RETURNING now() AS started`);
      return inserted.rows[0]!.started;
    });
    // T is taken in the server's clock, apart from the last commit and the DELETE by a pause,
    // so millisecond precision cannot put either on the wrong side of it.
    await sleep(30);
    const [{ t }] = await cluster.query('SELECT clock_timestamp() AS t');
    const targetTime = (t as Date).toISOString();
    await sleep(30);

    const { deletedRows, dumpBeforeDelete } = await withLiveClient(cluster, async (client) => {
      const dumpBeforeDelete = await dumpDatabase(client);
      const deleted = await client.query<TextRow>(
        "DELETE FROM config_objects WHERE tenant_id = 'acme' RETURNING tenant_id, kind, name, spec::text AS spec, updated_at::text AS updated_at",
      );
      return { deletedRows: sortRows(deleted.rows), dumpBeforeDelete };
    });
    const [{ wal }] = await cluster.query('SELECT pg_walfile_name(pg_switch_wal()) AS wal');
    await waitFor(`WAL segment ${wal} to be archived`, () => existsSync(join(cluster.archiveDir, wal)));

    const restorePort = await freePort();
    const runbooksPath = join(workDir, 'runbooks.yaml');
    writeFileSync(
      runbooksPath,
      sandboxRunbooksText(await readFile(options.bundledRunbooks ?? BUNDLED_RUNBOOKS, 'utf8'), {
        livePort: cluster.port,
        liveDataDir: cluster.dataDir,
        restorePort,
        restoreDir,
        baseBackupDir,
        walArchiveDir: cluster.archiveDir,
      }),
    );

    return {
      live: cluster,
      workDir,
      runbooksPath,
      baseBackupDir,
      restoreDir,
      restorePort,
      targetTime,
      lastWriteStartedAt: started,
      deletedRows,
      dumpBeforeDelete,
      migrationVersion,
      resetRestoreDir: async () => {
        await stopServerIn(cluster.binDir, restoreDir);
        await rm(restoreDir, { recursive: true, force: true });
        mkdirSync(restoreDir);
        await chownToPostgres(restoreDir);
      },
      destroy: () => destroyScenario(cluster, workDir, [restoreDir]),
    };
  } catch (error) {
    await destroyScenario(live, workDir, [join(workDir, 'pg-restore')]);
    throw error;
  }
}

/** Stops any server running from `dataDir` (immediate mode) if it has a postmaster.pid. */
export async function stopServerIn(binDir: string, dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    await runPgBinary(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  }
}

async function destroyScenario(live: TestCluster | undefined, workDir: string, dataDirs: string[]): Promise<void> {
  const binDir = live?.binDir ?? '/usr/lib/postgresql/15/bin';
  for (const dataDir of dataDirs) await stopServerIn(binDir, dataDir);
  await live?.destroy();
  await rm(workDir, { recursive: true, force: true });
}

/** Rows sorted by their (tenant_id, kind, name) key. */
export function sortRows(rows: readonly TextRow[]): TextRow[] {
  const key = (row: TextRow) => `${row.tenant_id}\u0000${row.kind}\u0000${row.name}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Reads a JSON file. */
export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}
