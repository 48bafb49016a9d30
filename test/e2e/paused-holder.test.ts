/**
 * A process that drives a session, is paused (SIGSTOP) past the lock's bound while another takes
 * the session over, and then runs again: within one heartbeat it says who has the session now,
 * stops offering keys that would write, writes nothing, and leaves with exit 130.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbooksText } from '../../src/runbooks/load.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore } from '../../src/state/event-store.js';
import { assertCanRunTerminal, openTerminal, type Terminal } from '../support/tmux.js';
import { manualRunbooksYaml } from '../support/manual-runbook.js';

let directory: string;
let file: string;
let terminal: Terminal | undefined;
let paused: number | undefined;
const yaml = manualRunbooksYaml();

beforeAll(() => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-paused-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(file, yaml);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(async () => {
  if (paused) process.kill(paused, 'SIGCONT');
  paused = undefined;
  await terminal?.close();
  terminal = undefined;
});

describe('a paused holder learns it lost the session', () => {
  it('says who took it over within a heartbeat, offers no key that writes, and writes nothing', async () => {
    const db = join(directory, 'sessions.db');
    terminal = await openTerminal({ args: ['start', 'manual', '--env', 'staging', '--file', file, '--db', db], env: { RUNBOOK_LOCK_STALE_SECONDS: '1' }, columns: 140, rows: 30 });
    const first = await terminal.waitForText('enter done');
    await terminal.waitForKeyboard();
    const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
    const pid = Number((await terminal.panePid()).trim());

    process.kill(pid, 'SIGSTOP');
    paused = pid;
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const store = openEventStore(db);
    const runbooks = parseRunbooksText(yaml, file);
    const bob = await new SessionService({ store, operator: 'bob@elsewhere', processEnv: {}, lock: { staleAfterMs: 1_000 } }).open(sessionId, { runbooks });
    bob.completeStep('one');
    const before = store.read(sessionId).length;
    expect(store.read(sessionId).map((event) => event.type)).toContain('LockTakenOver');

    process.kill(pid, 'SIGCONT');
    paused = undefined;
    await terminal.waitForText(`taken over by pid ${process.pid}`, 3_000);
    const screen = await terminal.waitForText('read-only: another process drives this session');
    // It shows what the new driver recorded: the first step is done there.
    expect(screen).toContain('✓ First step');
    expect(screen).not.toMatch(/enter[: ]/);
    expect(screen).not.toContain('enter done');
    await terminal.sendKeys('Enter', 's', 'n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.read(sessionId).length).toBe(before);

    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(130);
    expect(await terminal.transcript()).toContain(`session ${sessionId} was taken over by pid ${process.pid}`);
    expect(store.read(sessionId).length).toBe(before);
    expect(bob.state.steps.one!.status).toBe('done');
    bob.release();
    store.close();
  });
});
