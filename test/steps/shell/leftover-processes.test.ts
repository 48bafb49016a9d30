/**
 * shell.run leaves nothing running: real processes that leave the program's process group with
 * setsid, double-fork to be re-parented to init, or ignore SIGTERM are ended when the step ends
 * (the program exiting, or its timeout), and the result names each by pid. What cannot be ended
 * (a root process, for a step run as another user) fails the step and is named too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shellRunParams } from '../../../src/steps/shell/definitions.js';
import { shellRun } from '../../../src/steps/shell/run.js';
import { parseStat } from '../../../src/steps/shell/proc-table.js';
import type { StepResult } from '../../../src/steps/provider.js';
import { stepContext } from './step-context.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-leftovers-'));
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The test's own marker, given to the step through `env`: independent of how runbook finds its processes. */
const testMarker = () => `LEFTOVER_TEST=${randomBytes(8).toString('hex')}`;
const startedWith = new Set<string>();

/** Live (non-zombie) processes whose environment holds `marker`, read from /proc by this test. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(marker)) found.push(Number(name));
    } catch {
      // Ended while being read.
    }
  }
  return found;
}

/** Whatever a failed test left behind is ended, so one failure does not leave 300 s sleeps around. */
afterEach(() => {
  for (const marker of startedWith) {
    for (const pid of processesWith(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  startedWith.clear();
});

async function runStep(
  script: string,
  options: { timeoutMs?: number; args?: string[]; secrets?: string[] } = {},
): Promise<{ result: StepResult; marker: string; output: string }> {
  const marker = testMarker();
  startedWith.add(marker);
  const [name, value] = marker.split('=') as [string, string];
  const context = stepContext({ timeoutMs: options.timeoutMs ?? 20_000, environment: { secrets: options.secrets ?? [] } });
  const result = await shellRun.run(shellRunParams.parse({ argv: ['sh', '-c', script, 'step', ...(options.args ?? [])], env: { [name]: value } }), context);
  return { result, marker, output: context.output.join('') };
}

const pidsIn = (output: string): number[] => output.split(/\s+/).filter((word) => /^\d+$/.test(word)).map(Number);
const endedPids = (result: StepResult): number[] => ((result.observed as { ended?: { pid: number }[] }).ended ?? []).map((entry) => entry.pid);

// Scripts pause a moment before exiting where a test names the command: a child still between fork and exec shows its parent's.
describe('shell.run: processes left running are ended when the step ends', () => {
  it('ends a child that left the process group with setsid after the program exits, and names it', async () => {
    const { result, marker, output } = await runStep('setsid sleep 300 & echo $!; sleep 0.2');
    const [sleeper] = pidsIn(output);
    expect(sleeper).toBeGreaterThan(0);
    expect(result.ok).toBe(true);
    expect(processesWith(marker)).toEqual([]);
    expect(result.detail).toContain(`It left 1 process running, ended at the step's end: pid ${sleeper} (sleep 300).`);
    expect(result.observed).toEqual({ output: 'exit code 0', ended: [{ pid: sleeper, command: 'sleep 300' }] });
  });

  it('ends double-forked setsid daemons re-parented to init, even ones ignoring SIGTERM', async () => {
    // setsid -f forks and exits; the ( … & ) subshell exits before its child: both end up children of init, in their own sessions.
    const script = `
      setsid -f sleep 301
      ( setsid sh -c 'trap "" TERM; echo $$; exec sleep 302' & )
      sleep 0.3
      echo started`;
    const started = Date.now();
    const { result, marker, output } = await runStep(script);
    expect(output).toContain('started');
    expect(result.ok).toBe(true);
    expect(processesWith(marker)).toEqual([]);
    const ended = (result.observed as { ended: { pid: number; command: string }[] }).ended;
    expect(ended.map((entry) => entry.command).sort()).toEqual(['sleep 301', 'sleep 302']);
    expect(ended.map((entry) => entry.pid)).toContain(pidsIn(output)[0]);
    // The one ignoring SIGTERM needed SIGKILL after the 2 s grace.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('ends setsid children at the timeout too, not only the process group', async () => {
    const { result, marker, output } = await runStep('setsid -f sh -c "echo \\$\\$; exec sleep 300"; sleep 300', { timeoutMs: 1_000 });
    const [escaped] = pidsIn(output);
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('timeout');
    expect(processesWith(marker)).toEqual([]);
    expect(endedPids(result)).toContain(escaped);
    expect(result.detail).toContain(`pid ${escaped} (sleep 300)`);
  });

  it('redacts known secrets in the command lines it reports', async () => {
    const { result, marker, output } = await runStep('setsid sh -c "sleep 300; :" "$1" & echo $!; sleep 0.2', { args: ['--password=s3cr3t-value'], secrets: ['s3cr3t-value'] });
    const [left] = pidsIn(output);
    expect(processesWith(marker)).toEqual([]);
    expect(result.detail).toContain(`pid ${left} (sh -c sleep 300; : --password=<redacted>)`);
    expect(JSON.stringify(result)).not.toContain('s3cr3t-value');
  });

  it('leaves nothing to report when the program started nothing that outlived it', async () => {
    const { result } = await runStep('sleep 0.1; echo done');
    expect(result.ok).toBe(true);
    expect(result.observed).toBe('exit code 0');
    expect(result.detail).not.toContain('left');
  });
});

describe('shell.run: processes that cannot be ended fail the step, by pid', () => {
  let harness: string;
  let rootSleeper: string;

  beforeAll(async () => {
    // A setuid-root program that becomes root for good: a step run as nobody may not signal it.
    const source = join(dir, 'root-sleeper.c');
    writeFileSync(source, '#define _GNU_SOURCE\n#include <unistd.h>\nint main(void) { if (setresuid(0, 0, 0) != 0) return 3; sleep(300); return 0; }\n');
    rootSleeper = join(dir, 'root-sleeper');
    const compiled = spawnSync('cc', ['-o', rootSleeper, source], { encoding: 'utf8' });
    if (compiled.error || compiled.status !== 0) throw new Error(`this test needs a C compiler: apt-get install gcc (${compiled.error?.message ?? compiled.stderr})`);
    chmodSync(rootSleeper, 0o4755);
    harness = join(dir, 'run-shell-step.mjs');
    await build({ entryPoints: [join(import.meta.dirname, 'fixtures/run-shell-step.ts')], outfile: harness, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
    chmodSync(harness, 0o644);
  });

  it('reports a process it was not permitted to end and fails with what to do', () => {
    const marker = testMarker();
    const [name, value] = marker.split('=') as [string, string];
    const step = { argv: ['sh', '-c', `${rootSleeper} & echo $!; sleep 0.3`], env: { [name]: value } };
    const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, harness, JSON.stringify(step)], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as StepResult & { output: string[] };
    const sleeper = Number((result.outputs.stdout as string).trim());
    try {
      expect(readFileSync(`/proc/${sleeper}/status`, 'utf8')).toMatch(/^Uid:\s+0\s+0\s+0/m);
      expect(result.ok).toBe(false);
      expect(result.failure?.class).toBe('permission');
      expect(result.failure?.advice).toContain(`kill -TERM ${sleeper}`);
      expect(result.detail).toContain(`left processes that could not be ended: pid ${sleeper} (${rootSleeper})`);
      expect(result.observed).toEqual({ output: 'exit code 0', survivors: [{ pid: sleeper, command: rootSleeper }] });
    } finally {
      execFileSync('kill', ['-KILL', String(sleeper)]);
    }
  });
});

describe('/proc/<pid>/stat parsing', () => {
  it('reads parent, group, session and start time past a name holding spaces and parentheses', () => {
    const line = '4242 (a) b (c)) S 17 4242 4242 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 987654 3133440 407 18446744073709551615 0';
    expect(parseStat(line)).toEqual({ pid: 4242, name: 'a) b (c)', state: 'S', ppid: 17, pgrp: 4242, session: 4242, startTicks: 987654 });
  });
});
