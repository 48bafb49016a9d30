/**
 * Secret runbook inputs stay out of ps and shell history: they can be given in the environment
 * (RUNBOOK_INPUT_<NAME>) or typed when asked, and giving one with --set works but warns. Either
 * way the value reaches the step and never the screen or the log. The built binary under tmux.
 */
import { createHash } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertCanRunTerminal, openTerminal, type Terminal } from '../support/tmux.js';

const SECRET = 'Planted-Input-Secret-4411';
let directory: string;
let file: string;
let terminal: Terminal | undefined;

beforeAll(() => {
  assertCanRunTerminal();
  directory = mkdtempSync(join(tmpdir(), 'runbook-e2e-secret-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(
    file,
    `version: 1
environments:
  staging: {}
runbooks:
  - id: uses-secret
    title: Uses a secret input
    summary: A check that needs the token (it compares digests, since the file must not hold the secret).
    inputs:
      api_token: { type: text, secret: true, description: the API token }
    sections:
      - id: main
        title: Main
        steps:
          - id: token-works
            kind: check
            title: The token is the planted one
            do: Compares it.
            uses: shell.run
            with:
              argv: ["node", "-e", "const digest = require('crypto').createHash('sha256').update(process.argv[1]).digest('hex'); process.stdout.write('token ' + process.argv[1]); process.exit(digest === process.argv[2] ? 0 : 5)", "\${{ inputs.api_token }}", "${createHash('sha256').update(SECRET).digest('hex')}"]
`,
  );
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

async function session(name: string, args: string[], env: Record<string, string> = {}) {
  const db = join(directory, `${name}.db`);
  terminal = await openTerminal({ args: ['start', 'uses-secret', '--env', 'staging', '--file', file, '--db', db, ...args], env, columns: 140, rows: 32 });
  return db;
}

async function passesWithoutShowingIt(db: string) {
  expect(await terminal!.waitForText('✓ passed', 10_000)).not.toContain(SECRET);
  // The step's own output, in full: the value the step printed is redacted there too.
  await terminal!.sendKeys('i');
  expect(await terminal!.waitForText('token [redacted]')).not.toContain(SECRET);
  await terminal!.sendKeys('Escape');
  await terminal!.waitForText('enter done');
  await terminal!.sendKeys('q');
  await terminal!.waitForExit();
  expect(await terminal!.transcript()).not.toContain(SECRET);
  for (const suffix of ['', '-wal']) {
    try {
      expect(readFileSync(db + suffix).toString('latin1')).not.toContain(SECRET);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

describe('secret runbook inputs', () => {
  it('come from RUNBOOK_INPUT_<NAME> without a warning', async () => {
    const db = await session('env', [], { RUNBOOK_INPUT_API_TOKEN: SECRET });
    await passesWithoutShowingIt(db);
    expect(await terminal?.transcript()).not.toContain('warning: --set');
  });

  it('given with --set still work, with a warning that says how to give them safely', async () => {
    const db = await session('set', ['--set', `api_token=${SECRET}`]);
    const first = await terminal!.waitForText('✓ passed', 10_000);
    expect(first).toContain('warning: --set api_token=… puts a secret where ps and your shell history show it; give it as RUNBOOK_INPUT_API_TOKEN=…');
    await passesWithoutShowingIt(db);
  });

  it('are asked for, masked, when not given', async () => {
    const db = await session('asked', []);
    await terminal!.waitForText('Runbook input "api_token": the API token');
    await terminal!.waitForKeyboard();
    await terminal!.type(SECRET);
    const typed = await terminal!.waitForText('•••••');
    expect(typed).not.toContain(SECRET);
    await terminal!.sendKeys('Enter');
    await passesWithoutShowingIt(db);
  });
});
