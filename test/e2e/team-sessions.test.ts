/**
 * Team sessions on the shared PostgreSQL store, with two operators on two machines (each binary
 * in a UTS namespace of its own, so the host names differ as they would): Alice drives, is paused
 * past the lease's bound, Bob takes the session over from his machine (recorded, with the new
 * epoch), and Alice, running again, learns within a heartbeat who has it and writes nothing more.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { assertCanRunTerminal, openTerminal, type Terminal } from '../support/tmux.js';
import { manualRunbooksYaml } from '../support/manual-runbook.js';

let directory: string;
let file: string;
let server: TestStoreServer;
const terminals: Terminal[] = [];
let paused: number | undefined;

beforeAll(async () => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-team-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(file, manualRunbooksYaml());
  server = await createStoreServer({ writers: ['alice', 'bob'] });
}, 120_000);
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await server?.destroy();
});
afterEach(async () => {
  if (paused) process.kill(paused, 'SIGCONT');
  paused = undefined;
  for (const terminal of terminals.splice(0)) await terminal.close();
});

function operatorTerminal(role: 'alice' | 'bob', host: string, args: string[]) {
  return openTerminal({
    args: [...args, '--file', file, '--store', server.url(role), '--db', join(directory, `${role}.db`)],
    host,
    env: { RUNBOOK_OPERATOR: role, RUNBOOK_LOCK_STALE_SECONDS: '2' },
    columns: 150,
    rows: 30,
  });
}

describe('team sessions on the shared store', () => {
  it('a paused holder is taken over from another machine, and learns it at its next heartbeat', async () => {
    const alice = await operatorTerminal('alice', 'alice-laptop', ['start', 'manual', '--env', 'staging']);
    terminals.push(alice);
    const first = await alice.waitForText('enter done', 10_000);
    await alice.waitForKeyboard();
    const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
    await alice.sendKeys('Enter');
    await alice.waitForText('✓ First step', 5_000);

    const pid = Number((await alice.panePid()).trim());
    process.kill(pid, 'SIGSTOP');
    paused = pid;
    // Bob's resume right away is refused: Alice's lease is still fresh.
    const early = await operatorTerminal('bob', 'bob-desk', ['resume', sessionId]);
    terminals.push(early);
    expect(await early.waitForExit(10_000)).toBe(2);
    expect(await early.transcript()).toContain(`session ${sessionId} is open in pid ${pid} on host alice-laptop`);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const bob = await operatorTerminal('bob', 'bob-desk', ['resume', sessionId]);
    terminals.push(bob);
    await bob.waitForText('enter done', 10_000);
    const events = await server.admin('SELECT type, actor, db_role FROM runbook.events WHERE session_id = $1 ORDER BY seq', [sessionId]);
    const takeover = events.find((event) => event.type === 'LockTakenOver');
    expect(takeover).toMatchObject({ actor: 'bob@bob-desk', db_role: 'bob' });
    const lease = (await server.admin('SELECT host, operator, epoch FROM runbook.leases WHERE session_id = $1', [sessionId]))[0];
    expect(lease).toMatchObject({ host: 'bob-desk', operator: 'bob@bob-desk', epoch: '2' });

    process.kill(pid, 'SIGCONT');
    paused = undefined;
    const told = await alice.waitForText('taken over by pid', 5_000);
    expect(told).toContain('on host bob-desk');
    await alice.waitForText('read-only: another process drives this session');
    const before = events.length;
    await alice.sendKeys('Enter');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await server.admin('SELECT count(*)::int AS n FROM runbook.events WHERE session_id = $1', [sessionId]))[0].n).toBe(before);
    await alice.sendKeys('q');
    expect(await alice.waitForExit()).toBe(130);

    // Bob goes on: his writes are the session's now.
    await bob.sendKeys('Enter');
    await bob.waitForText('✓ Second step', 5_000);
    const last = (await server.admin('SELECT actor, db_role FROM runbook.events WHERE session_id = $1 ORDER BY seq DESC LIMIT 1', [sessionId]))[0];
    expect(last).toEqual({ actor: 'bob@bob-desk', db_role: 'bob' });
  }, 90_000);
});
