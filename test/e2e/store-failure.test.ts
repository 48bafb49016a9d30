/**
 * The shared store failing during an incident, with the BUILT binary: on screen and headless,
 * against a real PostgreSQL cluster reached through a proxy the test cuts (the operator's network
 * goes away while the server stays up for everyone else). The operator is told at once, may go
 * on in the local log (recorded), finishes the runbook, and `runbook push` or the next command on
 * the store uploads the session, whose chain then verifies on the store.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { assertCanRunTerminal, builtBinary, openTerminal, type Terminal } from '../support/tmux.js';
import { manualRunbooksYaml } from '../support/manual-runbook.js';

let directory: string;
let file: string;
let server: TestStoreServer;
let proxy: TcpProxy;
const terminals: Terminal[] = [];

beforeAll(async () => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-store-failure-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(
    file,
    manualRunbooksYaml(`  - id: slow
    title: A slow check between two steps
    summary: The store goes away while the check runs.
    sections:
      - id: main
        title: Main
        steps:
          - { id: announce, kind: manual, title: Announce it, do: Post in the channel. }
          - id: slow
            kind: check
            title: A check that takes a while
            do: It runs.
            uses: shell.run
            with: { argv: ["node", "-e", "require('fs').writeFileSync(process.argv[1], ''); setTimeout(() => process.stdout.write('ok'), 2000)", "${directory}/check-started"] }
          - { id: after, kind: manual, title: After the check, do: Write it down. }
`),
  );
  writeFileSync(join(directory, 'answers.yaml'), 'announce: announced\nafter: written down\n');
  server = await createStoreServer({ writers: ['alice'] });
  proxy = await startTcpProxy(server.cluster.port);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await server?.destroy();
  rmSync(directory, { recursive: true, force: true });
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.close();
  await proxy.restore().catch(() => undefined);
});

/** Alice's store URL, through the proxy the test can cut. */
function aliceStore(): string {
  return server.url('alice').replace(`:${server.cluster.port}/`, `:${proxy.port}/`);
}

function localLog(name: string): string {
  return join(directory, `${name}.db`);
}

function runbook(args: readonly string[], db: string) {
  return spawnSync(process.execPath, [builtBinary, '--file', file, '--db', db, '--store', aliceStore(), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, RUNBOOK_OPERATOR: 'alice' },
  });
}

async function storeEvents(sessionId: string): Promise<string[]> {
  return (await server.admin('SELECT type FROM runbook.events WHERE session_id = $1 ORDER BY seq', [sessionId])).map((row) => row.type as string);
}

async function aliceTerminal(args: string[], db: string) {
  const terminal = await openTerminal({
    args: [...args, '--file', file, '--store', aliceStore(), '--db', db],
    env: { RUNBOOK_OPERATOR: 'alice' },
    columns: 160,
    rows: 32,
  });
  terminals.push(terminal);
  return terminal;
}

describe('the shared store fails during a session', () => {
  it('on screen: says so at once, goes on in the local log when asked (l), and the push puts the whole session on the store', async () => {
    const db = localLog('screen');
    const alice = await aliceTerminal(['start', 'manual', '--env', 'staging'], db);
    const first = await alice.waitForText('enter done', 15_000);
    const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
    await alice.waitForKeyboard();
    await alice.sendKeys('Enter');
    await alice.waitForText('✓ First step', 5_000);

    await proxy.cut();
    await alice.sendKeys('Enter');
    const told = await alice.waitForText('press l to go on', 10_000);
    expect(told).toContain('is unreachable');
    expect(told).not.toContain('✓ Second step');
    await alice.sendKeys('l');
    await alice.waitForText('going on in the local log', 5_000);
    await alice.sendKeys('Enter');
    await alice.waitForText('✓ Second step', 5_000);
    await alice.sendKeys('Enter');
    await alice.waitForText('complete the session', 5_000);
    await alice.sendKeys('Enter');
    expect(await alice.waitForExit(10_000)).toBe(0);

    await proxy.restore();
    expect(await storeEvents(sessionId)).not.toContain('SwitchedToLocalLog');
    const pushed = runbook(['push', sessionId], db);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toContain(`pushed session ${sessionId}`);
    expect(pushed.status).toBe(0);
    const onStore = await storeEvents(sessionId);
    expect(onStore).toContain('SwitchedToLocalLog');
    expect(onStore.at(-1)).toBe('SessionCompleted');
    const verified = runbook(['verify', sessionId], db);
    expect(verified.status).toBe(0);
    const exported = runbook(['export', sessionId], db);
    expect(exported.stdout).toContain(`went on in the local log ${db}`);
  }, 90_000);

  it('at start: asks before going on locally, records it, and the next command on the store pushes the session', async () => {
    const db = localLog('start');
    await proxy.cut();
    const refused = await aliceTerminal(['start', 'manual', '--env', 'staging'], db);
    await refused.waitForText('[y/N]', 15_000);
    await refused.sendKeys('n', 'Enter');
    expect(await refused.waitForExit(10_000)).toBe(1);
    expect(await refused.transcript()).toContain('nothing was started');

    const alice = await aliceTerminal(['start', 'manual', '--env', 'staging'], db);
    const asked = await alice.waitForText('[y/N]', 15_000);
    expect(asked).toContain('is unreachable');
    await alice.sendKeys('y', 'Enter');
    const first = await alice.waitForText('enter done', 15_000);
    const sessionId = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(first)![1]!;
    await alice.waitForKeyboard();
    await alice.sendKeys('Enter');
    await alice.waitForText('✓ First step', 5_000);
    await alice.sendKeys('q');
    expect(await alice.waitForExit(10_000)).toBe(130);

    await proxy.restore();
    const listed = runbook(['sessions'], db);
    expect(listed.status).toBe(0);
    expect(listed.stderr).toContain(`pushed session ${sessionId}`);
    expect(listed.stdout).toContain(sessionId);
    expect((await storeEvents(sessionId)).slice(0, 2)).toEqual(['SessionStarted', 'SwitchedToLocalLog']);
    // Pushed once: the next command says nothing more about it.
    expect(runbook(['sessions'], db).stderr).toBe('');
  }, 90_000);

  it('headless: without --continue-locally the run stops saying what to do; with it the run goes on locally and finishes', async () => {
    const stopped = await runWhileStoreGoesAway(localLog('headless-stop'), []);
    expect(stopped.code).toBe(1);
    expect(stopped.err).toContain('is unreachable');
    expect(stopped.err).toContain('with --continue-locally a run goes on in this machine\'s local log');

    await proxy.restore();
    const db = localLog('headless');
    const went = await runWhileStoreGoesAway(db, ['--continue-locally']);
    expect(went.err).toContain('going on in the local log');
    expect(went.code).toBe(0);
    const sessionId = /Session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(went.out)![1]!;
    await proxy.restore();
    const pushed = runbook(['push', '--all'], db);
    expect(pushed.stdout).toContain(`pushed session ${sessionId}`);
    expect(pushed.status).toBe(0);
    const onStore = await storeEvents(sessionId);
    // The slow check's result, which the store did not take, is recorded after the switch.
    expect(onStore.slice(onStore.indexOf('SwitchedToLocalLog'), onStore.indexOf('SwitchedToLocalLog') + 2)).toEqual(['SwitchedToLocalLog', 'CheckPassed']);
    expect(onStore.at(-1)).toBe('SessionCompleted');
    expect(runbook(['verify', sessionId], db).status).toBe(0);
  }, 90_000);
});

/** Runs the slow runbook headless and cuts the proxy while its check runs. */
function runWhileStoreGoesAway(db: string, extra: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [builtBinary, '--file', file, '--db', db, '--store', aliceStore(), 'run', 'slow', '--env', 'staging', '--answers', join(directory, 'answers.yaml'), ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUNBOOK_OPERATOR: 'alice' } },
    );
    let out = '';
    let err = '';
    // The check writes this file as it starts: the store goes away while it runs.
    const started = join(directory, 'check-started');
    rmSync(started, { force: true });
    const watch = setInterval(() => {
      if (!existsSync(started)) return;
      clearInterval(watch);
      void proxy.cut();
    }, 20);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearInterval(watch);
      resolve({ code, out, err });
    });
  });
}
