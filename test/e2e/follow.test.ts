/**
 * `runbook follow S`: the built binary in a real terminal follows a session driven by another
 * process, live and read-only. On the SQLite file it polls; on the shared PostgreSQL store it is
 * told by LISTEN/NOTIFY, and when its connection is killed it says so, reconnects and catches up
 * on what it missed. The driver keeps its lease throughout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbooksText } from '../../src/runbooks/load.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { assertCanRunTerminal, openTerminal, type Terminal } from '../support/tmux.js';

const yaml = `version: 1
environments:
  staging: {}
runbooks:
  - id: manual
    title: Four manual steps
    summary: Only manual steps.
    sections:
      - id: main
        title: Main
        steps:
          - { id: one, kind: manual, title: First step, do: Do one. }
          - { id: two, kind: manual, title: Second step, do: Do two. }
          - { id: three, kind: manual, title: Third step, do: Do three. }
          - { id: four, kind: manual, title: Fourth step, do: Do four. }
`;

let directory: string;
let file: string;
let terminal: Terminal | undefined;
let server: TestStoreServer;

beforeAll(async () => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-follow-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(file, yaml);
  server = await createStoreServer({ writers: ['alice', 'carol'] });
}, 120_000);
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await server?.destroy();
});
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

async function drive(store: EventStore) {
  const service = new SessionService({ store, operator: 'alice@laptop', processEnv: {} });
  return service.start({ runbooks: parseRunbooksText(yaml, file), runbookId: 'manual', env: 'staging' });
}

describe('runbook follow', () => {
  it('on the SQLite file: shows each step the driver completes, and never takes the session', async () => {
    const db = join(directory, 'sessions.db');
    const store = openEventStore(db);
    const session = await drive(store);
    terminal = await openTerminal({ args: ['follow', session.id, '--file', file, '--db', db], columns: 120, rows: 30 });
    let screen = await terminal.waitForText('following live, read-only');
    expect(screen).toContain('driven by alice@laptop');
    expect(screen).toMatch(/› . First step/);
    session.completeStep('one');
    screen = await terminal.waitForText('✓ First step', 3_000);
    session.completeStep('two');
    await terminal.waitForText('✓ Second step', 3_000);
    expect(store.leases.holder(session.id, new Date())?.operator).toBe('alice@laptop');
    expect(screen).not.toMatch(/enter[: ]/);
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(0);
    session.release();
    store.close();
  });

  it('on the shared store: notified of each append; a killed connection is said, then it catches up', async () => {
    const store = server.open('alice');
    const session = await drive(store);
    terminal = await openTerminal({ args: ['follow', session.id, '--file', file, '--store', server.url('carol'), '--db', join(directory, 'local.db')], columns: 120, rows: 30 });
    await terminal.waitForText('driven by alice@laptop');
    session.completeStep('one');
    await terminal.waitForText('✓ First step', 3_000);

    // The follower's connection dies; what is appended meanwhile is not lost.
    await server.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'runbook follow'");
    session.completeStep('two');
    session.completeStep('three');
    await terminal.waitForText('✓ Third step', 10_000);
    const events = store.read(session.id);
    expect((await terminal.screen())).toContain(`${events.length} events`);
    expect(store.leases.holder(session.id, new Date())?.operator).toBe('alice@laptop');
    await terminal.sendKeys('q');
    expect(await terminal.waitForExit()).toBe(0);
    session.release();
    store.close();
  });
});
