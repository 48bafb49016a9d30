/**
 * The guided session end to end: the BUILT binary in a real pseudo-terminal (tmux), walking a
 * runbook of manual, check, input (text and a live list from the EC2 emulator) and action steps;
 * leaving with q, resuming; kill -9 while the action runs, resuming and reconciling it by its
 * probe; finishing; and the export's content.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { standardSeed, startEc2Emulator, type Ec2Emulator } from '../support/ec2.js';
import { assertCanRunTerminal, builtBinary, openTerminal, repoRoot, type Terminal } from '../support/tmux.js';

const template = readFileSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'session-runbooks.yaml'), 'utf8');

let emulator: Ec2Emulator;
let directory: string;
let terminal: Terminal | undefined;

beforeAll(async () => {
  assertCanRunTerminal();
  emulator = await startEc2Emulator({ seed: standardSeed(new Date()) });
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-session-'));
});
afterAll(async () => {
  await emulator?.close();
  rmSync(directory, { recursive: true, force: true });
});
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

/** A runbooks file and a database of their own, with the action running `actionMs`. */
function workspace(name: string, actionMs: number) {
  const marker = join(directory, `${name}.marker`);
  const file = join(directory, `${name}.yaml`);
  writeFileSync(
    file,
    template.replaceAll('__EC2__', emulator.endpoint).replaceAll('__MARKER__', JSON.stringify(marker)).replaceAll('__ACTION_MS__', String(actionMs)),
  );
  return { file, db: join(directory, `${name}.db`), marker };
}

function runbook(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [builtBinary, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

function sessionIdOf(screen: string): string {
  const match = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(screen);
  if (!match) throw new Error(`no session id on the screen:\n${screen}`);
  return match[1]!;
}

/** The pid of the node process in the pane and of its children (the action's program). */
function paneProcesses(pane: string): { node: number; children: number[] } {
  const node = Number(pane.trim());
  const listed = spawnSync('ps', ['-o', 'pid=', '--ppid', String(node)], { encoding: 'utf8' }).stdout;
  const children = listed
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
  return { node, children };
}

describe('runbook start / resume, built binary in a real terminal', () => {
  it('refuses without a terminal in one line naming the headless alternative (exit 2)', () => {
    const { file, db } = workspace('notty', 0);
    const result = runbook(['start', 'restore-volume', '--env', 'staging', '--file', file, '--db', db]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('runbook: "runbook start" needs an interactive terminal; without one use "runbook run <runbook> --env E --answers FILE"\n');
    const resume = runbook(['resume', '--file', file, '--db', db]);
    expect(resume.status).toBe(2);
    expect(resume.stderr).toBe('runbook: "runbook resume" needs an interactive terminal; without one use "runbook sessions"\n');
  });

  it('refuses a drill on a protected environment in one line before drawing (exit 2)', async () => {
    const { file, db } = workspace('drill', 0);
    terminal = await openTerminal({ args: ['start', 'restore-volume', '--env', 'production', '--drill', '--file', file, '--db', db], columns: 160 });
    expect(await exitOf(terminal)).toBe(2);
    expect(await terminal.transcript()).toContain(
      'runbook: drills are refused on protected environment "production"; run the drill against staging or the sandbox',
    );
  });

  it('from home: Enter on a runbook starts a session (environment picker), and the interrupted session is listed first and resumes on Enter', async () => {
    const { file, db } = workspace('home', 0);
    const env = { RUNBOOK_OPERATOR: 'carol' };
    terminal = await openTerminal({ args: ['--file', file, '--db', db], env, columns: 120, rows: 32 });
    await terminal.waitForText('Runbooks (1)', 10_000);
    await terminal.waitForKeyboard();
    await terminal.sendKeys('Enter');
    const detail = await terminal.waitForText('enter start a session', 10_000);
    expect(detail).toContain('Restore a single volume from snapshot');
    await terminal.sendKeys('Enter');
    const picker = await terminal.waitForText('Restore a single volume from snapshot: which environment?', 10_000);
    expect(picker).toContain('production · PROTECTED (incident reference required, actions typed to confirm)');
    await terminal.waitForKeyboard();
    await terminal.sendKeys('Enter');
    let screen = await terminal.waitForText('? help · q leave', 10_000);
    expect(screen).toContain('env staging');
    const id = sessionIdOf(screen);
    await terminal.sendKeys('q');
    expect(await exitOf(terminal)).toBe(130);
    expect(await terminal.transcript()).toContain(`Session ${id} saved. Resume with: runbook resume ${id}`);
    await terminal.close();

    terminal = await openTerminal({ args: ['--file', file, '--db', db], env, columns: 120, rows: 32 });
    const home = await terminal.waitForText('1 interrupted session, then Runbooks (1)', 10_000);
    expect(home).toMatch(/interrupted\s+restore-volume\W+staging\W+carol@\S+\W+at announce\W+\d+s ago/);
    await terminal.waitForKeyboard();
    await terminal.sendKeys('Enter');
    await terminal.waitForText('enter resume', 10_000);
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('? help · q leave', 10_000);
    expect(screen).toContain(`session ${id}`);
    expect(screen).toContain('Post in the channel that a restore starts.');
    await terminal.sendKeys('q');
    expect(await exitOf(terminal)).toBe(130);
  });

  it('walks every kind of step, leaves with q, resumes, survives kill -9 mid-action, reconciles, finishes and exports', async () => {
    const { file, db, marker } = workspace('walk', 20_000);
    const env = { RUNBOOK_OPERATOR: 'alice', NO_COLOR: '1' };
    terminal = await openTerminal({ args: ['start', 'restore-volume', '--env', 'staging', '--file', file, '--db', db], env, columns: 120, rows: 32 });

    // Manual step: instructions, then Enter marks it done and the check runs at once.
    // The footer shows once the screen listens to keys.
    let screen = await terminal.waitForText('? help · q leave', 10_000);
    expect(screen).toContain('Post in the channel that a restore starts.');
    expect(screen).toContain('Restore a single volume from snapshot');
    expect(screen).toContain('env staging');
    const id = sessionIdOf(screen);
    // NO_COLOR: no colour escapes at all (emphasis such as bold may stay).
    expect(await terminal.screen({ escapes: true })).not.toMatch(/\u001B\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)m/);
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('✓ passed', 10_000);
    expect(screen).toContain('observed: exit code 0; stdout matched "tool 4.2"');
    expect(screen).toContain(String.raw`expected: exit code 0; stdout matches /^tool 4\.2$/`);
    expect(screen).toContain('The tooling answers');

    // Leave with q: saved, and how to resume.
    await terminal.sendKeys('q');
    expect(await exitOf(terminal)).toBe(130);
    expect(await terminal.transcript()).toContain(`Session ${id} saved. Resume with: runbook resume ${id}`);
    await terminal.close();

    // Resume (the only interrupted session): back at the passed check, earlier step done from the log.
    terminal = await openTerminal({ args: ['resume', '--file', file, '--db', db], env, columns: 120, rows: 32 });
    screen = await terminal.waitForText('? help · q leave', 10_000);
    expect(screen).toContain('✓ passed');
    expect(screen).toContain(`session ${id}`);
    expect(screen).toMatch(/✓ Announce the restore in the incident channel/);
    await terminal.sendKeys('Enter');

    // Text input: typed, recorded.
    await terminal.waitForText('Why restore:', 10_000);
    await terminal.type('disk corrupted on db1');
    await terminal.waitForText('› disk corrupted on db1');
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('value: disk corrupted on db1', 10_000);
    await terminal.sendKeys('Enter');

    // Live list from the EC2 emulator: newest first, failed and pending ones not selectable, last known good marked.
    screen = await terminal.waitForText('› snap-0a3', 10_000);
    const listed = screen.split('\n').filter((line) => line.includes('snap-0a'));
    expect(listed[0]).toContain('snap-0a5');
    expect(listed[0]).toContain('pending');
    expect(listed[0]).toContain('(not selectable)');
    expect(listed[1]).toContain('snap-0a4');
    expect(listed[1]).toContain('error');
    expect(listed[2]).toMatch(/› snap-0a3 .*completed.*50 GiB ★ last known good/);
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('value: snap-0a3', 10_000);
    await terminal.sendKeys('Enter');

    // Action: Enter previews with every value resolved; Enter runs it; kill -9 while it runs.
    screen = await terminal.waitForText('enter: preview what will run', 10_000);
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('will run:', 10_000);
    expect(screen).toContain('snap-0a3');
    expect(screen).toContain(marker);
    expect(screen).toContain('enter or y: run it');
    await terminal.sendKeys('Enter');
    await terminal.waitForText('running shell.run', 10_000);
    for (let tries = 0; !existsSync(marker) && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(readFileSync(marker, 'utf8')).toBe('snap-0a3');
    const { node, children } = paneProcesses(await terminal.panePid());
    process.kill(node, 'SIGKILL');
    for (const child of children) process.kill(child, 'SIGKILL');
    expect(await exitOf(terminal)).toBe(137);
    await terminal.close();

    // Resume after the crash: the in-flight action is reconciled by its probe, not re-run.
    terminal = await openTerminal({ args: ['resume', id.slice(0, 17), '--file', file, '--db', db], env, columns: 120, rows: 32 });
    await terminal.waitForText('? help · q leave', 10_000);
    screen = await terminal.waitForText('reconciled restore-marker: found', 15_000);
    expect(screen).toContain('✓ succeeded');
    await terminal.sendKeys('Enter');
    screen = await terminal.waitForText('✓ passed', 10_000);
    expect(screen).toContain('The restore\'s effect is there');
    await terminal.sendKeys('Enter');

    // A manual step with a required note asks for the evidence.
    await terminal.waitForText('enter: mark done (a note is required as evidence)', 10_000);
    await terminal.sendKeys('Enter');
    await terminal.waitForText('Evidence for "Sign off" (required note):', 10_000);
    await terminal.type('owner bob confirmed orders are back');
    await terminal.waitForText('› owner bob confirmed orders are back');
    await terminal.sendKeys('Enter');

    screen = await terminal.waitForText('All steps finished.', 10_000);
    expect(screen).toContain('7 done · 0 skipped');
    await terminal.sendKeys('Enter');
    expect(await exitOf(terminal)).toBe(0);
    const transcript = await terminal.transcript();
    expect(transcript).toContain(`Session ${id} completed: 7 done, 0 skipped, 0 went on after a failure.`);
    expect(transcript).toContain(`Export the record: runbook export ${id}`);

    // The export: every fact in order.
    const exported = runbook(['export', id, '--format', 'json', '--file', file, '--db', db]);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    const record = JSON.parse(exported.stdout) as {
      session: { id: string; status: string; env: string; operator: string };
      events: { type: string; stepId: string | null; data: Record<string, unknown> }[];
      summary: { steps: { id: string; status: string }[] };
    };
    expect(record.session).toMatchObject({ id, status: 'completed', env: 'staging' });
    expect(record.session.operator).toMatch(/^alice@/);
    const types = record.events.map((event) => event.type);
    expect(types.filter((type) => type === 'SessionResumed')).toHaveLength(2);
    expect(types).toContain('SessionInterrupted');
    expect(types).toContain('LockTakenOver');
    expect(record.events.find((event) => event.type === 'InputProvided' && event.stepId === 'reason')?.data.value).toBe('disk corrupted on db1');
    expect(record.events.find((event) => event.type === 'InputProvided' && event.stepId === 'snapshot')?.data.value).toBe('snap-0a3');
    expect(types.filter((type) => type === 'ActionIntended')).toHaveLength(1);
    expect(types).not.toContain('ActionSucceeded');
    expect(record.events.find((event) => event.type === 'ActionReconciled')?.data.outcome).toBe('found');
    const resumed = record.events.filter((event) => event.type === 'SessionResumed').map((event) => event.data.previous);
    expect(resumed).toEqual(['interrupted', 'crashed']);
    expect(record.events.find((event) => event.type === 'StepCompleted' && event.stepId === 'sign-off')?.data.note).toBe('owner bob confirmed orders are back');
    expect(types[types.length - 1]).toBe('SessionCompleted');
    expect(record.summary.steps.map((step) => [step.id, step.status])).toEqual([
      ['announce', 'done'],
      ['tooling', 'done'],
      ['reason', 'done'],
      ['snapshot', 'done'],
      ['restore-marker', 'done'],
      ['verify', 'done'],
      ['sign-off', 'done'],
    ]);
  }, 120_000);
});

/** The program's exit code (the harness reads it from its wrapper shell). */
function exitOf(terminal: Terminal): Promise<number> {
  return terminal.waitForExit(10_000);
}
