/**
 * Four-eyes approval with the built binary, in two processes: on one SQLite file, as two
 * operators of one jump host share it (their own RUNBOOK_OPERATOR), and on the shared PostgreSQL
 * store, as two operators on two machines do (each logs in as their own database role, PGUSER).
 * Bob's headless run waits for approval printing the command; Carol, in her own process, runs
 * it: she lists the request, sees the same preview the run recorded, cannot be Bob, and approves
 * or rejects; the run goes on or stops; the export and verify show it all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { previewHash } from '../../src/state/preview-hash.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { builtBinary } from '../support/tmux.js';

let directory: string;
let server: TestStoreServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(builtBinary)) throw new Error(`run "npm run build" first: ${builtBinary} is missing`);
  directory = mkdtempSync(join(tmpdir(), 'runbook-approvals-'));
  server = await createStoreServer({ writers: ['bob', 'carol'] });
}, 120_000);
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await server?.destroy();
  rmSync(directory, { recursive: true, force: true });
});

const bob = `bob@${hostname()}`;
const carol = `carol@${hostname()}`;

type Store = 'sqlite' | 'postgres';

function workspace(name: string, kind: Store) {
  const dir = join(directory, `${kind}-${name}`);
  spawnSync('mkdir', ['-p', dir]);
  const marker = join(dir, 'marker.txt');
  const file = join(dir, 'runbooks.yaml');
  writeFileSync(
    file,
    `version: 1
environments:
  production:
    protected: true
    confirm: prod-db
    approvals: { required: 1, expires: 1h }
runbooks:
  - id: restore-thing
    title: Restore a thing
    summary: One action under four eyes.
    sections:
      - id: restore
        title: Restore
        steps:
          - { id: announce, kind: manual, title: Announce the restore, do: Post in the channel., note: required }
          - id: write-marker
            kind: action
            title: Write the marker
            do: Appends to the marker file.
            uses: shell.run
            with:
              argv: ["node", "-e", "require('fs').appendFileSync(process.argv[1], 'ran;')", ${JSON.stringify(marker)}]
          - id: marker-there
            kind: check
            title: The marker is there
            do: Look.
            uses: shell.run
            with: { argv: ["node", "-e", "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 2)", ${JSON.stringify(marker)}] }
`,
  );
  const answers = join(dir, 'answers.yaml');
  writeFileSync(answers, 'announce: "posted in #incident"\n');
  const db = join(dir, 'sessions.db');
  // On the shared store each operator logs in as their own role; the URL names none (libpq's PGUSER does).
  const storeUrl = kind === 'postgres' ? server.url('x').replace('x@', '') : undefined;
  const where = storeUrl ? ['--store', storeUrl, '--db', db] : ['--db', db];
  const env = (operator: string, role = operator) => ({ ...process.env, RUNBOOK_OPERATOR: operator, PGUSER: role, NO_COLOR: '1' });
  const asRole = (operator: string, role: string, ...args: string[]) =>
    spawnSync(process.execPath, [builtBinary, '--file', file, ...where, ...args], { encoding: 'utf8', timeout: 60_000, env: env(operator, role), stdio: ['pipe', 'pipe', 'pipe'] });
  const as = (operator: string, ...args: string[]) => asRole(operator, operator, ...args);
  /** Bob's headless run, in the background; resolves lines as they come. */
  const bobRuns = (...extra: string[]) => {
    const child = spawn(process.execPath, [builtBinary, '--file', file, ...where, 'run', 'restore-thing', '--env', 'production', '--incident', 'INC-9', '--answers', answers, '--yes', '--confirm', 'prod-db', ...extra], {
      env: env('bob'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const line = async (pattern: RegExp, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = stdout.split('\n').find((text) => pattern.test(text));
        if (found !== undefined) return found;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no line ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    return { child, exit, line, output: () => ({ stdout, stderr }) };
  };
  const effects = () => (existsSync(marker) ? readFileSync(marker, 'utf8').split(';').filter(Boolean).length : 0);
  /** The store as the approve command names it. */
  const storeFlag = storeUrl ? `--store ${storeUrl}` : `--db ${db}`;
  return { file, db, answers, as, asRole, bobRuns, effects, storeFlag };
}

type ExportedEvent = { seq: number; type: string; stepId: string | null; actor: string; data: Record<string, unknown> };

const places: Array<[string, Store]> = [
  ['two operators on one jump host (SQLite)', 'sqlite'],
  ['two operators on two machines (the shared PostgreSQL store)', 'postgres'],
];

for (const [title, kind] of places) describe(title, () => {
  it('the run waits, the approver sees the same preview in her process, approves, and the run proceeds', async () => {
    const w = workspace('approve', kind);
    const run = w.bobRuns('--approval-timeout', '60s');
    const waiting = await run.line(/runbook approve /);
    const id = /Session (\S+):/.exec(run.output().stdout)![1]!;
    expect(waiting.trim()).toBe(`runbook approve ${id} write-marker ${w.storeFlag}`);
    expect(run.output().stdout).toContain('write-marker waits up to 1m00s for approval (environment "production" requires 1 approval for every action); another operator runs:');

    const listed = w.as('carol', 'approvals', '--json');
    expect(listed.status).toBe(0);
    const [request] = (JSON.parse(listed.stdout) as { approvals: Array<Record<string, unknown>> }).approvals.filter((entry) => entry.session === id);
    expect(request).toMatchObject({ session: id, step: 'write-marker', env: 'production', protected: true, incident: 'INC-9', requestedBy: bob, required: 1, command: waiting.trim() });

    // Without a terminal and without --confirm: the preview is printed, nothing is recorded.
    const unconfirmed = w.as('carol', 'approve', id);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr.trim()).toBe('runbook: approving an action on protected production needs its name typed: read the preview above, then run this again with --confirm "prod-db"');
    // The same preview the run recorded: its hash recomputed from the recorded event is the one shown.
    const recorded = (JSON.parse(w.as('carol', 'export', id, '--format', 'json').stdout) as { events: ExportedEvent[] }).events;
    const previewed = recorded.find((event) => event.type === 'ActionPreviewed')!;
    const hash = previewHash('write-marker', previewed.data as never);
    expect(request!.hash).toBe(hash);
    expect(unconfirmed.stdout).toContain(`Preview hash ${hash}`);
    expect(unconfirmed.stdout).toContain(`will run: ${previewed.data.summary}`);
    expect(unconfirmed.stdout).toContain(`dry-run passed: ${(previewed.data.dryRun as { detail: string }).detail}`);
    for (const detail of previewed.data.details as Array<{ label: string; value: string }>) expect(unconfirmed.stdout).toContain(`  ${detail.label}: ${detail.value}`);
    expect(unconfirmed.stdout).toContain(`Requested by ${bob}`);

    const self = w.as('bob', 'approve', id, 'write-marker', '--confirm', 'prod-db');
    expect(self.status).toBe(2);
    expect(self.stderr).toContain(`${bob} asked for this approval, so cannot decide on it: another operator must`);
    if (kind === 'postgres') {
      // Bob under carol's name, logged in as himself: recorded (the log keeps the attempt), not counted.
      const forged = w.asRole('carol', 'bob', 'approve', id, 'write-marker', '--confirm', 'prod-db');
      expect(forged.status).toBe(2);
      expect(forged.stderr).toMatch(/your decision was recorded \(event \d+\) but does not count: written by database role "bob", which also asked for this approval/);
    }
    const wrongName = w.as('carol', 'approve', id, '--confirm', 'production');
    expect(wrongName.status).toBe(2);
    expect(wrongName.stderr).toContain('type "prod-db" exactly to approve an action on protected production');
    expect(w.effects()).toBe(0);

    const approved = w.as('carol', 'approve', id.slice(0, 12), '--confirm', 'prod-db', '--reason', 'checked the target with the owner');
    expect(approved.stderr).toBe('');
    expect(approved.status).toBe(0);
    expect(approved.stdout).toContain(`Approved step write-marker of session ${id} (preview ${hash.slice(7, 19)}) as ${carol}`);
    expect(approved.stdout).toContain('1 of 1 approvals: the action may run now');

    expect(await run.exit).toBe(0);
    expect(w.effects()).toBe(1);
    expect(w.as('carol', 'approvals').stdout).not.toContain(id);

    const events = (JSON.parse(w.as('carol', 'export', id, '--format', 'json').stdout) as { events: ExportedEvent[] }).events;
    expect(events.filter((event) => event.stepId === 'write-marker').map((event) => `${event.type}:${event.actor}`)).toEqual([
      `StepOpened:${bob}`,
      `ActionPreviewed:${bob}`,
      `ApprovalRequested:${bob}`,
      ...(kind === 'postgres' ? [`ActionApproved:${carol}`] : []),
      `ActionApproved:${carol}`,
      `ActionConfirmed:${bob}`,
      `ActionIntended:${bob}`,
      `ActionSucceeded:${bob}`,
      `StepCompleted:${bob}`,
    ]);
    const md = w.as('carol', 'export', id, '--format', 'md').stdout;
    expect(md).toContain(`### \`write-marker\`: preview ${hash}`);
    expect(md).toContain(`| approved | ${carol}${kind === 'postgres' ? ' (role carol)' : ''} |`);
    if (kind === 'postgres') expect(md).toContain(`| approved | ${carol} (role bob) |`);
    expect(md).toContain('| checked the target with the owner |');
    expect(w.as('carol', 'verify', id).status).toBe(0);
  });

  it('a rejection stops the run (exit 1), saying who and why; nothing runs', async () => {
    const w = workspace('reject', kind);
    const run = w.bobRuns('--approval-timeout', '60s');
    await run.line(/runbook approve /);
    const id = /Session (\S+):/.exec(run.output().stdout)![1]!;
    const noReason = w.as('carol', 'reject', id, 'write-marker');
    expect(noReason.status).toBe(2);
    expect(noReason.stderr).toContain('say why with --reason TEXT');
    const rejected = w.as('carol', 'reject', id, 'write-marker', '--reason', 'wrong target');
    expect(rejected.status).toBe(0);
    expect(rejected.stdout).toContain(`Rejected step write-marker of session ${id}`);
    expect(await run.exit).toBe(1);
    expect(run.output().stderr + run.output().stdout).toContain(`${carol} rejected action "write-marker": wrong target; it did not run`);
    expect(w.effects()).toBe(0);
  });

  it('no decision within --approval-timeout exits 2 naming the command; approved later, the resumed run proceeds', async () => {
    const w = workspace('timeout', kind);
    const run = w.bobRuns('--approval-timeout', '1s');
    expect(await run.exit).toBe(2);
    const { stdout, stderr } = run.output();
    const id = /Session (\S+):/.exec(stdout)![1]!;
    expect(stderr + stdout).toContain(`no decision on action "write-marker" within 1.0 s`);
    expect(stderr + stdout).toContain(`another operator runs "runbook approve ${id} write-marker ${w.storeFlag}"`);
    expect(stdout + stderr).toContain('--approval-timeout 1s');
    expect(w.as('carol', 'approve', id, '--confirm', 'prod-db').status).toBe(0);
    const resumed = w.as('bob', 'run', '--resume', id, '--answers', w.answers, '--yes', '--confirm', 'prod-db', '--approval-timeout', '1s');
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(w.effects()).toBe(1);
  });

  it('a bad --approval-timeout is a usage error', () => {
    const w = workspace('bad-flag', kind);
    const bad = w.as('bob', 'run', 'restore-thing', '--env', 'production', '--incident', 'I', '--approval-timeout', 'soon');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('runbook: --approval-timeout takes a duration like "10m", "1h" or "90s", got "soon"');
  });
});
