/**
 * Fast keys in a real terminal: Enters sent with no gap (typeahead, a stuck key) or 20 ms apart
 * (key repeat) never complete a step twice nor one that was not on the screen, and what the
 * screen shows agrees with the log. The built binary under tmux; the log read back with export.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertCanRunTerminal, builtBinary, openTerminal, type Terminal } from '../support/tmux.js';

const STEPS = 40;
let directory: string;
let terminal: Terminal | undefined;

beforeAll(() => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-keys-'));
  writeFileSync(
    join(directory, 'runbooks.yaml'),
    `version: 1
environments:
  staging: {}
runbooks:
  - id: manual
    title: Forty manual steps
    summary: Only manual steps.
    sections:
      - id: main
        title: Main
        steps:
${Array.from({ length: STEPS }, (_, index) => `          - { id: step-${index + 1}, kind: manual, title: Manual step ${index + 1}, do: Do thing ${index + 1}. }`).join('\n')}
`,
  );
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

interface ExportedEvent {
  readonly type: string;
  readonly stepId: string | null;
}

function exported(db: string, sessionId: string): ExportedEvent[] {
  const result = spawnSync(process.execPath, [builtBinary, 'export', sessionId, '--format', 'json', '--db', db], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`export failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { events: ExportedEvent[] }).events;
}

/** The screen once it has stopped changing (the keys are all handled). */
async function settledScreen(): Promise<string> {
  let previous = '';
  for (let tries = 0; tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const screen = await terminal!.screen();
    if (screen === previous) return screen;
    previous = screen;
  }
  return previous;
}

async function enters(db: string, send: () => Promise<void>) {
  terminal = await openTerminal({ args: ['start', 'manual', '--env', 'staging', '--file', join(directory, 'runbooks.yaml'), '--db', db], columns: 100, rows: 30 });
  const first = await terminal.waitForText('enter done');
  await terminal.waitForKeyboard();
  const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
  await send();
  const screen = await settledScreen();
  const events = exported(db, sessionId);
  const completed = events.filter((event) => event.type === 'StepCompleted').map((event) => event.stepId!);
  const done = new Set<string>();
  const reopenedDone: string[] = [];
  for (const event of events) {
    if (event.type === 'StepOpened' && done.has(event.stepId!)) reopenedDone.push(event.stepId!);
    if (event.type === 'StepCompleted') done.add(event.stepId!);
  }
  // Leaving unfinished exits 130.
  await terminal.sendKeys('q');
  expect(await terminal.waitForExit()).toBe(130);
  return { screen, completed, reopenedDone };
}

describe('fast keys in a real terminal', () => {
  it('30 Enters with no gap complete no step twice, and the screen agrees with the log', async () => {
    const { screen, completed, reopenedDone } = await enters(join(directory, 'burst.db'), () => terminal!.sendKeys(...Array.from({ length: 30 }, () => 'Enter')));
    expect(new Set(completed).size).toBe(completed.length);
    expect(reopenedDone).toEqual([]);
    expect(completed.length).toBeGreaterThanOrEqual(1);
    expect(completed).toEqual(Array.from({ length: completed.length }, (_, index) => `step-${index + 1}`));
    expect(screen).toContain(`${completed.length}/${STEPS} steps finished`);
    expect(screen).toContain(`Manual step ${completed.length + 1}  manual · step-${completed.length + 1} · open`);
  });

  it('30 Enters 20 ms apart (key repeat) complete each step at most once, in order, as the screen shows', async () => {
    const { screen, completed, reopenedDone } = await enters(join(directory, 'repeat.db'), async () => {
      for (let press = 0; press < 30; press++) {
        await terminal!.sendKeys('Enter');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    expect(new Set(completed).size).toBe(completed.length);
    expect(reopenedDone).toEqual([]);
    expect(completed).toEqual(Array.from({ length: completed.length }, (_, index) => `step-${index + 1}`));
    expect(screen).toContain(`${completed.length}/${STEPS} steps finished`);
    expect(screen).toContain(`Manual step ${completed.length + 1}  manual · step-${completed.length + 1} · open`);
  });

  it('ctrl-c in a session leaves it unfinished and resumable: exit 130, like q', async () => {
    const db = join(directory, 'ctrl-c.db');
    terminal = await openTerminal({ args: ['start', 'manual', '--env', 'staging', '--file', join(directory, 'runbooks.yaml'), '--db', db], columns: 100, rows: 30 });
    const first = await terminal.waitForText('enter done');
    await terminal.waitForKeyboard();
    const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
    await terminal.sendKeys('C-c');
    expect(await terminal.waitForExit()).toBe(130);
    expect(await terminal.transcript()).toContain(`Resume with: runbook resume ${sessionId}`);
    expect(exported(db, sessionId).map((event) => event.type)).toContain('SessionInterrupted');
  });
});
