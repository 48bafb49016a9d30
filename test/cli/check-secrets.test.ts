/**
 * `runbook check` runs from cron, so what it prints lands in job logs: planted secrets (resolved
 * `${ENV}` passwords, URLs with passwords, AWS key ids and secret keys) must never appear in its
 * table or its JSON, whether they come back in a provider's stdout, stderr, observed value or
 * error. Runs the built binary with real processes and a real (unreachable) Postgres URL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/pg-cluster.js';

const binary = fileURLToPath(new URL('../../dist/runbook.js', import.meta.url));
const node = JSON.stringify(process.execPath);

const PASSWORD = 'Pg-Planted-Secret-7391';
const TOKEN = 'tok-planted-5cf0e1d2a9';
const ACCESS_KEY_ID = 'AKIAPLANTED000000001';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTED1KE'; // 40 characters, as AWS issues them

let directory: string;
let file: string;
let port: number;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-check-secrets-'));
  file = join(directory, 'runbooks.yaml');
  port = await freePort();
  const script = (code: string, ...args: string[]) => `[${[node, '-e', JSON.stringify(code), ...args].join(', ')}]`;
  const token = '"${{ env.vars.token }}"';
  const url = '"${{ env.vars.url }}"';
  const keys = JSON.stringify({ key: ACCESS_KEY_ID, secret: SECRET_KEY });
  writeFileSync(
    file,
    `version: 1
environments:
  local:
    postgres:
      main: { url: "postgres://app:\${PGPASSWORD}@127.0.0.1:${port}/app" }
    vars:
      token: "\${API_TOKEN}"
      url: "postgres://app:\${PGPASSWORD}@127.0.0.1:${port}/app"
runbooks:
  - id: daily
    title: Daily
    summary: Checks that see secrets.
    sections:
      - id: checks
        title: Checks
        steps:
          - id: stdout-token
            kind: check
            title: Prints the token and passes
            do: Nothing.
            uses: shell.run
            with:
              argv: ${script('console.log("token is " + process.argv[1])', token)}
              expect: { stdoutMatches: token }
          - id: stderr-url
            kind: check
            title: Fails, saying the URL with its password on stderr
            do: Nothing.
            uses: shell.run
            with:
              argv: ${script("console.error('cannot reach ' + process.argv[1]); process.exit(4)", url)}
          - id: aws-keys
            kind: check
            title: Prints AWS keys in JSON
            do: Nothing.
            uses: shell.run
            with:
              argv: ${script(`console.log(JSON.stringify(${keys}))`)}
              expect: { json: { path: key, equals: nothing } }
          - id: observed-token
            kind: check
            title: The token as the observed value
            do: Nothing.
            uses: shell.run
            with:
              argv: ${script('console.log(JSON.stringify({ value: process.argv[1] }))', token)}
              expect: { json: { path: value, equals: something-else } }
          - id: postgres-down
            kind: check
            title: Postgres, unreachable, with a password in its URL
            do: Nothing.
            uses: postgres.connection
            with: { database: main }
`,
  );
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function check(args: string[]) {
  const result = spawnSync(process.execPath, [binary, 'check', 'daily', '--env', 'local', '--file', file, '--db', join(directory, 'sessions.db'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PGPASSWORD: PASSWORD, API_TOKEN: TOKEN, NO_COLOR: '1' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const planted = [PASSWORD, TOKEN, ACCESS_KEY_ID, SECRET_KEY];

describe('runbook check never prints a secret', () => {
  it('in its table', () => {
    const { code, out, err } = check([]);
    expect(code).toBe(1);
    // The checks did see the secrets: the redaction marks stand where they were.
    expect(out).toContain('[redacted]');
    expect(out).toContain('stdout-token');
    expect(out).toContain('postgres-down');
    for (const secret of planted) {
      expect(out).not.toContain(secret);
      expect(err).not.toContain(secret);
    }
  });

  it('in its table with --verbose, which adds the observed values', () => {
    const { out, err } = check(['--verbose']);
    expect(out).toContain('      observed: ');
    for (const secret of planted) {
      expect(out).not.toContain(secret);
      expect(err).not.toContain(secret);
    }
  });

  it('in its JSON, and in the evidence it stores', () => {
    const { out, err } = check(['--json']);
    const json = JSON.parse(out) as { outcomes: Array<{ step: string; status: string }> };
    expect(json.outcomes.map((outcome) => outcome.step)).toEqual(['stdout-token', 'stderr-url', 'aws-keys', 'observed-token', 'postgres-down']);
    expect(out).toContain('[redacted]');
    for (const secret of planted) {
      expect(out).not.toContain(secret);
      expect(err).not.toContain(secret);
    }
    const stored = readFileSync(join(directory, 'sessions.db')).toString('latin1');
    for (const secret of planted) expect(stored).not.toContain(secret);
  });
});
