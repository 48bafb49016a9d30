import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertCanRunTerminal, builtBinary, openTerminal, repoRoot, type Terminal } from '../support/tmux.js';

const fixture = join(repoRoot, 'test', 'e2e', 'fixtures', 'runbooks.yaml');

describe('runbook (home screen), built binary in a real terminal', () => {
  let terminal: Terminal | undefined;
  beforeAll(() => assertCanRunTerminal());
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
  });

  it('refuses without a terminal, in one line naming runbook list, with exit 2', () => {
    const result = spawnSync(process.execPath, [builtBinary, '--file', fixture], { stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('runbook: "runbook" needs an interactive terminal; without one use "runbook list"\n');
  });

  it('lists the runbooks, opens one to show its sections and steps, goes back with q and quits with q (exit 0)', async () => {
    terminal = await openTerminal({ args: ['--file', fixture] });
    const home = await terminal.waitForText('Runbooks (2)');
    expect(home).toContain('test/e2e/fixtures/runbooks.yaml');
    expect(home).toMatch(/verify-backups\s+Verify the nightly backups\s+1 section · 2 steps/);
    expect(home).toMatch(/restore-drill\s+Restore drill on staging\s+2 sections · 3 steps\s+weekly/);

    // One key per frame: keys sent in one write reach ink-select-input before it re-renders.
    await terminal.sendKeys('Down');
    await terminal.waitForText('› restore-drill');
    await terminal.sendKeys('Enter');
    const detail = await terminal.waitForText('Prepare the scratch cluster');
    expect(detail).toContain('Restores the newest base backup into a scratch cluster and compares row counts.');
    expect(detail).toContain('1. Prepare the scratch cluster (prepare, 1 step)');
    expect(detail).toContain('2. Verify the restored data (verify, 2 steps)');
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
    terminal = await openTerminal({ args: ['--file', fixture] });
    await terminal.waitForText('Runbooks (2)');
    await terminal.sendKeys('C-c');
    expect(await terminal.waitForExit()).toBe(130);
  });

  it('names the file and the fix when the runbooks file is missing (exit 2)', async () => {
    terminal = await openTerminal({ args: ['--file', 'no-such-runbooks.yaml'] });
    expect(await terminal.waitForExit()).toBe(2);
    expect(await terminal.transcript()).toContain('runbook: runbooks file not found: no-such-runbooks.yaml; pass --file or set RUNBOOK_FILE');
  });
});
