import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manyRunbooksYaml } from '../../bench/many-runbooks.mjs';
import { assertCanRunTerminal, builtBinary, openTerminal, repoRoot, type Terminal, type TerminalOptions } from '../support/tmux.js';

const fixture = join(repoRoot, 'test', 'e2e', 'fixtures', 'runbooks.yaml');
/** An SGR parameter that sets a colour: 30–38 and 40–48 (38/48 start 256-colour and RGB), 90–97, 100–107; not the resets 39/49. */
const colourEscape = /\u001B\[(?:[0-9]+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9]+)*m/;

describe('runbook (home screen), built binary in a real terminal', () => {
  let terminal: Terminal | undefined;
  let scratch: string;
  let open: (options: TerminalOptions) => Promise<Terminal>;

  beforeAll(() => {
    assertCanRunTerminal();
    scratch = mkdtempSync(join(tmpdir(), 'runbook-e2e-home-'));
    // Private state and cache directories: runs never touch the operator's, nor each other's.
    open = async (options) => {
      terminal = await openTerminal({
        ...options,
        env: { XDG_STATE_HOME: join(scratch, 'state'), XDG_CACHE_HOME: join(scratch, 'cache'), ...options.env },
      });
      return terminal;
    };
  });
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
  });
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses without a terminal, in one line naming runbook list, with exit 2', () => {
    const result = spawnSync(process.execPath, [builtBinary, '--file', fixture], { stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('runbook: "runbook" needs an interactive terminal; without one use "runbook list"\n');
  });

  it('draws every frame even when the operator\'s shell exports CI=true (Ink would otherwise draw only the last)', async () => {
    const terminal = await open({ args: ['--file', fixture], env: { CI: 'true', CONTINUOUS_INTEGRATION: 'true' } });
    await terminal.waitForText('Runbooks (2)');
    await terminal.waitForKeyboard();
    await terminal.sendKeys('Down');
    await terminal.waitForText('> restore-drill');
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(0);
  });

  it('lists the runbooks, opens one to show its sections and steps, goes back with q and quits with q (exit 0)', async () => {
    const terminal = await open({ args: ['--file', fixture] });
    const home = await terminal.waitForText('Runbooks (2)');
    await terminal.waitForKeyboard();
    expect(home.split('\n')[0]).toMatch(/^runbook \S+ {2}file: .*test\/e2e\/fixtures\/runbooks\.yaml$/);
    expect(home).toMatch(/> verify-backups\s+Verify the nightly backups\s+1 section, 2 steps/);
    expect(home).toMatch(/ {2}restore-drill\s+Restore drill on staging\s+2 sections, 3 steps\s+weekly/);

    // One key per frame: keys sent in one write reach ink-select-input before it re-renders.
    await terminal.sendKeys('Down');
    await terminal.waitForText('> restore-drill');
    await terminal.sendKeys('Enter');
    const detail = await terminal.waitForText('Prepare the scratch cluster');
    expect(detail).toContain('Restores the newest base backup into a scratch cluster and compares row counts.');
    expect(detail).toContain('Prepare the scratch cluster (prepare, 1 step)');
    expect(detail).toContain('Verify the restored data (verify, 2 steps)');
    expect(detail).toMatch(/check\s+The restored cluster answers\s+uses postgres\.connection/);
    expect(detail).toMatch(/manual\s+Sign off the drill/);
    expect(detail).toContain('start: runbook start restore-drill --env <env>');
    expect(detail).toContain('environments: staging, production (protected: add --incident REF)');

    await terminal.sendKeys('q');
    await terminal.waitForText('Runbooks (2)');
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(0);
  });

  it('quits with Ctrl-C as cancelled (exit 130)', async () => {
    const terminal = await open({ args: ['--file', fixture] });
    await terminal.waitForText('Runbooks (2)');
    await terminal.waitForKeyboard();
    await terminal.sendKeys('C-c');
    expect(await terminal.waitForExit()).toBe(130);
  });

  it('names the file and the fix when the runbooks file is missing (exit 2)', async () => {
    const terminal = await open({ args: ['--file', 'no-such-runbooks.yaml'] });
    expect(await terminal.waitForExit()).toBe(2);
    expect(await terminal.transcript()).toContain('runbook: runbooks file not found: no-such-runbooks.yaml; pass --file or set RUNBOOK_FILE');
  });

  it('keeps 200 runbooks inside a 100x30 terminal: the title stays on the first row and the rest is "... more"', async () => {
    const manyFile = join(scratch, 'runbooks-200.yaml');
    writeFileSync(manyFile, manyRunbooksYaml(200));
    // Twice: the first start validates the file, the second reads the cached listing; both must look the same.
    for (const start of ['cold', 'cached']) {
      const terminal = await open({ args: ['--file', manyFile] });
      const screen = await terminal.waitForText('Runbooks (200)', 15_000);
      await terminal.waitForKeyboard();
      const rows = screen.split('\n');
      expect(rows[0], start).toMatch(/^runbook \S+ {2}file: .*runbooks-200\.yaml$/);
      expect(rows.filter((row) => row.trim() !== '').length, start).toBeLessThan(30);
      expect(screen, start).toMatch(/> runbook-001\s+Generated runbook 1\s+3 sections, 12 steps/);
      expect(screen, start).toMatch(/\.\.\. \d+ more \(up\/down to scroll\)/);
      expect(screen, start).toContain('up/down move | enter open | q/esc quit');
      await terminal.sendKeys('q');
      expect(await terminal.waitForExit(), start).toBe(0);
      await terminal.close();
    }
  });

  it('draws in colour, and without any colour under NO_COLOR', async () => {
    const coloured = await open({ args: ['--file', fixture], env: { FORCE_COLOR: '1' } });
    await coloured.waitForText('Runbooks (2)');
    expect(await coloured.screen({ escapes: true })).toMatch(colourEscape);
    await coloured.close();

    const plain = await open({ args: ['--file', fixture], env: { NO_COLOR: '1' } });
    await plain.waitForText('Runbooks (2)');
    const screen = await plain.screen({ escapes: true });
    expect(screen).not.toMatch(colourEscape);
    expect(screen).toContain('> verify-backups');
  });
});
