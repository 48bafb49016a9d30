/**
 * `runbook sandbox up|status|down` with real parts: the built binary (dist/, from `npm run build`)
 * makes a sandbox from a copy of the bundled runbooks.yaml moved to free ports in a temp
 * directory; real checks and a real point-in-time restore run against it; `down` removes it.
 * With pgBackRest installed (/usr/bin/pgbackrest, as the test set-up installs it) the sandbox's
 * backups are a real pgBackRest stanza (repo1 posix, repo2 the S3 emulator over HTTPS); a second
 * sandbox runs with pgBackRest hidden from PATH, falls back to pg_basebackup and says so, and
 * switches to pgBackRest once it is back on PATH. One sandbox per describe (each takes seconds).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveEnvironment } from '../../src/runbooks/environment.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { portInUse, s3Keys } from '../../src/sandbox/probes.js';
import { runProviderOnce } from '../support/step-runner.js';
import { freePort } from '../support/pg-cluster.js';

// The SDK's Node 20 end-of-support notice is noise here (bin/runbook.ts silences it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const binary = fileURLToPath(new URL('../../dist/runbook.js', import.meta.url));
const bundledFile = fileURLToPath(new URL('../../runbooks.yaml', import.meta.url));
const FIXED_PORTS = { live: 55432, restore: 55433, ec2: 55480, s3: 55490 } as const;

let dir: string;
let file: string;
let root: string;
let ports: Record<keyof typeof FIXED_PORTS, number>;
let firstUp: Result;

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function runbook(args: string[], cwd = dir, path = process.env.PATH): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binary, ...args],
      { cwd, encoding: 'utf8', timeout: 90_000, env: { PATH: path, HOME: dir, RUNBOOK_DB: join(dir, 'sessions.db') } },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout, err: stderr }),
    );
  });
}

/** A copy of the bundled file with the sandbox moved to `replacements`' ports. */
function copyWithPorts(target: string, replacements: Record<keyof typeof FIXED_PORTS, number>, edit: (text: string) => string = (text) => text): void {
  let text = readFileSync(bundledFile, 'utf8');
  for (const key of Object.keys(FIXED_PORTS) as Array<keyof typeof FIXED_PORTS>) {
    text = text.replaceAll(`127.0.0.1:${FIXED_PORTS[key]}`, `127.0.0.1:${replacements[key]}`);
  }
  writeFileSync(target, edit(text));
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const found = new Set<number>();
  while (found.size < count) found.add(await freePort());
  return [...found];
}

/** A process that has not exited (a zombie waiting for init to reap it has). */
function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /, '').startsWith('Z');
  } catch {
    return false;
  }
}

interface StatusJson {
  healthy: boolean;
  root: string;
  backups: { tool: string; version?: string; detail: string; settingsFile?: string };
  parts: Array<{ name: string; state: string; healthy: boolean; pid?: number; endpoint?: string; directory?: string; detail: string }>;
}

async function status(of = file, path = process.env.PATH): Promise<{ code: number | null; json: StatusJson }> {
  const result = await runbook(['sandbox', 'status', '--json', '--file', of], dir, path);
  return { code: result.code, json: JSON.parse(result.out) as StatusJson };
}

/** `pgbackrest info --output=json` for the sandbox's stanza, run as postgres as the sandbox runs it. */
function pgbackrestInfo(sandboxRoot: string): Promise<any> {
  return new Promise((resolve, reject) =>
    execFile(
      'runuser',
      ['-u', 'postgres', '--', '/usr/bin/pgbackrest', `--config=${join(sandboxRoot, 'pgbackrest', 'pgbackrest.conf')}`, '--stanza=sandbox', '--output=json', 'info'],
      { encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`pgbackrest info failed: ${stderr}`)) : resolve(JSON.parse(stdout)[0])),
    ),
  );
}

/** PATH with every directory holding `program` replaced by a copy (symlinks) without it: the machine as if it were not installed. */
function pathWithout(program: string, under: string): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((entry, index) => {
      if (!existsSync(join(entry, program))) return entry;
      const copy = join(under, `path-${index}`);
      mkdirSync(copy, { recursive: true });
      for (const name of readdirSync(entry)) if (name !== program) symlinkSync(join(entry, name), join(copy, name));
      return copy;
    })
    .join(':');
}

/** The HTTPS status of `url`, trusting `ca` only (undefined: the TLS handshake or the request failed, with the reason). */
function httpsStatusWith(url: string, ca?: Buffer): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const request = httpsGet(url, { ...(ca ? { ca } : {}), timeout: 5_000 }, (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    });
    request.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
  });
}

const part = (json: StatusJson, name: string) => json.parts.find((p) => p.name === name)!;

beforeAll(async () => {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run "npm run build" first`);
  dir = mkdtempSync(join(tmpdir(), 'runbook-sandbox-'));
  // The postgres user must traverse the directory to reach its clusters.
  chmodSync(dir, 0o755);
  const [live, restore, ec2, s3] = await distinctFreePorts(4);
  ports = { live: live!, restore: restore!, ec2: ec2!, s3: s3! };
  file = join(dir, 'runbooks.yaml');
  copyWithPorts(file, ports);
  root = join(dir, '.runbook-sandbox');
  firstUp = await runbook(['sandbox', 'up', '--file', file]);
});

afterAll(async () => {
  // Whatever happened above, nothing may be left running: down, else stop each part by hand.
  if (!dir) return;
  const down = await runbook(['sandbox', 'down', '--file', file]);
  if (down.code !== 0 && root && existsSync(root)) {
    try {
      process.kill(Number(readFileSync(join(root, 'daemon', 'daemon.pid'), 'utf8')), 'SIGKILL');
    } catch {
      // not running
    }
    for (const cluster of ['pg-live', 'pg-restore']) {
      await new Promise((resolve) =>
        execFile('runuser', ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', join(root, cluster), '-m', 'immediate', '-w', 'stop'], resolve),
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('runbook sandbox with pgBackRest installed', () => {
  test('up from nothing makes every part, backs up with pgBackRest into both repos, and says what runs where and what to try', () => {
    expect(firstUp.err).toBe('');
    expect(firstUp.code).toBe(0);
    const out = firstUp.out;
    expect(out).toContain('  backups: pgBackRest 2.45 (repo1 posix, repo2 s3 over https)\n');
    expect(out).toContain(`started the live cluster on 127.0.0.1:${ports.live}`);
    expect(out).toMatch(new RegExp(`started the EC2 emulator on http://127\\.0\\.0\\.1:${ports.ec2} and the S3 emulator on http://127\\.0\\.0\\.1:${ports.s3} and https://127\\.0\\.0\\.1:\\d+ \\(HTTPS, for pgBackRest\\)`));
    expect(out).toContain('created pgBackRest stanza sandbox in repo1 (posix) and repo2 (s3 over https)');
    expect(out).toMatch(/took pgBackRest full backup \d{8}-\d{6}F in repo1 \(posix\)\n {2}took pgBackRest full backup \d{8}-\d{6}F in repo1 \(posix\)\n {2}took pgBackRest diff backup \d{8}-\d{6}F_\d{8}-\d{6}D in repo1 \(posix\)\n {2}took pgBackRest full backup \d{8}-\d{6}F in repo2 \(s3 over https\)\n {2}took pgBackRest full backup \d{8}-\d{6}F in repo2 \(s3 over https\)\n/);
    expect(out).not.toContain('took base backup');
    expect(out).toContain(`wrote ${join(root, 'environment.json')}: the sandbox environment now uses pgBackRest (stanza sandbox, --config=${join(root, 'pgbackrest', 'pgbackrest.conf')})`);
    expect(out).toContain(`postgres://postgres@127.0.0.1:${ports.live}/control`);
    expect(out).toMatch(/ok {3}backup tool +present .*\n +pgBackRest 2\.45 \(repo1 posix, repo2 s3 over https\), as in staging/);
    expect(out).toContain('All parts healthy.');
    expect(out).toContain(`runbook check daily --env sandbox --file ${file}`);
    expect(out).toContain("a point-in-time restore of the live cluster into the restore cluster, by pgBackRest from the sandbox's stanza, as in staging");
    expect(out).toContain('--set volume_id=vol-0d47a000000000001 --set workload_instance_id=i-0b0b000000000000b');
    expect(existsSync(join(root, 'sandbox.json'))).toBe(true);
    expect(existsSync(join(root, 'base-backups'))).toBe(false);
  });

  test('status --json: every part healthy, with its pid, endpoint and directory; the tool is pgBackRest; the restore directory empty', async () => {
    const { code, json } = await status();
    expect(code).toBe(0);
    expect(json.healthy).toBe(true);
    expect(json.backups).toEqual({
      tool: 'pgbackrest',
      version: '2.45',
      detail: 'pgBackRest 2.45 (repo1 posix, repo2 s3 over https)',
      settingsFile: join(root, 'environment.json'),
    });
    expect(json.parts.map((p) => [p.name, p.state])).toEqual([
      ['sandbox directory', 'present'],
      ['postgres live', 'running'],
      ['postgres restore', 'empty'],
      ['backup tool', 'present'],
      ['pgBackRest repo1', 'present'],
      ['pgBackRest repo2', 'present'],
      ['daemon', 'running'],
      ['EC2 emulator', 'running'],
      ['S3 emulator', 'running'],
      ['IaC repository', 'present'],
    ]);
    const live = part(json, 'postgres live');
    expect(live.endpoint).toBe(`postgres://postgres@127.0.0.1:${ports.live}/control`);
    expect(live.directory).toBe(join(root, 'pg-live'));
    expect(alive(live.pid!)).toBe(true);
    expect(part(json, 'EC2 emulator').endpoint).toBe(`http://127.0.0.1:${ports.ec2}`);
    expect(part(json, 'S3 emulator').pid).toBe(part(json, 'daemon').pid);
    expect(part(json, 'S3 emulator').detail).toMatch(/; HTTPS for pgBackRest on https:\/\/127\.0\.0\.1:\d+$/);
    expect(readdirSync(join(root, 'pg-restore'))).toEqual([]);
    expect(await portInUse(ports.restore)).toBe(false);
    expect(part(json, 'pgBackRest repo1').directory).toBe(join(root, 'pgbackrest', 'repo1'));
    expect(part(json, 'pgBackRest repo1').detail).toMatch(/^posix: 2 full, 1 diff; newest \d{8}-\d{6}F_\d{8}-\d{6}D, \d+s ago; WAL [0-9A-F]{24} to [0-9A-F]{24}$/);
    expect(part(json, 'pgBackRest repo2').endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/sandbox-backups\/pgbackrest$/);
    expect(part(json, 'pgBackRest repo2').detail).toMatch(new RegExp(`^s3 over https \\(CA ${join(root, 'tls', 'ca.crt')}\\): 2 full; newest \\d{8}-\\d{6}F, \\d+s ago; WAL [0-9A-F]{24} to [0-9A-F]{24}$`));
  });

  test('pgbackrest info: the stanza is ok in both repos, two full backups in each and a diff in repo1, WAL in both', async () => {
    const info = await pgbackrestInfo(root);
    expect(info.status).toMatchObject({ code: 0, message: 'ok' });
    expect(info.repo).toEqual([
      { cipher: 'none', key: 1, status: { code: 0, message: 'ok' } },
      { cipher: 'none', key: 2, status: { code: 0, message: 'ok' } },
    ]);
    const backups = (repo: number) => info.backup.filter((backup: any) => backup.database['repo-key'] === repo).map((backup: any) => [backup.type, backup.error]);
    expect(backups(1)).toEqual([['full', false], ['full', false], ['diff', false]]);
    expect(backups(2)).toEqual([['full', false], ['full', false]]);
    expect(info.archive.map((archive: any) => archive.database['repo-key']).sort()).toEqual([1, 2]);
    for (const archive of info.archive) expect(archive.max).toMatch(/^[0-9A-F]{24}$/);
    // repo2 is the emulated S3 over HTTPS, verified against the CA made at up.
    const config = readFileSync(join(root, 'pgbackrest', 'pgbackrest.conf'), 'utf8');
    expect(config).toContain('repo2-type=s3\n');
    expect(config).toContain(`repo2-storage-ca-file=${join(root, 'tls', 'ca.crt')}\n`);
    const port = /repo2-storage-port=(\d+)/.exec(config)![1];
    expect(await httpsStatusWith(`https://127.0.0.1:${port}/`, readFileSync(join(root, 'tls', 'ca.crt')))).toEqual({ status: 200 });
    expect((await httpsStatusWith(`https://127.0.0.1:${port}/`)).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // Its objects are in the backup bucket, where the runbooks' S3 checks read them.
    const keys = (await s3Keys(`http://127.0.0.1:${ports.s3}`, 'sandbox-backups', 'pgbackrest/backup/sandbox/'))!;
    expect(keys.filter((key) => /\d{8}-\d{6}F\/backup\.manifest$/.test(key))).toHaveLength(2);
  });

  test('the live cluster archives with pgBackRest, and the sandbox environment names the stanza through its settings file', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: ports.live, user: 'postgres', database: 'control' });
    await client.connect();
    try {
      const command = (await client.query("select setting from pg_settings where name = 'archive_command'")).rows[0].setting as string;
      expect(command).toBe(`'/usr/bin/pgbackrest' '--config=${join(root, 'pgbackrest', 'pgbackrest.conf')}' '--stanza=sandbox' archive-push %p`);
      expect((await client.query('select failed_count from pg_stat_archiver')).rows[0].failed_count).toBe('0');
    } finally {
      await client.end();
    }
    const loaded = loadRunbooksFile(file);
    const sandbox = loaded.file.environments.sandbox!;
    expect(sandbox.backup).toEqual({ tool: 'pgbackrest', stanza: 'sandbox', args: [`--config=${join(root, 'pgbackrest', 'pgbackrest.conf')}`] });
    expect(sandbox.vars).toMatchObject({ base_backup_prefix: 'pgbackrest/backup/sandbox/', base_backup_marker: 'backup.manifest', wal_prefix: 'pgbackrest/archive/sandbox/', backup_storage_prefix: 'pgbackrest/' });
    expect(loaded.declared!.environments.sandbox!.backup?.tool).toBe('pg_basebackup');
  });

  test('the live database holds the control plane schema, the tenants and the snapshot metadata', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: ports.live, user: 'postgres', database: 'control' });
    await client.connect();
    try {
      const count = async (sql: string) => Number((await client.query(sql)).rows[0].count);
      expect(await count("select count(*) from config_objects where tenant_id = 'acme'")).toBe(4);
      expect((await client.query('select max(version)::text as version from schema_migrations')).rows[0].version).toBe('20240527083000');
      expect((await client.query('select state, count(*)::int as n from volume_snapshots group by state order by state')).rows).toEqual([
        { state: 'completed', n: 14 },
        { state: 'error', n: 1 },
      ]);
      expect(await count('select count(*) from reconcile_queue where processed_at is null')).toBe(0);
      expect((await client.query("select setting from pg_settings where name = 'archive_mode'")).rows[0].setting).toBe('on');
    } finally {
      await client.end();
    }
  });

  test('check daily fails on the failed and the stale snapshot, naming each alert and the section to open', async () => {
    const result = await runbook(['check', 'daily', '--env', 'sandbox', '--file', file]);
    expect(result.code).toBe(1);
    // The checks load the AWS SDK on Node 20: its Node-version warning stays off the operator's screen.
    expect(result.err).not.toContain('NodeVersionSupportWarning');
    const out = result.out;
    expect(out).toMatch(/PASS {2}last-backup-age +backup\.status +pgBackRest: repo1: last backup \d{8}-\d{6}F_\d{8}-\d{6}D \(diff\)/);
    expect(out).toMatch(/PASS {2}offsite-copy +s3\.newestObject +Newest of 2 objects under s3:\/\/sandbox-backups\/pgbackrest\/backup\/sandbox\//);
    expect(out).toMatch(/PASS {2}backup-sets-sound +shell\.pgbackrestRepos/);
    expect(out).toMatch(/PASS {2}archive-round-trip +shell\.pgbackrestCheck/);
    expect(out).toMatch(/PASS {2}wal-archiving +postgres\.archiver/);
    expect(out).toMatch(/PASS {2}storage-usage +s3\.prefixUsage/);
    expect(out).toMatch(/FAIL {2}snapshot-failures +ec2\.snapshots +Snapshots of tag backup-policy=daily: 1 failed snapshots in the last 1d \(snap-0d47a000000000e01\)/);
    expect(out).toContain('alert: Volume snapshot failed (volume-snapshot-failed)\n      open: runbook start daily --env sandbox --at volume-snapshots');
    expect(out).toMatch(/FAIL {2}snapshot-age +ec2\.snapshots +Snapshots of volume vol-0d47a000000000001: newest completed snapshot is \d+h( \d+m)? old \(limit 26h\)/);
    expect(out).toContain('alert: Volume snapshot stale (volume-snapshot-stale)\n      open: runbook start backup-schedule --env sandbox --at volume-snapshots');
    // Skipped: the kubectl job check only; the pgBackRest checks run against the stanza.
    expect(out).toContain('7 passed, 2 failed, 1 skipped');
  });

  test('the snapshot store agrees with EC2, and the key backup, audit logs and IaC repository are there', async () => {
    const metadata = await runbook(['check', 'verify-snapshot-metadata', '--env', 'sandbox', '--file', file]);
    expect(metadata.out).toContain('The store and EC2 agree on 15 snapshots.');
    expect(metadata.code).toBe(0);
    const config = await runbook(['check', 'config-secrets', '--env', 'sandbox', '--file', file], dir);
    expect(config.out).toMatch(/PASS {2}iac-reachable/);
    expect(config.out).toContain('s3://sandbox-keys/keys/control-plane-kek.json.enc exists');
    expect(config.out).toMatch(/PASS {2}audit-logs-arriving/);
    expect(config.code).toBe(0);
  });

  test('a point-in-time restore with pgBackRest reaches the target and not past it', async () => {
    const loaded = loadRunbooksFile(file);
    const environment = resolveEnvironment('sandbox', loaded.file.environments.sandbox!, {});
    const live = new pg.Client({ host: '127.0.0.1', port: ports.live, user: 'postgres', database: 'control' });
    await live.connect();
    let target: string;
    try {
      await live.query("insert into tenants (id, name) values ('before-target', 'kept by the restore')");
      // Dates carry milliseconds and commits microseconds: keep the target clear of both commits.
      await new Promise((resolve) => setTimeout(resolve, 20));
      target = (await live.query('select clock_timestamp() as at')).rows[0].at.toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await live.query("insert into tenants (id, name) values ('after-target', 'lost by the restore')");
      const finished = (await live.query('select pg_walfile_name(pg_switch_wal()) as name')).rows[0].name as string;
      for (let tries = 0; ; tries++) {
        const archived = (await live.query('select last_archived_wal from pg_stat_archiver')).rows[0].last_archived_wal as string | null;
        if (archived && archived >= finished) break;
        if (tries > 200) throw new Error(`WAL ${finished} was not archived`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await live.end();
    }
    const restored = await runProviderOnce(environment, 'postgres.restoreBackup', { into: 'restore', targetTime: target }, { kind: 'action', timeoutMs: 60_000, artifactsDir: dir });
    expect(restored.detail).toMatch(/^Restored pgbackrest backup \d{8}-\d{6}F(_\d{8}-\d{6}[DI])? from repo1 /);
    expect(restored.detail).toContain(`the server on port ${ports.restore} left recovery at the target ${target} and was promoted`);
    expect(restored.ok).toBe(true);
    let inRecovery = true;
    for (let tries = 0; inRecovery && tries < 100; tries++) {
      const result = await runProviderOnce(environment, 'postgres.inRecovery', { database: 'restore', expect: false }, { kind: 'check', timeoutMs: 5_000, artifactsDir: dir });
      inRecovery = !result.ok;
      if (inRecovery) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(inRecovery).toBe(false);
    const copy = new pg.Client({ host: '127.0.0.1', port: ports.restore, user: 'postgres', database: 'control' });
    await copy.connect();
    try {
      const ids = (await copy.query("select id from tenants where id in ('before-target', 'after-target') order by id")).rows.map((row) => row.id);
      expect(ids).toEqual(['before-target']);
    } finally {
      await copy.end();
    }
    const { json } = await status();
    expect(part(json, 'postgres restore').state).toBe('running');
  });

  test('up repairs a crashed daemon and a stopped live cluster, keeping the volumes a drill made', async () => {
    const loaded = loadRunbooksFile(file);
    const environment = resolveEnvironment('sandbox', loaded.file.environments.sandbox!, {});
    const created = await runProviderOnce(environment, 'ec2.createVolumeFromSnapshot', { snapshotId: 'snap-0d47a000000000d01', instanceId: 'i-0a11ce0000000000a' }, { kind: 'action', timeoutMs: 30_000, artifactsDir: dir });
    expect(created.ok).toBe(true);
    expect(created.outputs.availabilityZone).toBe('us-east-1a');
    const volumeId = created.outputs.volumeId as string;
    const daemonPid = Number(readFileSync(join(root, 'daemon', 'daemon.pid'), 'utf8'));
    // SIGHUP makes the daemon save its state now; then it crashes.
    process.kill(daemonPid, 'SIGHUP');
    for (let tries = 0; !readFileSync(join(root, 'daemon', 'ec2-state.json'), 'utf8').includes(volumeId); tries++) {
      if (tries > 100) throw new Error('the daemon did not save its EC2 state');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The cluster first: a fast shutdown waits for the archiver, and archive-push to a repo that does not answer takes long to give up.
    await new Promise<void>((resolve, reject) =>
      execFile('runuser', ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', join(root, 'pg-live'), '-m', 'fast', '-w', 'stop'], (error) => (error ? reject(error) : resolve())),
    );
    process.kill(daemonPid, 'SIGKILL');
    const broken = await status();
    expect(broken.code).toBe(1);
    expect(broken.json.healthy).toBe(false);
    expect([part(broken.json, 'postgres live').state, part(broken.json, 'daemon').state, part(broken.json, 'EC2 emulator').state]).toEqual(['stopped', 'stopped', 'stopped']);

    const repaired = await runbook(['sandbox', 'up', '--file', file]);
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain(`started the live cluster on 127.0.0.1:${ports.live}`);
    expect(repaired.out).toContain(`started the EC2 emulator on http://127.0.0.1:${ports.ec2}`);
    // The HTTPS port is a fresh one, and pgBackRest is pointed at it.
    const port = /and https:\/\/127\.0\.0\.1:(\d+) \(HTTPS, for pgBackRest\)/.exec(repaired.out)?.[1];
    expect(readFileSync(join(root, 'pgbackrest', 'pgbackrest.conf'), 'utf8')).toContain(`repo2-storage-port=${port}\n`);
    expect(repaired.out).not.toContain('took');
    expect(repaired.out).toContain('All parts healthy.');
    const described = await runProviderOnce(environment, 'ec2.describeVolume', { volumeId }, { kind: 'check', timeoutMs: 10_000, artifactsDir: dir });
    expect(described.outputs.snapshotId).toBe('snap-0d47a000000000d01');
  });

  test('a second up changes nothing that is healthy', async () => {
    const before = (await status()).json;
    const labels = (await pgbackrestInfo(root)).backup.map((backup: any) => backup.label);
    const stamps = ['ec2-seed.json', 'environment.json', 'pgbackrest/pgbackrest.conf', 'tls/ca.crt'].map((name) => statSync(join(root, name)).mtimeMs);
    const again = await runbook(['sandbox', 'up', '--file', file]);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(/^ {2}(created|initialised|started|took|switched|emptied|restarted|wrote|rewrote|pointed|made|set|deleted|removed)/m);
    expect(again.out).toContain(`left the restored cluster in ${join(root, 'pg-restore')} running`);
    const after = (await status()).json;
    expect(after.parts.map((p) => [p.name, p.state, p.pid])).toEqual(before.parts.map((p) => [p.name, p.state, p.pid]));
    expect((await pgbackrestInfo(root)).backup.map((backup: any) => backup.label)).toEqual(labels);
    expect(['ec2-seed.json', 'environment.json', 'pgbackrest/pgbackrest.conf', 'tls/ca.crt'].map((name) => statSync(join(root, name)).mtimeMs)).toEqual(stamps);
  });

  test('up refuses, exit 2, when another program holds a sandbox port, and makes nothing', async () => {
    const [live, restore, ec2, s3] = await distinctFreePorts(4);
    const other = join(dir, 'other');
    rmSync(other, { recursive: true, force: true });
    const otherFile = join(dir, 'other.yaml');
    copyWithPorts(otherFile, { live: live!, restore: restore!, ec2: ec2!, s3: s3! }, (text) => text.replaceAll('.runbook-sandbox/', 'other/'));
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(s3!, '127.0.0.1', () => resolve()));
    try {
      const result = await runbook(['sandbox', 'up', '--file', otherFile]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`port 127.0.0.1:${s3} is in use by another program; stop it (ss -ltnp shows which) or change the sandbox ports in ${otherFile}`);
      expect(existsSync(other)).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  test('up refuses, exit 2, without the PostgreSQL server programs, saying what to install', async () => {
    const otherFile = join(dir, 'no-binaries.yaml');
    copyWithPorts(otherFile, ports, (text) => text.replaceAll('binDir: /usr/lib/postgresql/15/bin', 'binDir: /nonexistent/postgresql/bin').replaceAll('.runbook-sandbox/', 'nobin/'));
    const result = await runbook(['sandbox', 'up', '--file', otherFile]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('PostgreSQL server program initdb not found in /nonexistent/postgresql/bin: install postgresql-15 (apt-get install postgresql-15)');
    expect(existsSync(join(dir, 'nobin'))).toBe(false);
  });

  test('a sandbox environment without a settingsFile cannot be pointed at pgBackRest, and status says so and how to fix it', async () => {
    const otherFile = join(dir, 'no-settings-file.yaml');
    copyWithPorts(otherFile, ports, (text) => text.replace(/^ {4}settingsFile: .*\n/m, '').replaceAll('.runbook-sandbox/', 'nosettings/'));
    const { json } = await status(otherFile);
    expect(json.backups).toEqual({
      tool: 'pg_basebackup',
      detail: `pg_basebackup (the sandbox environment in ${otherFile} has no settingsFile, through which up points the runbooks at pgBackRest: add settingsFile: .runbook-sandbox/environment.json (as in the bundled runbooks.yaml))`,
    });
  });

  test('a file without a sandbox environment is refused with exit 2', async () => {
    const otherFile = join(dir, 'no-sandbox.yaml');
    writeFileSync(otherFile, 'version: 1\nenvironments:\n  staging:\n    title: Staging\nrunbooks:\n  - id: x\n    title: X\n    summary: x\n    sections:\n      - id: s\n        title: S\n        steps:\n          - id: a\n            kind: manual\n            title: A\n            do: a\n');
    const result = await runbook(['sandbox', 'status', '--file', otherFile]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${otherFile} has no "sandbox" environment`);
  });

  test('down stops the emulators and every cluster (the restored one too) and removes the directory', async () => {
    const { json } = await status();
    const pids = json.parts.filter((p) => p.pid !== undefined).map((p) => p.pid!);
    expect(new Set(pids).size).toBe(3);
    const down = await runbook(['sandbox', 'down', '--file', file]);
    expect(down.code, down.err).toBe(0);
    expect(down.out).toContain('stopped the emulators, the live cluster, the restored cluster');
    expect(existsSync(root)).toBe(false);
    expect(pids.filter(alive)).toEqual([]);
    for (const port of Object.values(ports)) expect(await portInUse(port)).toBe(false);
    const again = await runbook(['sandbox', 'down', '--file', file]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`nothing to remove: ${root} does not exist`);
    const gone = await runbook(['sandbox', 'status', '--file', file]);
    expect(gone.code).toBe(1);
    expect(gone.out).toMatch(/!! +postgres live +missing/);
    // The settings file went with the directory: the environment is pg_basebackup again, as written.
    expect(loadRunbooksFile(file).file.environments.sandbox!.backup?.tool).toBe('pg_basebackup');
  });
});

describe('runbook sandbox without pgBackRest', () => {
  let other: string;
  let otherFile: string;
  let otherPorts: Record<keyof typeof FIXED_PORTS, number>;
  let hidden: string;
  let fallbackUp: Result;

  beforeAll(async () => {
    other = join(dir, 'fallback');
    mkdirSync(other, { mode: 0o755 });
    const [live, restore, ec2, s3] = await distinctFreePorts(4);
    otherPorts = { live: live!, restore: restore!, ec2: ec2!, s3: s3! };
    otherFile = join(other, 'runbooks.yaml');
    copyWithPorts(otherFile, otherPorts);
    hidden = pathWithout('pgbackrest', join(dir, 'no-pgbackrest'));
    fallbackUp = await runbook(['sandbox', 'up', '--file', otherFile], other, hidden);
  }, 120_000);

  afterAll(async () => {
    await runbook(['sandbox', 'down', '--file', otherFile], other);
  }, 60_000);

  test('up falls back to pg_basebackup and says why, and what to install', () => {
    expect(fallbackUp.err).toBe('');
    expect(fallbackUp.code).toBe(0);
    const out = fallbackUp.out;
    expect(out).toContain('  backups: pg_basebackup (pgBackRest is not installed: apt-get install pgbackrest for the staging tool)\n');
    expect(out).toMatch(/took base backup base-\d{8}T\d{6}Z\n[\s\S]*took base backup base-/);
    expect(out).not.toContain('pgBackRest stanza');
    expect(out).toContain(`started the EC2 emulator on http://127.0.0.1:${otherPorts.ec2} and the S3 emulator on http://127.0.0.1:${otherPorts.s3} (pid`);
    expect(out).toContain('All parts healthy.');
    expect(out).toContain('a point-in-time restore of the live cluster into the restore cluster, from the base backups and the WAL archive');
    expect(existsSync(join(other, '.runbook-sandbox', 'environment.json'))).toBe(false);
    expect(existsSync(join(other, '.runbook-sandbox', 'pgbackrest'))).toBe(false);
  });

  test('status says pg_basebackup and why, in the table and in --json', async () => {
    const { code, json } = await status(otherFile, hidden);
    expect(code).toBe(0);
    expect(json.backups).toEqual({ tool: 'pg_basebackup', detail: 'pg_basebackup (pgBackRest is not installed: apt-get install pgbackrest for the staging tool)' });
    expect(json.parts.map((p) => [p.name, p.state])).toEqual([
      ['sandbox directory', 'present'],
      ['postgres live', 'running'],
      ['postgres restore', 'empty'],
      ['backup tool', 'present'],
      ['base backups', 'present'],
      ['WAL archive', 'present'],
      ['daemon', 'running'],
      ['EC2 emulator', 'running'],
      ['S3 emulator', 'running'],
      ['IaC repository', 'present'],
    ]);
    expect(part(json, 'base backups').detail).toMatch(/^2 \(base-/);
    const table = await runbook(['sandbox', 'status', '--file', otherFile], other, hidden);
    expect(table.out).toMatch(/ok {3}backup tool +present *\n +pg_basebackup \(pgBackRest is not installed: apt-get install pgbackrest for the staging tool\)\n/);
  });

  test('the runbooks use pg_basebackup: the environment as written, the daily checks on the base backups and their mirror', async () => {
    expect(loadRunbooksFile(otherFile).file.environments.sandbox!.backup).toEqual({
      tool: 'pg_basebackup',
      baseBackupDir: join(other, '.runbook-sandbox', 'base-backups'),
      walArchiveDir: join(other, '.runbook-sandbox', 'wal-archive'),
    });
    const result = await runbook(['check', 'daily', '--env', 'sandbox', '--file', otherFile], other, hidden);
    expect(result.out).toMatch(/PASS {2}last-backup-age +backup\.status +pg_basebackup: newest backup base-/);
    expect(result.out).toMatch(/PASS {2}offsite-copy +s3\.newestObject +Newest of 2 objects under s3:\/\/sandbox-backups\/postgres\/base\//);
    expect(result.out).toMatch(/SKIP {2}archive-round-trip +shell\.pgbackrestCheck/);
    // Skipped: the kubectl job check, and the three pgBackRest-only checks.
    expect(result.out).toContain('4 passed, 2 failed, 4 skipped');
  });

  test('once pgBackRest is on PATH, status says up will switch, and up switches the running sandbox to it', async () => {
    const pending = await status(otherFile);
    expect(pending.code).toBe(1);
    expect(part(pending.json, 'backup tool')).toMatchObject({ healthy: false, detail: 'pg_basebackup, but pgBackRest 2.45 is installed now: runbook sandbox up switches the sandbox to it (the staging tool)' });
    const livePid = part(pending.json, 'postgres live').pid;
    const switched = await runbook(['sandbox', 'up', '--file', otherFile], other);
    expect(switched.err).toBe('');
    expect(switched.code).toBe(0);
    const out = switched.out;
    expect(out).toContain('  backups: pgBackRest 2.45 (repo1 posix, repo2 s3 over https)\n');
    expect(out).toContain('restarted the emulators (to serve HTTPS for pgBackRest)');
    expect(out).toContain("set the live cluster's archive_command to pgBackRest's archive-push");
    expect(out).toContain('created pgBackRest stanza sandbox in repo1 (posix) and repo2 (s3 over https)');
    expect(out.match(/took pgBackRest full backup/g)).toHaveLength(4);
    expect(out).toContain('All parts healthy.');
    const after = await status(otherFile);
    expect(after.json.backups.tool).toBe('pgbackrest');
    // The live cluster was reloaded, not restarted.
    expect(part(after.json, 'postgres live').pid).toBe(livePid);
    const info = await pgbackrestInfo(join(other, '.runbook-sandbox'));
    expect(info.repo.map((repo: any) => repo.status.code)).toEqual([0, 0]);
    expect(loadRunbooksFile(otherFile).file.environments.sandbox!.backup?.tool).toBe('pgbackrest');
  }, 120_000);
});
