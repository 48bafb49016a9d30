/**
 * One log, two drivers: a session started headless and stopped before its action is resumed on
 * the screen, where the operator confirms the previewed action; and a session started on the
 * screen and left with q is finished by `runbook run --resume`. The built binary, under tmux for
 * the screen.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertCanRunTerminal, builtBinary, openTerminal, type Terminal } from '../support/tmux.js';

let directory: string;
let file: string;
let answers: string;
let marker: string;
let terminal: Terminal | undefined;

beforeAll(() => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-both-'));
  file = join(directory, 'runbooks.yaml');
  marker = join(directory, 'marker.txt');
  answers = join(directory, 'answers.yaml');
  writeFileSync(answers, 'announce: announced by the weekly job\n');
  writeFileSync(
    file,
    `version: 1
environments:
  staging: {}
runbooks:
  - id: small
    title: A small restore
    summary: A manual step, an action, a check.
    sections:
      - id: main
        title: Main
        steps:
          - { id: announce, kind: manual, title: Announce it, do: Post in the channel. }
          - id: write-marker
            kind: action
            title: Write the marker
            do: Appends to the marker file.
            uses: shell.run
            with: { argv: ["node", "-e", "require('fs').appendFileSync(process.argv[1], 'ran;')", ${JSON.stringify(marker)}] }
          - id: marker-there
            kind: check
            title: The marker is there
            do: Look.
            uses: shell.run
            with: { argv: ["node", "-e", "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 2)", ${JSON.stringify(marker)}] }
`,
  );
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
  rmSync(marker, { force: true });
});

const cli = (db: string, ...args: string[]) => spawnSync(process.execPath, [builtBinary, '--file', file, '--db', db, ...args], { encoding: 'utf8', timeout: 60_000 });
const effects = () => (existsSync(marker) ? readFileSync(marker, 'utf8').split(';').filter(Boolean).length : 0);

describe('headless and on screen, one session', () => {
  it('a session started headless is resumed on screen at the exact step and finished there', async () => {
    const db = join(directory, 'headless-first.db');
    const first = cli(db, 'run', 'small', '--env', 'staging', '--answers', answers);
    expect(first.status).toBe(2);
    const id = /Session (\S+):/.exec(first.stdout)![1]!;
    expect(first.stdout).toContain(`or on screen: runbook resume ${id}`);

    terminal = await openTerminal({ args: ['resume', id, '--file', file, '--db', db], columns: 120, rows: 32 });
    // The preview the headless run recorded is on screen, waiting for the operator.
    await terminal.waitForText('enter or y: run it', 10_000);
    await terminal.waitForKeyboard();
    await terminal.sendKeys('y');
    await terminal.waitForText('enter: done, next step', 10_000);
    await terminal.sendKeys('Enter');
    await terminal.waitForText('✓ passed', 10_000);
    await terminal.sendKeys('Enter');
    await terminal.waitForText('All steps finished.', 10_000);
    await terminal.sendKeys('Enter');
    expect(await terminal.waitForExit()).toBe(0);
    expect(effects()).toBe(1);
    const exported = cli(db, 'export', id).stdout;
    expect(exported).toContain('the answers file answers.yaml (headless run)');
    expect(cli(db, 'verify', id).status).toBe(0);
  });

  it('a session started on screen and left with q is finished by runbook run --resume', async () => {
    const db = join(directory, 'screen-first.db');
    terminal = await openTerminal({ args: ['start', 'small', '--env', 'staging', '--file', file, '--db', db], columns: 120, rows: 32 });
    const screen = await terminal.waitForText('enter done');
    await terminal.waitForKeyboard();
    const id = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(screen)![1]!;
    await terminal.sendKeys('Enter');
    await terminal.waitForText('enter: preview what will run', 10_000);
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(130);

    const rest = cli(db, 'run', '--resume', id, '--yes');
    expect(rest.status).toBe(0);
    expect(rest.stdout).toMatch(/^DONE {2}write-marker /m);
    expect(rest.stdout).toMatch(/^DONE {2}marker-there /m);
    expect(rest.stdout).toContain(`Session ${id} completed.`);
    expect(effects()).toBe(1);
  });
});
