/**
 * A newcomer's first drills, end to end: the BUILT binary makes a sandbox (a copy of the bundled
 * runbooks.yaml on free ports), then restore-volume and restore-postgres run as drills through
 * the real TUI in a pseudo-terminal (tmux), every step by key presses: the snapshot chosen from
 * the live list, actions previewed, confirmed and run, notes typed where the runbook asks for
 * evidence; steps that do not apply in the sandbox (kubectl, ssh) are skipped by the engine.
 * The Postgres drill is a real point-in-time restore: a row written before the target survives,
 * one written after it does not. Then `runbook evidence` shows both drills passed with their RTO,
 * and `runbook check daily` the stale snapshot with its alert and the section to open.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../support/pg-cluster.js';
import { assertCanRunTerminal, builtBinary, openTerminal, repoRoot, type Terminal } from '../support/tmux.js';

const FIXED_PORTS = { live: 55432, restore: 55433, ec2: 55480, s3: 55490 } as const;
type Ports = Record<keyof typeof FIXED_PORTS, number>;

let dir: string;
let file: string;
let ports: Ports;
let env: Record<string, string>;
let homeBeforeUp = '';
let terminal: Terminal | undefined;
const sessions: Record<string, string> = {};

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function runbook(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [builtBinary, ...args, '--file', file], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout, err: stderr }),
    );
  });
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const found = new Set<number>();
  while (found.size < count) found.add(await freePort());
  return [...found];
}

async function withLive<T>(work: (client: pg.Client) => Promise<T>, port = ports.live): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'control' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  assertCanRunTerminal();
  dir = mkdtempSync(join(tmpdir(), 'runbook-drills-'));
  // The postgres user must traverse the directory to reach its clusters.
  chmodSync(dir, 0o755);
  const [live, restore, ec2, s3] = await distinctFreePorts(4);
  ports = { live: live!, restore: restore!, ec2: ec2!, s3: s3! };
  let text = readFileSync(join(repoRoot, 'runbooks.yaml'), 'utf8');
  for (const key of Object.keys(FIXED_PORTS) as Array<keyof Ports>) text = text.replaceAll(`127.0.0.1:${FIXED_PORTS[key]}`, `127.0.0.1:${ports[key]}`);
  file = join(dir, 'runbooks.yaml');
  writeFileSync(file, text);
  env = { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), RUNBOOK_DB: join(dir, 'sessions.db'), RUNBOOK_OPERATOR: 'newcomer', NO_COLOR: '1' };

  // What the README's first command shows before the sandbox exists.
  terminal = await openTerminal({ args: ['--file', file], env, cwd: dir, columns: 120, rows: 32 });
  homeBeforeUp = await terminal.waitForText('New here?', 15_000);
  await terminal.close();
  terminal = undefined;

  const up = await runbook(['sandbox', 'up']);
  if (up.code !== 0) throw new Error(`runbook sandbox up failed (${up.code}):\n${up.out}\n${up.err}`);
}, 120_000);

// A test that fails mid-walk must not leave its terminal (and its tmux server) behind.
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

afterAll(async () => {
  await terminal?.close();
  if (!dir) return;
  // Whatever happened above, nothing may be left running: down, else stop each part by hand.
  const down = await runbook(['sandbox', 'down']);
  const root = join(dir, '.runbook-sandbox');
  if (down.code !== 0 && existsSync(root)) {
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
}, 60_000);

/** One step as the operator meets it, and what they type where the runbook asks for evidence. */
type Walk =
  | { readonly id: string; readonly kind: 'manual'; readonly note?: string }
  | { readonly id: string; readonly kind: 'check' | 'wait'; readonly timeoutMs?: number }
  | { readonly id: string; readonly kind: 'action'; readonly preview: string; readonly timeoutMs?: number }
  | { readonly id: string; readonly kind: 'input' };

/**
 * Presses `key` once the session hears it: the footer shows the keys of the current mode only
 * after their listeners are attached (src/ui/screens/SessionScreen.tsx), so a key is never lost.
 */
async function press(term: Terminal, footer: string, key = 'Enter'): Promise<void> {
  await term.waitForText(footer, 15_000);
  await term.sendKeys(key);
}

const MAIN = 'enter done · ';

/** Drives the open session through `steps` in order with key presses; fails on the first step that does not pass. */
async function walk(term: Terminal, steps: readonly Walk[]): Promise<void> {
  for (const step of steps) {
    const header = `${step.kind} · ${step.id} · `;
    await term.waitForText(header, 15_000);
    switch (step.kind) {
      case 'manual': {
        if (step.note === undefined) {
          await press(term, MAIN);
          break;
        }
        await term.waitForText('enter: mark done (a note is required as evidence)');
        await press(term, MAIN);
        // The caret shows once the field hears keys.
        await term.waitForText('(required note):\n›');
        await term.waitForText('enter record · esc cancel');
        await term.type(step.note);
        await term.waitForText(`› ${step.note}`);
        await term.sendKeys('Enter');
        break;
      }
      case 'check':
      case 'wait': {
        const screen = await passedOrFailed(term, step.id, step.kind, step.timeoutMs ?? 30_000);
        expect(screen, `${step.id} should pass`).toContain(`${header}passed`);
        await press(term, MAIN);
        break;
      }
      case 'action': {
        await term.waitForText('enter: preview what will run');
        await press(term, MAIN);
        const preview = await term.waitForText('enter or y: run it', 15_000);
        expect(preview).toContain(step.preview);
        await press(term, MAIN);
        const screen = await passedOrFailed(term, step.id, 'action', step.timeoutMs ?? 30_000);
        expect(screen, `${step.id} should succeed`).toContain('✓ succeeded');
        await press(term, MAIN);
        break;
      }
      case 'input': {
        // The live list opens on the last known good snapshot: Enter chooses it.
        const list = await term.waitForText('★ last known good', 15_000);
        expect(list).toMatch(/› snap-0d47a000000000d01 .*completed.*★ last known good/);
        await press(term, MAIN);
        await term.waitForText('value: snap-0d47a000000000d01');
        await press(term, MAIN);
        break;
      }
    }
    // Every step leaves the screen: the next one (or the end) opens.
    await term.waitForTextGone(header, 30_000);
  }
}

/** Waits until the step shows a verdict; returns the screen. */
async function passedOrFailed(term: Terminal, id: string, kind: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = await term.screen();
    if (new RegExp(`${kind} · ${id} · (passed|failed)`).test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`step ${id} showed no verdict within ${timeoutMs} ms; the screen was:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Completes the finished session with Enter; returns its id and the lines it printed. */
async function finish(term: Terminal, done: number, skipped: number): Promise<{ id: string; transcript: string }> {
  const end = await term.waitForText('All steps finished.', 15_000);
  expect(end).toContain(`${done} done · ${skipped} skipped · 0 went on after a failure`);
  expect(end).toMatch(/drill: RTO \d+s/);
  await press(term, 'enter complete the session');
  expect(await term.waitForExit(10_000)).toBe(0);
  const transcript = await term.transcript();
  const id = /Session (\d{8}-\d{6}-[a-z0-9]+) completed/.exec(transcript)?.[1];
  if (!id) throw new Error(`no completed session in the transcript:\n${transcript}`);
  expect(transcript).toContain(`Session ${id} completed: ${done} done, ${skipped} skipped, 0 went on after a failure.`);
  expect(transcript).toMatch(/Drill passed: RTO \d+(\.\d)? (ms|s|min)/);
  return { id, transcript };
}

describe('drills in the sandbox, through the TUI', () => {
  test('home leads a newcomer into the sandbox, and says when it is up', async () => {
    expect(homeBeforeUp).toContain('New here? Practise safely: runbook sandbox up, then start any runbook with --env sandbox --drill');
    terminal = await openTerminal({ args: ['--file', file], env, cwd: dir, columns: 120, rows: 32 });
    await terminal.waitForText('Sandbox is up: start a runbook with --env sandbox --drill', 15_000);
    await terminal.waitForKeyboard();
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit(10_000)).toBe(0);
  }, 30_000);

  test('restore-volume: every step by keys, from the snapshot list to the swap and the forensic tag', async () => {
    terminal = await openTerminal({
      args: ['start', 'restore-volume', '--env', 'sandbox', '--drill', '--file', file, '--set', 'volume_id=vol-0d47a000000000001', '--set', 'workload_instance_id=i-0b0b000000000000b', '--set', `target_time=${new Date().toISOString()}`],
      env,
      cwd: dir,
      columns: 140,
      rows: 45,
    });
    const first = await terminal.waitForText('? help · q leave', 15_000);
    expect(first).toContain('Restore a single volume from snapshot');
    expect(first).toContain('env sandbox');
    expect(first).toContain('DRILL');
    // Steps that need Kubernetes or a real instance are skipped by the engine, with a reason.
    expect(first).toContain('↷ Scale the workload to zero');
    await terminal.waitForKeyboard();
    await walk(terminal, [
      { id: 'choose-snapshot', kind: 'input' },
      { id: 'check-snapshot', kind: 'check' },
      { id: 'why-this-snapshot', kind: 'manual', note: 'damage at 09:58 today; the snapshot is from yesterday' },
      { id: 'clean-unmount', kind: 'manual', note: 'sandbox: the instance is emulated, nothing is mounted' },
      { id: 'create-volume', kind: 'action', preview: 'Create a new volume from snap-0d47a000000000d01 in us-east-1a' },
      { id: 'attach-to-recovery', kind: 'action', preview: 'to i-0a11ce0000000000a as /dev/sdr' },
      { id: 'attached-to-recovery', kind: 'wait' },
      { id: 'application-checks', kind: 'manual', note: 'sandbox: no application on the emulated volume' },
      { id: 'detach-from-recovery', kind: 'action', preview: 'from i-0a11ce0000000000a' },
      { id: 'restored-available', kind: 'wait' },
      { id: 'detach-old', kind: 'action', preview: 'vol-0d47a000000000001 from i-0b0b000000000000b' },
      { id: 'old-detached', kind: 'wait' },
      { id: 'attach-restored', kind: 'action', preview: 'to i-0b0b000000000000b as /dev/sdf' },
      { id: 'restored-attached', kind: 'wait' },
      { id: 'workload-serving', kind: 'manual', note: 'the restored volume is attached to the workload instance at /dev/sdf' },
      { id: 'retain-old-volume', kind: 'action', preview: 'vol-0d47a000000000001' },
      { id: 'forensic-owner', kind: 'manual', note: 'OPS-1: newcomer reviews by Friday' },
    ]);
    const { id } = await finish(terminal, 17, 8);
    sessions['restore-volume'] = id;
  }, 90_000);

  test('restore-postgres: a real point-in-time restore, every step by keys; the row after the target is not restored', async () => {
    // A row before the recovery point and one after it: the restore must keep the first only.
    const target = await withLive(async (client) => {
      await client.query("insert into tenants (id, name) values ('before-target', 'kept by the restore')");
      // Dates carry milliseconds and commits microseconds: keep the target clear of both commits.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const at = ((await client.query('select clock_timestamp() as at')).rows[0].at as Date).toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.query("insert into tenants (id, name) values ('after-target', 'lost by the restore')");
      return at;
    });
    terminal = await openTerminal({
      args: ['start', 'restore-postgres', '--env', 'sandbox', '--drill', '--file', file, '--set', `target_time=${target}`],
      env,
      cwd: dir,
      columns: 140,
      rows: 45,
    });
    const first = await terminal.waitForText('? help · q leave', 15_000);
    expect(first).toContain('Restore Postgres into a new cluster (standard path)');
    await terminal.waitForKeyboard();
    await walk(terminal, [
      { id: 'disable-deploys', kind: 'manual', note: 'CHG-1: sandbox deploys paused' },
      { id: 'live-migration-version', kind: 'check' },
      { id: 'freeze-database', kind: 'action', preview: 'Make new sessions of database "control" read-only' },
      { id: 'confirm-read-only', kind: 'check' },
      { id: 'archive-wal', kind: 'action', preview: 'Close the current WAL segment of "live" and wait until it is archived' },
      { id: 'live-size', kind: 'check' },
      { id: 'provision', kind: 'manual', note: 'sandbox: local cluster, same machine' },
      { id: 'restore-dir-empty', kind: 'check' },
      { id: 'backup-available', kind: 'check' },
      { id: 'restore-backup', kind: 'action', preview: `target time: ${target}`, timeoutMs: 60_000 },
      { id: 'replay-wal', kind: 'wait', timeoutMs: 60_000 },
      { id: 'recovery-point', kind: 'check' },
      { id: 'connection-test', kind: 'check' },
      { id: 'migration-version', kind: 'check' },
      { id: 'tenants-query', kind: 'check' },
      { id: 'config-query', kind: 'check' },
      { id: 'invalid-indexes', kind: 'check' },
      { id: 'enable-archiving', kind: 'action', preview: 'Drill: leave archiving off on "restore"' },
      { id: 'update-service-discovery', kind: 'manual', note: `sandbox: control plane now at 127.0.0.1:${ports.restore}` },
      { id: 'unfreeze-new-primary', kind: 'action', preview: 'Allow writes again on database "control"' },
      { id: 'new-primary-writable', kind: 'check' },
      { id: 'old-primary-still-frozen', kind: 'check' },
      { id: 'enable-deploys', kind: 'manual', note: 'CHG-1 closed' },
      { id: 'api-error-rate', kind: 'manual', note: 'sandbox: no API; nothing to watch' },
      { id: 'reconcile-backlog', kind: 'wait' },
      { id: 'replication', kind: 'check' },
      { id: 'update-runbooks-file', kind: 'manual' },
    ]);
    const { id } = await finish(terminal, 27, 8);
    sessions['restore-postgres'] = id;

    const restored = await withLive(async (client) => (await client.query("select id from tenants where id in ('before-target', 'after-target') order by id")).rows.map((row) => row.id), ports.restore);
    expect(restored).toEqual(['before-target']);
  }, 120_000);

  test('runbook evidence shows both drills passed, with their RTO and recovery point', async () => {
    const result = await runbook(['evidence', '--env', 'sandbox', '--json']);
    // The weekly restore tests (verify-*) were not run: evidence still says they are overdue.
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as {
      overdue: boolean;
      runbooks: Array<{ runbook: string; cadence: string | null; overdue: boolean; lastPassed: null | { session: string; env: string; operator: string; outcome: string; rtoMs: number; recoveryPoint: string; recoveryTarget: string; recoveryGapMs: number } }>;
    };
    expect(report.overdue).toBe(true);
    const byId = Object.fromEntries(report.runbooks.map((entry) => [entry.runbook, entry]));
    for (const id of ['restore-volume', 'restore-postgres']) {
      expect(byId[id], id).toMatchObject({ cadence: null, overdue: false, lastPassed: { session: sessions[id], env: 'sandbox', outcome: 'passed' } });
      expect(byId[id]!.lastPassed!.operator).toMatch(/^newcomer@/);
      expect(byId[id]!.lastPassed!.rtoMs).toBeGreaterThan(0);
    }
    // The volume's recovery point is the snapshot's start (about 30 h before the target); Postgres's is just before its target.
    const volume = byId['restore-volume']!.lastPassed!;
    expect(volume.recoveryPoint).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(volume.recoveryGapMs).toBeGreaterThan(24 * 3_600_000);
    const postgres = byId['restore-postgres']!.lastPassed!;
    expect(postgres.recoveryGapMs).toBeGreaterThanOrEqual(0);
    expect(postgres.recoveryGapMs).toBeLessThan(60_000);
    expect(byId['verify-postgres-restore']).toMatchObject({ cadence: 'weekly', lastPassed: null, overdue: true });

    const table = await runbook(['evidence', '--env', 'sandbox']);
    expect(table.out).toMatch(/restore-postgres +- +\S+ \S+ +sandbox +\d+(\.\d+)? (s|min)/);
    expect(table.out).toMatch(/restore-volume +- +\S+ \S+ +sandbox +\d+(\.\d+)? (s|min)/);
    expect(table.out).toMatch(/restore-postgres .* passed \(no cadence\)/);
  }, 30_000);

  test('runbook check daily shows the stale snapshot failing, with its alert and the section to open', async () => {
    const result = await runbook(['check', 'daily', '--env', 'sandbox']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL {2}snapshot-age +ec2\.snapshots +Snapshots of volume vol-0d47a000000000001: newest completed snapshot is \d+h( \d+m)? old \(limit 26h\)/);
    expect(result.out).toContain('alert: Volume snapshot stale (volume-snapshot-stale)\n      open: runbook start backup-schedule --env sandbox --at volume-snapshots');
  }, 60_000);
});
