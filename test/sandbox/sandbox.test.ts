/**
 * `runbook sandbox up|status|down` with real parts: the built binary (dist/, from `npm run build`)
 * makes a sandbox from a copy of the bundled runbooks.yaml moved to free ports in a temp
 * directory; real checks and a real point-in-time restore run against it; `down` removes it.
 * One sandbox for the whole file (starting one takes a few seconds).
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveEnvironment } from '../../src/runbooks/environment.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { portInUse } from '../../src/sandbox/probes.js';
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

function runbook(args: string[], cwd = dir): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binary, ...args],
      { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: dir, RUNBOOK_DB: join(dir, 'sessions.db') } },
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
  parts: Array<{ name: string; state: string; healthy: boolean; pid?: number; endpoint?: string; directory?: string; detail: string }>;
}

async function status(): Promise<{ code: number | null; json: StatusJson }> {
  const result = await runbook(['sandbox', 'status', '--json', '--file', file]);
  return { code: result.code, json: JSON.parse(result.out) as StatusJson };
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

describe('runbook sandbox', () => {
  test('up from nothing makes every part and says what runs where and what to try', () => {
    expect(firstUp.err).toBe('');
    expect(firstUp.code).toBe(0);
    expect(firstUp.out).toContain(`started the live cluster on 127.0.0.1:${ports.live}`);
    expect(firstUp.out).toMatch(/took base backup base-\d{8}T\d{6}Z\n[\s\S]*took base backup base-/);
    expect(firstUp.out).toContain(`started the EC2 emulator on http://127.0.0.1:${ports.ec2} and the S3 emulator on http://127.0.0.1:${ports.s3}`);
    expect(firstUp.out).toContain(`postgres://postgres@127.0.0.1:${ports.live}/control`);
    expect(firstUp.out).toContain('All parts healthy.');
    expect(firstUp.out).toContain(`runbook check daily --env sandbox --file ${file}`);
    expect(firstUp.out).toContain('--set volume_id=vol-0d47a000000000001 --set workload_instance_id=i-0b0b000000000000b');
    expect(existsSync(join(root, 'sandbox.json'))).toBe(true);
  });

  test('status --json: every part healthy, with its pid, endpoint and directory; the restore directory empty', async () => {
    const { code, json } = await status();
    expect(code).toBe(0);
    expect(json.healthy).toBe(true);
    expect(json.parts.map((p) => [p.name, p.state])).toEqual([
      ['sandbox directory', 'present'],
      ['postgres live', 'running'],
      ['postgres restore', 'empty'],
      ['base backups', 'present'],
      ['WAL archive', 'present'],
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
    expect(readdirSync(join(root, 'pg-restore'))).toEqual([]);
    expect(await portInUse(ports.restore)).toBe(false);
    expect(part(json, 'base backups').detail).toMatch(/^2 \(base-/);
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
    expect(out).toMatch(/PASS {2}last-backup-age +backup\.status/);
    expect(out).toMatch(/PASS {2}offsite-copy +s3\.newestObject/);
    expect(out).toMatch(/PASS {2}wal-archiving +postgres\.archiver/);
    expect(out).toMatch(/PASS {2}storage-usage +s3\.prefixUsage/);
    expect(out).toMatch(/FAIL {2}snapshot-failures +ec2\.snapshots +Snapshots of tag backup-policy=daily: 1 failed snapshots in the last 1d \(snap-0d47a000000000e01\)/);
    expect(out).toContain('alert: Volume snapshot failed (volume-snapshot-failed)\n      open: runbook start daily --env sandbox --at volume-snapshots');
    expect(out).toMatch(/FAIL {2}snapshot-age +ec2\.snapshots +Snapshots of volume vol-0d47a000000000001: newest completed snapshot is \d+h( \d+m)? old \(limit 26h\)/);
    expect(out).toContain('alert: Volume snapshot stale (volume-snapshot-stale)\n      open: runbook start backup-schedule --env sandbox --at volume-snapshots');
    // Skipped: the kubectl job check, and the three pgBackRest-only checks (the sandbox backs up with pg_basebackup).
    expect(out).toContain('4 passed, 2 failed, 4 skipped');
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

  test('a point-in-time restore from its base backup and WAL archive reaches the target and not past it', async () => {
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
    expect(restored.detail).toContain(`the cluster started on port ${ports.restore}`);
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
    process.kill(daemonPid, 'SIGKILL');
    await new Promise<void>((resolve, reject) =>
      execFile('runuser', ['-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', join(root, 'pg-live'), '-m', 'fast', '-w', 'stop'], (error) => (error ? reject(error) : resolve())),
    );
    const broken = await status();
    expect(broken.code).toBe(1);
    expect(broken.json.healthy).toBe(false);
    expect([part(broken.json, 'postgres live').state, part(broken.json, 'daemon').state, part(broken.json, 'EC2 emulator').state]).toEqual(['stopped', 'stopped', 'stopped']);

    const repaired = await runbook(['sandbox', 'up', '--file', file]);
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain(`started the live cluster on 127.0.0.1:${ports.live}`);
    expect(repaired.out).toContain(`started the EC2 emulator on http://127.0.0.1:${ports.ec2}`);
    expect(repaired.out).not.toContain('took base backup');
    expect(repaired.out).toContain('All parts healthy.');
    const described = await runProviderOnce(environment, 'ec2.describeVolume', { volumeId }, { kind: 'check', timeoutMs: 10_000, artifactsDir: dir });
    expect(described.outputs.snapshotId).toBe('snap-0d47a000000000d01');
  });

  test('a second up changes nothing that is healthy', async () => {
    const before = (await status()).json;
    const backups = readdirSync(join(root, 'base-backups')).sort();
    const seedTime = statSync(join(root, 'ec2-seed.json')).mtimeMs;
    const again = await runbook(['sandbox', 'up', '--file', file]);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(/^ {2}(created|initialised|started|took|switched|emptied|restarted)/m);
    expect(again.out).toContain(`left the restored cluster in ${join(root, 'pg-restore')} running`);
    const after = (await status()).json;
    expect(after.parts.map((p) => [p.name, p.state, p.pid])).toEqual(before.parts.map((p) => [p.name, p.state, p.pid]));
    expect(readdirSync(join(root, 'base-backups')).sort()).toEqual(backups);
    expect(statSync(join(root, 'ec2-seed.json')).mtimeMs).toBe(seedTime);
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
  });
});
