/**
 * `runbook run`: a whole runbook headless, the built binary with real processes as its steps.
 * Missing answers, --yes and --confirm stop cleanly and resumably; failures stop with the reason;
 * kill -9 mid-action and SIGTERM leave exactly one effect; the JSON document has its shape; the
 * export says which answers came from a file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBinary } from '../support/tmux.js';

let directory: string;

beforeAll(() => {
  if (!existsSync(builtBinary)) throw new Error(`run "npm run build" first: ${builtBinary} is missing`);
  directory = mkdtempSync(join(tmpdir(), 'runbook-run-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A workspace of its own: runbooks file, answers, database and the action's marker file. */
function workspace(name: string, options: { actionMs?: number; checkFails?: boolean } = {}) {
  const dir = join(directory, name);
  const marker = join(dir, 'marker.txt');
  spawnSync('mkdir', ['-p', dir]);
  const file = join(dir, 'runbooks.yaml');
  writeFileSync(
    file,
    `version: 1
environments:
  staging: {}
  production: { protected: true, confirm: prod-db }
runbooks:
  - id: restore-thing
    title: Restore a thing
    summary: Every kind of step, headless.
    sections:
      - id: prepare
        title: Prepare
        steps:
          - { id: announce, kind: manual, title: Announce the restore, do: Post in the channel., note: required }
          - id: tool-ok
            kind: check
            title: The tool answers
            do: It runs.
            uses: shell.run
            with: { argv: ["node", "-e", "process.stdout.write('tool 1.0'); process.exit(${options.checkFails ? 3 : 0})"] }
          - { id: reason, kind: input, title: Why restore, do: Say why., input: { type: text } }
          - { id: pick, kind: input, title: Which copy, do: Pick one., input: { type: choice, choices: [alpha, beta] } }
      - id: restore
        title: Restore
        steps:
          - id: write-marker
            kind: action
            title: Write the marker
            do: Appends to the marker file, then takes its time.
            uses: shell.run
            with:
              argv: ["node", "-e", "require('fs').appendFileSync(process.argv[1], 'ran;'); setTimeout(() => {}, Number(process.argv[2]))", ${JSON.stringify(marker)}, "${options.actionMs ?? 0}"]
              reconcile: { argv: ["node", "-e", "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 1)", ${JSON.stringify(marker)}] }
          - id: marker-there
            kind: check
            title: The marker is there
            do: Look.
            uses: shell.run
            with: { argv: ["node", "-e", "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 2)", ${JSON.stringify(marker)}] }
`,
  );
  const answers = join(dir, 'answers.yaml');
  writeFileSync(answers, 'announce: "posted in #incident"\nreason: weekly restore test\npick: newest\n');
  const db = join(dir, 'sessions.db');
  const args = (...rest: string[]) => ['--file', file, '--db', db, ...rest];
  const run = (...rest: string[]) => spawnSync(process.execPath, [builtBinary, ...args(...rest)], { encoding: 'utf8', timeout: 60_000 });
  const effects = () => (existsSync(marker) ? readFileSync(marker, 'utf8').split(';').filter(Boolean).length : 0);
  const sessionIdOf = (output: string) => /Session (\d{8}-\d{6}-[a-z0-9]+)/.exec(output)![1]!;
  const events = (id: string) => (JSON.parse(run('export', id, '--format', 'json').stdout) as { events: Array<{ type: string; stepId: string | null }> }).events;
  const status = (id: string) => (JSON.parse(run('sessions', '--json', '--all').stdout) as { sessions: Array<{ id: string; status: string }> }).sessions.find((s) => s.id === id)!.status;
  return { file, answers, db, marker, args, run, effects, sessionIdOf, events, status };
}

describe('runbook run', () => {
  it('stops at a step with no answer, naming the step and the key to add; the session is left interrupted (exit 2)', () => {
    const w = workspace('no-answers');
    const result = w.run('run', 'restore-thing', '--env', 'staging');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('manual step "announce" (Announce the restore) needs a note as evidence: pass --answers FILE with "announce: <the evidence');
    const id = w.sessionIdOf(result.stdout);
    expect(result.stdout).toContain(`Go on with: runbook run --resume ${id}`);
    expect(result.stdout).toContain(`or on screen: runbook resume ${id}`);
    expect(w.status(id)).toBe('interrupted');
  });

  it('without --yes stops before the first action with its preview recorded (exit 2); --resume --yes runs it once and completes', () => {
    const w = workspace('yes');
    const first = w.run('run', 'restore-thing', '--env', 'staging', '--answers', w.answers);
    expect(first.status).toBe(2);
    const id = w.sessionIdOf(first.stdout);
    expect(first.stdout).toMatch(/^DONE {2}announce +\d+\.\ds {2}done: posted in #incident$/m);
    expect(first.stdout).toMatch(/^DONE {2}pick .* value: alpha$/m);
    expect(first.stderr).toContain('stopped before action "write-marker"');
    expect(first.stdout).toContain(`Go on with: runbook run --resume ${id} --file ${w.file} --db ${w.db} --answers ${w.answers} --yes`);
    expect(w.effects()).toBe(0);
    expect(w.events(id).filter((event) => event.type === 'ActionPreviewed').map((event) => event.stepId)).toEqual(['write-marker']);

    const second = w.run('run', '--resume', id, '--answers', w.answers, '--yes', '--json');
    expect(second.status).toBe(0);
    expect(w.effects()).toBe(1);
    const document = JSON.parse(second.stdout);
    expect(document).toMatchObject({ format: 'runbook-run/1', session: id, runbook: 'restore-thing', env: 'staging', drill: false, status: 'completed', exitCode: 0, stop: null, drillResult: null });
    expect(document.steps.map((step: { id: string; status: string }) => [step.id, step.status])).toEqual([
      ['write-marker', 'done'],
      ['marker-there', 'done'],
    ]);
    for (const step of document.steps) expect(Object.keys(step).sort()).toEqual(['durationMs', 'id', 'kind', 'result', 'status', 'title']);
    expect(w.status(id)).toBe('completed');
    // The export says which answers came from the file.
    const markdown = w.run('export', id).stdout;
    expect(markdown.match(/answered by:\*\* the answers file answers\.yaml \(headless run\)/g)?.length).toBe(3);
  });

  it('a failing check stops the run with its reason and how to go on (exit 1)', () => {
    const w = workspace('fails', { checkFails: true });
    const result = w.run('run', 'restore-thing', '--env', 'staging', '--answers', w.answers, '--yes');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}tool-ok /m);
    expect(result.stderr).toContain('check "tool-ok" failed: node did not meet the expectation: expected exit code 0, observed exit code 3');
    const id = w.sessionIdOf(result.stdout);
    expect(result.stdout).toContain(`Go on with: runbook run --resume ${id}`);
    expect(w.status(id)).toBe('interrupted');
    expect(w.effects()).toBe(0);
  });

  it('checks a choice answer against the list', () => {
    const w = workspace('choice');
    writeFileSync(w.answers, 'announce: ok\nreason: test\npick: gamma\n');
    const result = w.run('run', 'restore-thing', '--env', 'staging', '--answers', w.answers);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the answer to "pick" in answers.yaml cannot be used: "gamma" is not in the live list (selectable now: alpha, beta; or newest or last-known-good)');
  });

  it('on a protected environment, actions need --incident and --confirm with the confirmation text; drills stay refused', () => {
    const w = workspace('protected');
    const noIncident = w.run('run', 'restore-thing', '--env', 'production', '--answers', w.answers, '--yes');
    expect(noIncident.status).toBe(2);
    expect(noIncident.stderr).toContain('environment "production" is protected: give the incident reference with --incident REF');
    const drill = w.run('run', 'restore-thing', '--env', 'production', '--incident', 'INC-9', '--drill');
    expect(drill.status).toBe(2);
    expect(drill.stderr).toContain('drills are refused on protected environment "production"');

    const noConfirm = w.run('run', 'restore-thing', '--env', 'production', '--incident', 'INC-9', '--answers', w.answers, '--yes');
    expect(noConfirm.status).toBe(2);
    expect(noConfirm.stderr).toContain('action "write-marker" runs on PROTECTED production: confirm with --confirm "prod-db"');
    const id = w.sessionIdOf(noConfirm.stdout);
    const wrong = w.run('run', '--resume', id, '--answers', w.answers, '--yes', '--confirm', 'production');
    expect(wrong.status).toBe(2);
    expect(w.effects()).toBe(0);
    const right = w.run('run', '--resume', id, '--answers', w.answers, '--yes', '--confirm', 'prod-db');
    expect(right.status).toBe(0);
    expect(w.effects()).toBe(1);
    const confirmed = w.events(id).filter((event) => event.type === 'ActionConfirmed');
    expect(confirmed).toHaveLength(1);
    expect((confirmed[0] as unknown as { data: { typed: string } }).data.typed).toBe('prod-db');
  });

  it('kill -9 in the middle of an action, then --resume, reconciles it and leaves exactly one effect', async () => {
    const w = workspace('kill', { actionMs: 30_000 });
    const child = spawn(process.execPath, [builtBinary, ...w.args('run', 'restore-thing', '--env', 'staging', '--answers', w.answers, '--yes')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = await until(child, () => w.effects() === 1);
    child.kill('SIGKILL');
    await exited(child);
    const id = w.sessionIdOf(output());
    expect(w.events(id).map((event) => event.type)).toContain('ActionIntended');
    const resumed = w.run('run', '--resume', id, '--answers', w.answers, '--yes');
    expect(resumed.stdout).toMatch(/^DONE {2}write-marker /m);
    expect(resumed.status).toBe(0);
    const types = w.events(id).map((event) => event.type);
    expect(types.filter((type) => type === 'ActionIntended')).toHaveLength(1);
    expect(types).toContain('ActionReconciled');
    expect(w.effects()).toBe(1);
  });

  it('SIGTERM stops at the next step boundary, after the running action has finished (exit 130); the session resumes', async () => {
    const w = workspace('term', { actionMs: 1_500 });
    const child = spawn(process.execPath, [builtBinary, ...w.args('run', 'restore-thing', '--env', 'staging', '--answers', w.answers, '--yes')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = await until(child, () => w.effects() === 1);
    child.kill('SIGTERM');
    const code = await exited(child);
    expect(code).toBe(130);
    expect(output()).toContain('SIGTERM: stopping at the next step boundary (a running action finishes first)');
    expect(output()).toMatch(/^DONE {2}write-marker /m);
    const id = w.sessionIdOf(output());
    expect(w.status(id)).toBe('interrupted');
    const resumed = w.run('run', '--resume', id, '--answers', w.answers, '--yes');
    expect(resumed.status).toBe(0);
    expect(w.effects()).toBe(1);
  });
});

/** Collects a child's output until `ready()` holds. */
async function until(child: ChildProcess, ready: () => boolean): Promise<() => string> {
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not ready after 30 s; output so far:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return () => text;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}
