/**
 * The built binary (dist/runbook.js, from `npm run build`) spawned as a user would: exit codes
 * and output of lint, list and the refusals, with no stack trace anywhere.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const binary = fileURLToPath(new URL('../../dist/runbook.js', import.meta.url));
let cwd: string;

beforeAll(() => {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run "npm run build" first`);
  cwd = mkdtempSync(join(tmpdir(), 'runbook-bin-'));
  cpSync(new URL('./fixtures/manual.yaml', import.meta.url), join(cwd, 'runbooks.yaml'));
  writeFileSync(join(cwd, 'broken.yaml'), 'version: 2\nenvironments:\n  sandbox: {}\nrunbooks:\n  - id: x\n');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function runbook(...args: string[]) {
  const result = spawnSync(process.execPath, [binary, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd }, timeout: 20_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('dist/runbook.js', () => {
  test('lint of a clean file exits 0', () => {
    expect(runbook('lint')).toEqual({ code: 0, out: 'runbooks.yaml: ok (2 runbooks, 4 steps)\n', err: '' });
  });

  test('lint of a broken file prints every problem and exits 2', () => {
    expect(runbook('lint', 'broken.yaml')).toEqual({
      code: 2,
      out: [
        'broken.yaml:1:10 version: expected 1, got the number 2',
        'broken.yaml:5:5 runbooks.0: missing required fields "title", "summary" and "sections"',
        '',
      ].join('\n'),
      err: '2 problems in broken.yaml\n',
    });
  });

  test('list --json --file prints the listing', () => {
    const { code, out, err } = runbook('list', '--json', '--file', 'runbooks.yaml');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const listing = JSON.parse(out) as { runbooks: Array<{ id: string }>; alerts: unknown[] };
    expect(listing.runbooks.map((entry) => entry.id)).toEqual(['restore-config', 'key-rotation']);
    expect(listing.alerts).toEqual([{ id: 'config-drift', name: 'Configuration drift', runbook: 'restore-config', section: 'apply' }]);
  });

  test('a missing file, an unknown command and no terminal: one line each, exit 2', () => {
    expect(runbook('list', '--file', 'gone.yaml')).toEqual({
      code: 2,
      out: '',
      err: 'runbook: runbooks file not found: gone.yaml; pass --file or set RUNBOOK_FILE\n',
    });
    expect(runbook('launch')).toEqual({
      code: 2,
      out: '',
      err: 'runbook: unknown command "launch"; run "runbook --help" for the list of commands\n',
    });
    expect(runbook()).toEqual({
      code: 2,
      out: '',
      err: 'runbook: "runbook" needs an interactive terminal; without one use "runbook list"\n',
    });
  });
});
