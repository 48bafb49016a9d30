/**
 * The weekly restore tests unattended, end to end in the sandbox: the BUILT binary makes a sandbox
 * (a copy of the bundled runbooks.yaml on free ports), then `runbook run` drives the bundled
 * verify-postgres-restore (a real point-in-time restore, smoke tests, clean-up) and restore-volume
 * as drills with the shipped answers files, no terminal. `runbook evidence` then shows both drills
 * passed with their RTO and recovery point, and the export says which answers came from a file.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../support/pg-cluster.js';
import { builtBinary, repoRoot } from '../support/tmux.js';

const FIXED_PORTS = { live: 55432, restore: 55433, ec2: 55480, s3: 55490 } as const;
type Ports = Record<keyof typeof FIXED_PORTS, number>;
const answers = (name: string) => join(repoRoot, 'examples', 'answers', name);

let dir: string;
let file: string;
let env: Record<string, string>;

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function runbook(args: string[], timeout = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [builtBinary, ...args, '--file', file], { cwd: dir, encoding: 'utf8', timeout, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout, err: stderr }),
    );
  });
}

beforeAll(async () => {
  if (!existsSync(builtBinary)) throw new Error(`run "npm run build" first: ${builtBinary} is missing`);
  dir = mkdtempSync(join(tmpdir(), 'runbook-headless-drills-'));
  chmodSync(dir, 0o755);
  const found = new Set<number>();
  while (found.size < 4) found.add(await freePort());
  const [live, restore, ec2, s3] = [...found];
  const ports: Ports = { live: live!, restore: restore!, ec2: ec2!, s3: s3! };
  let text = readFileSync(join(repoRoot, 'runbooks.yaml'), 'utf8');
  for (const key of Object.keys(FIXED_PORTS) as Array<keyof Ports>) text = text.replaceAll(`127.0.0.1:${FIXED_PORTS[key]}`, `127.0.0.1:${ports[key]}`);
  file = join(dir, 'runbooks.yaml');
  writeFileSync(file, text);
  env = { HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), RUNBOOK_DB: join(dir, 'sessions.db'), RUNBOOK_OPERATOR: 'weekly-job', NO_COLOR: '1' };
  const up = await runbook(['sandbox', 'up']);
  if (up.code !== 0) throw new Error(`runbook sandbox up failed (${up.code}):\n${up.out}\n${up.err}`);
}, 180_000);

afterAll(async () => {
  if (!dir) return;
  await runbook(['sandbox', 'down']);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('weekly restore tests, headless in the sandbox', () => {
  test('verify-postgres-restore: a real PITR, smoke tests and clean-up, recorded as a passing drill', async () => {
    const target = new Date(Date.now() - 1_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const run = await runbook(['run', 'verify-postgres-restore', '--env', 'sandbox', '--drill', '--yes', '--answers', answers('verify-postgres-restore.yaml'), '--set', `target_time=${target}`, '--json'], 180_000);
    expect(run.err).not.toContain('internal error');
    const document = JSON.parse(run.out);
    expect(document, run.err).toMatchObject({ format: 'runbook-run/1', runbook: 'verify-postgres-restore', env: 'sandbox', drill: true, status: 'completed', exitCode: 0, stop: null });
    expect(run.code).toBe(0);
    expect(document.drillResult).toMatchObject({ outcome: 'passed', passed: true, recoveryTarget: target });
    expect(document.drillResult.rtoMs).toBeGreaterThan(0);
    expect(Date.parse(document.drillResult.recoveryPoint)).toBeLessThanOrEqual(Date.parse(target));
    const ran = document.steps.map((step: { id: string; status: string }) => `${step.status} ${step.id}`);
    for (const id of ['restore-backup', 'replay-wal', 'tenants-query', 'discard-scratch-cluster']) expect(ran).toContain(`done ${id}`);
    const exported = await runbook(['export', document.session]);
    expect(exported.out).toContain('the answers file verify-postgres-restore.yaml (headless run)');
  }, 240_000);

  test('restore-volume: snapshot chosen as last-known-good from the live list, volume created, attached and swapped', async () => {
    const run = await runbook([
      'run', 'restore-volume', '--env', 'sandbox', '--drill', '--yes', '--answers', answers('restore-volume.sandbox.yaml'),
      '--set', 'volume_id=vol-0d47a000000000001', '--set', 'workload_instance_id=i-0b0b000000000000b', '--set', `target_time=${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    ], 180_000);
    expect(run.err).not.toContain('internal error');
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.out).toMatch(/^DONE {2}choose-snapshot +\S+ +value: snap-/m);
    expect(run.out).toMatch(/^DONE {2}create-volume /m);
    expect(run.out).toMatch(/Drill passed: RTO /);
  }, 240_000);

  test('evidence shows both drills passed, with their RTO', async () => {
    const evidence = await runbook(['evidence', '--json']);
    const report = JSON.parse(evidence.out) as { runbooks: Array<{ runbook: string; lastPassed: { operator: string; rtoMs: number | null; outcome: string } | null }> };
    for (const id of ['verify-postgres-restore', 'restore-volume']) {
      const entry = report.runbooks.find((candidate) => candidate.runbook === id);
      expect(entry?.lastPassed, id).toMatchObject({ outcome: 'passed', operator: expect.stringContaining('weekly-job') });
      expect(entry!.lastPassed!.rtoMs).toBeGreaterThan(0);
    }
  }, 60_000);
});
