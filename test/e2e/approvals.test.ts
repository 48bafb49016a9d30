/**
 * Four-eyes approval in real pseudo-terminals (tmux), the built binary on both sides: Bob's
 * session screen waits for approval showing the exact command; Carol runs it in a terminal of
 * her own, reads the preview and types the environment's name; Bob's screen changes by itself
 * to approved and asks for his typed confirmation, and the action runs. On one SQLite file, as
 * two users of one jump host share it, and on the shared PostgreSQL store, each logged in as
 * their own database role.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { assertCanRunTerminal, openTerminal, type Terminal } from '../support/tmux.js';

let directory: string;
let server: TestStoreServer;
const terminals: Terminal[] = [];

beforeAll(async () => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-approvals-'));
  server = await createStoreServer({ writers: ['bob', 'carol'] });
}, 120_000);
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.close();
});
afterAll(async () => {
  await server?.destroy();
  rmSync(directory, { recursive: true, force: true });
});

function workspace(kind: 'sqlite' | 'postgres') {
  const marker = join(directory, `${kind}-restored.marker`);
  const file = join(directory, `${kind}-runbooks.yaml`);
  writeFileSync(
    file,
    `version: 1
environments:
  production:
    protected: true
    confirm: prod-db
    approvals: { required: 1 }
runbooks:
  - id: restore-thing
    title: Restore under four eyes
    summary: One action that another operator approves.
    sections:
      - id: restore
        title: Restore
        steps:
          - id: write-marker
            kind: action
            title: Write the marker
            do: Writes the marker file.
            uses: shell.run
            with:
              argv: ["node", "-e", "require('fs').writeFileSync(process.argv[1], 'restored')", ${JSON.stringify(marker)}]
          - { id: sign-off, kind: manual, title: Sign off, do: Confirm with the owner. }
`,
  );
  const db = join(directory, `${kind}-sessions.db`);
  // On the shared store each operator logs in as their own role (PGUSER); the URL names none.
  const where = kind === 'postgres' ? ['--store', server.url('x').replace('x@', ''), '--db', db] : ['--db', db];
  const storeFlag = kind === 'postgres' ? `--store ${where[1]}` : `--db ${db}`;
  return { file, where, storeFlag, marker };
}

/** The screen's text with the lines joined where the command was broken with a trailing backslash. */
function unbroken(screen: string): string {
  return screen.replace(/ \\\n\s*/g, ' ');
}

describe.each(['sqlite', 'postgres'] as const)('approval in real terminals on %s', (kind) => {
  it("the driver's screen waits with the approver's command and updates live when the approver, in her own terminal, approves", async () => {
    const { file, where, storeFlag, marker } = workspace(kind);
    const driver = await openTerminal({
      args: ['start', 'restore-thing', '--env', 'production', '--incident', 'INC-5', '--file', file, ...where],
      env: { RUNBOOK_OPERATOR: 'bob', PGUSER: 'bob', NO_COLOR: '1' },
      columns: 110,
      rows: 34,
    });
    terminals.push(driver);
    await driver.waitForText('enter: preview what will run', 15_000);
    await driver.waitForKeyboard();
    await driver.sendKeys('Enter');
    let screen = await driver.waitForText('waiting for approval: 0 of 1', 15_000);
    const id = /session (\d{8}-\d{6}-[A-Za-z0-9]+)/.exec(screen)![1]!;
    expect(screen).toMatch(/another operator \(not bob@\S+\) runs:/);
    const command = `runbook approve ${id} write-marker ${storeFlag}`;
    expect(unbroken(screen)).toContain(command);
    screen = await driver.waitForText('waiting for approval; updates by itself', 5_000);
    expect(screen).not.toContain('Type "prod-db"');

    // Carol runs exactly that command (the binary behind "runbook"), in a terminal of her own.
    const approver = await openTerminal({
      args: command.split(' ').slice(1),
      env: { RUNBOOK_OPERATOR: 'carol', PGUSER: 'carol', NO_COLOR: '1' },
      columns: 110,
      rows: 34,
    });
    terminals.push(approver);
    const asked = await approver.waitForText('Type "prod-db" to approve this action on PROTECTED production', 15_000);
    expect(asked).toContain(`Session ${id}: restore-thing on PROTECTED production, incident INC-5`);
    expect(asked).toMatch(/Requested by bob@\S+ at /);
    expect(asked).toContain('will run: run node with 3 arguments, without a shell');
    expect(asked).toContain('dry-run passed: node resolves to');
    const hash = /Preview hash (sha256:[0-9a-f]{64})/.exec(asked)![1]!;
    expect(screen).toContain(`preview ${hash.slice(7, 19)}`);
    // Nothing changes on the driver's screen before she confirms.
    expect(await driver.screen()).toContain('waiting for approval: 0 of 1');
    await approver.type('prod-db');
    await approver.sendKeys('Enter');
    expect(await approver.waitForExit(15_000)).toBe(0);
    expect(await approver.transcript()).toMatch(/Approved step write-marker of session \S+ \(preview [0-9a-f]{12}\) as carol@/);

    // No key pressed on Bob's side: the screen reads the approval from the store by itself.
    screen = await driver.waitForText('✓ approved by carol@', 5_000);
    expect(screen).toContain('Type "prod-db" to run this action on PROTECTED production');
    expect(existsSync(marker)).toBe(false);
    await driver.type('prod-db');
    await driver.sendKeys('Enter');
    await driver.waitForText('✓ succeeded', 15_000);
    expect(readFileSync(marker, 'utf8')).toBe('restored');
  });
});
