/**
 * `runbook store init|migrate|status` and every command on the shared store, through the BUILT
 * binary against a real PostgreSQL cluster: two processes migrating at once apply each version
 * once; sessions, run, export, verify, check and evidence work with --store as with the file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../src/state/postgres/schema.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { builtBinary } from '../support/tmux.js';

let server: TestStoreServer;
let dir: string;
let file: string;

beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob'], init: false });
  dir = mkdtempSync(join(tmpdir(), 'runbook-store-cli-'));
  file = join(dir, 'runbooks.yaml');
  writeFileSync(
    file,
    `version: 1
environments:
  staging:
    postgres:
      main: { url: "postgres://app@127.0.0.1:${server.cluster.port}/app" }
runbooks:
  - id: small
    title: A small runbook
    summary: One manual step and one check.
    sections:
      - id: main
        title: Main
        steps:
          - { id: announce, kind: manual, title: Announce it, do: Post in the channel. }
          - id: tool
            kind: check
            title: The tool answers
            do: It runs.
            uses: shell.run
            with: { argv: ["node", "-e", "process.stdout.write('ok')"] }
`,
  );
  writeFileSync(join(dir, 'answers.yaml'), 'announce: announced\n');
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function runbook(args: readonly string[], role = 'alice') {
  return spawnSync(process.execPath, [builtBinary, '--file', file, '--db', join(dir, 'local', 'sessions.db'), '--store', server.url(role), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, RUNBOOK_OPERATOR: `${role}@test` } });
}

function spawnRunbook(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtBinary, '--store', server.url('postgres'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('runbook store', () => {
  it('says a store is not set up, then two migrations at once apply each version once', async () => {
    const before = runbook(['store', 'status'], 'postgres');
    expect(before.status).toBe(1);
    expect(before.stdout).toContain(`schema version 0, this runbook needs ${PG_SCHEMA_VERSION}: run "runbook store init"`);
    const refused = runbook(['sessions']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('run "runbook store init" as the store\'s owner');

    const [one, two] = await Promise.all([spawnRunbook(['store', 'migrate']), spawnRunbook(['store', 'migrate'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const outputs = [one.out, two.out].sort();
    expect(outputs.filter((out) => out.includes('applied schema version'))).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('nothing to apply'))).toHaveLength(1);
    expect(await server.admin('SELECT version FROM runbook.schema_version')).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })));

    const init = runbook(['store', 'init', '--writer', 'alice,bob'], 'postgres');
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('nothing to apply');
    expect(init.stdout).toContain('granted to alice (writer), bob (writer)');
    const status = JSON.parse(runbook(['store', 'status', '--json']).stdout);
    expect(status).toMatchObject({ connectedAs: 'alice', schemaVersion: PG_SCHEMA_VERSION, roles: { writer: true, reader: true }, privileges: { insertEvents: true, updateEvents: false, deleteEvents: false } });
    // The runbooks file restores onto this very server: status says so.
    expect(status.sharedWithEnvironments).toEqual(['staging']);
  });

  it('runs a session headless on the store; sessions, export, verify, check and evidence read it there', () => {
    const run = runbook(['run', 'small', '--env', 'staging', '--answers', join(dir, 'answers.yaml')]);
    expect(run.status, run.stderr).toBe(0);
    // The staging database is on the store's own server: said, since restoring it would roll the log back.
    expect(run.stderr).toContain('warning: the shared store is on the same PostgreSQL server as a database of environment "staging"');
    const id = /Session (\S+):/.exec(run.stdout)![1]!;
    const listed = JSON.parse(runbook(['sessions', '--all', '--json'], 'bob').stdout);
    expect(listed.sessions.map((session: { id: string; status: string }) => [session.id, session.status])).toEqual([[id, 'completed']]);
    const exported = JSON.parse(runbook(['export', id, '--format', 'json'], 'bob').stdout);
    expect(exported.session).toMatchObject({ id, runbook: 'small', status: 'completed' });
    expect(runbook(['verify', id], 'bob').stdout).toContain(`ok: session ${id}`);

    mkdirSync(join(dir, 'local'), { recursive: true });
    const check = runbook(['check', 'small', '--env', 'staging']);
    expect(check.status).toBe(0);
    expect(check.stderr).not.toContain('not stored');
    const evidence = runbook(['evidence', '--json'], 'bob');
    expect(evidence.status, evidence.stderr).toBe(0);
    expect(JSON.parse(evidence.stdout).format).toBe('runbook-evidence/1');
    return server.admin('SELECT step, status, db_role FROM runbook.check_results').then((rows) => expect(rows).toEqual([{ step: 'tool', status: 'passed', db_role: 'alice' }]));
  });
});
