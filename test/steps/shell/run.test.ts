import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellRunParams } from '../../../src/steps/shell/definitions.js';
import { shellRun } from '../../../src/steps/shell/run.js';
import { stepContext } from './step-context.js';

const node = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-shell-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const params = (raw: Record<string, unknown>) => shellRunParams.parse(raw);

describe('shell.run: argv without a shell', () => {
  it('passes a resolved template value as exactly one argument, shell metacharacters and all', async () => {
    const hostile = '"; rm -rf / #$(whoami) `id` && echo pwned';
    const result = await shellRun.run(
      params({ argv: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', hostile, 'two words'] }),
      stepContext(),
    );
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.outputs.stdout as string)).toEqual([hostile, 'two words']);
    expect(result.outputs.json).toEqual([hostile, 'two words']);
    expect(result.outputs.exitCode).toBe(0);
  });

  it('merges env over the process environment and runs in cwd', async () => {
    const result = await shellRun.run(
      params({
        argv: [node, '-e', 'console.log(JSON.stringify({ v: process.env.RUNBOOK_TEST_VALUE, path: Boolean(process.env.PATH), cwd: process.cwd() }))'],
        env: { RUNBOOK_TEST_VALUE: 42 },
        cwd: dir,
      }),
      stepContext(),
    );
    expect(result.ok).toBe(true);
    expect(result.outputs.json).toEqual({ v: '42', path: true, cwd: dir });
  });

  it('streams live output to onOutput and keeps stdout and stderr apart', async () => {
    const context = stepContext();
    const result = await shellRun.run(
      params({ argv: [node, '-e', 'process.stdout.write("out-1\\n"); process.stderr.write("err-1\\n"); process.stdout.write("out-2\\n")'] }),
      context,
    );
    expect(result.outputs.stdout).toBe('out-1\nout-2');
    expect(result.outputs.stderr).toBe('err-1');
    expect(context.output.join('')).toContain('out-1');
    expect(context.output.join('')).toContain('err-1');
    expect(context.output.join('')).toContain('out-2');
  });

  it('keeps only the last 64 KiB of a long output and says so', async () => {
    const result = await shellRun.run(
      params({ argv: [node, '-e', 'process.stdout.write("x".repeat(200 * 1024) + "THE-END")'] }),
      stepContext(),
    );
    expect(result.ok).toBe(true);
    const stdout = result.outputs.stdout as string;
    expect(stdout.length).toBe(64 * 1024);
    expect(stdout.endsWith('THE-END')).toBe(true);
    expect(result.detail).toContain('Output truncated: only the last 64 KiB of stdout kept');
  });
});

describe('shell.run: expectations', () => {
  it('fails on an unexpected exit code and shows the end of stderr', async () => {
    const result = await shellRun.run(params({ argv: [node, '-e', 'console.error("disk is full"); process.exit(3)'] }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.expected).toBe('exit code 0');
    expect(result.observed).toBe('exit code 3');
    expect(result.outputs.exitCode).toBe(3);
    expect(result.detail).toContain('disk is full');
  });

  it('accepts a list of exit codes, an output pattern and a JSON path', async () => {
    const script = 'console.log(JSON.stringify({ backup: [{ info: { size: 2048 }, label: "20240301-010002F" }] })); console.error("done"); process.exit(1)';
    const result = await shellRun.run(
      params({
        argv: [node, '-e', script],
        expect: {
          exitCode: [0, 1],
          stdoutMatches: '"label"',
          stderrMatches: '/DONE/i',
          json: { path: 'backup.0.info.size', min: 1024, max: '4096' },
        },
      }),
      stepContext(),
    );
    expect(result.ok).toBe(true);
    expect(result.expected).toBe(
      'exit code in [0, 1]; stdout matches /"label"/; stderr matches /DONE/i; json backup.0.info.size >= 1024; json backup.0.info.size <= 4096',
    );
  });

  it('fails a JSON expectation when the path is missing', async () => {
    const result = await shellRun.run(
      params({ argv: [node, '-e', 'console.log("{\\"a\\": {\\"b\\": [1]}}")'], expect: { json: { path: '$.a.b[3]', equals: 1 } } }),
      stepContext(),
    );
    expect(result.ok).toBe(false);
    expect(result.observed).toContain('json $.a.b[3] not found');
  });
});

describe('shell.run: failures', () => {
  it('classifies a missing program as not-found with what to install', async () => {
    const result = await shellRun.run(params({ argv: ['runbook-no-such-program', '--version'] }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('not-found');
    expect(result.failure?.advice).toContain('install runbook-no-such-program');
    expect(result.failure?.advice).toContain('fix argv[0]');
  });

  it('classifies a program without execute permission as permission', async () => {
    const script = join(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const result = await shellRun.run(params({ argv: [script] }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('permission');
    expect(result.failure?.advice).toContain('chmod +x');
  });

  it('classifies a missing working directory as not-found', async () => {
    const result = await shellRun.run(params({ argv: [node, '-e', '0'], cwd: join(dir, 'missing') }), stepContext());
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('does not exist');
  });
});

describe('shell.run: timeout and cancellation', () => {
  const isGone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    // A killed grandchild is reparented to PID 1; until it is reaped it is a zombie, which is dead.
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  };

  /** SIGKILL is delivered asynchronously: give the kernel a bounded moment to finish the process. */
  const goneSoon = async (pid: number): Promise<boolean> => {
    const until = Date.now() + 2_000;
    while (!isGone(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    return isGone(pid);
  };

  // The program ignores SIGTERM and starts a grandchild that ignores it too: only SIGKILL to the group stops both.
  const stubborn = `
    const { spawn } = require('node:child_process');
    process.on('SIGTERM', () => {});
    const grandchild = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(JSON.stringify({ child: process.pid, grandchild: grandchild.pid }));
    setInterval(() => {}, 1000);
  `;

  it('kills the whole process group when the timeout ends, even processes ignoring SIGTERM', async () => {
    const context = stepContext({ timeoutMs: 1_000 });
    const started = Date.now();
    const result = await shellRun.run(params({ argv: [node, '-e', stubborn] }), context);
    const pids = JSON.parse(context.output.join('').trim()) as { child: number; grandchild: number };
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('timeout');
    expect(result.detail).toContain('was ended with every process it started');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await goneSoon(pids.child)).toBe(true);
    expect(await goneSoon(pids.grandchild)).toBe(true);
    // What it printed before the timeout is kept for the operator.
    expect(result.outputs.stdout).toContain(String(pids.grandchild));
  });

  it('kills the process group when the operator cancels', async () => {
    const controller = new AbortController();
    const context = stepContext({ signal: controller.signal });
    const running = shellRun.run(params({ argv: [node, '-e', 'console.log(process.pid); setInterval(() => {}, 1000)'] }), {
      ...context,
      onOutput: (chunk) => {
        context.output.push(chunk);
        controller.abort();
      },
    });
    const result = await running;
    expect(result.failure?.class).toBe('cancelled');
    expect(await goneSoon(Number(context.output.join('').trim()))).toBe(true);
  });

  it('ends a background child that keeps the output pipes open after the program exits, instead of waiting for it', async () => {
    const detachedSleeper = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'inherit' });
      console.log(child.pid);
      child.unref();
    `;
    const started = Date.now();
    const result = await shellRun.run(params({ argv: [node, '-e', detachedSleeper] }), stepContext());
    const sleeper = Number(result.outputs.stdout);
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await goneSoon(sleeper)).toBe(true);
    expect(result.detail).toContain(`It left 1 process running, ended at the step's end: pid ${sleeper}`);
  });
});
