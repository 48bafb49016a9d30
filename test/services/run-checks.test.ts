import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseRunbooksText } from '../../src/runbooks/load.js';
import { prometheusText } from '../../src/services/prometheus.js';
import { runChecks } from '../../src/services/run-checks.js';
import { fakeIO } from '../cli/support/fake-io.js';

// Checks run real processes through the real shell provider: no provider is faked.
const node = JSON.stringify(process.execPath);
const runbooks = (logFile: string) => `
version: 1
environments:
  local:
    vars: { flavour: plain, log: ${JSON.stringify(logFile)} }
  other:
    vars: { flavour: fancy, log: ${JSON.stringify(logFile)} }
alerts:
  - id: wal-archive-stale
    name: WAL archive stale
    link: restore#fix-archive
assets:
  - id: wal-archive
    name: WAL archive
runbooks:
  - id: daily
    title: Daily checks
    summary: The daily checklist.
    sections:
      - id: checks
        title: Checks
        steps:
          - id: passes
            kind: check
            title: A check that passes
            do: Nothing to do.
            uses: shell.run
            with:
              argv: [${node}, -e, "console.log(JSON.stringify({lastBackupAt: new Date(Date.UTC(2026,0,2)).toISOString()}))"]
              expect: { json: { path: lastBackupAt, matches: "^2026" } }
            signal: { asset: wal-archive, kind: freshness }
          - id: archive-fresh
            kind: check
            title: WAL archive is fresh
            do: Look at the archiver.
            uses: shell.run
            with:
              argv: [${node}, -e, "process.exit(3)"]
            alert: wal-archive-stale
          - id: archiver-ran
            kind: check
            title: The archiver ran
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "process.exit(0)"] }
            signal: { asset: wal-archive, kind: success }
          - id: read-manual
            kind: manual
            title: Read the dashboard
            do: Look at it.
          - id: only-fancy
            kind: check
            title: Only where the flavour is fancy
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "process.exit(0)"] }
            when: { vars.flavour: [fancy] }
  - id: restore
    title: Restore
    summary: Restore things.
    sections:
      - id: pick
        title: Pick
        steps:
          - id: choose
            kind: input
            title: Choose
            do: Choose a value.
            input: { type: text }
      - id: fix-archive
        title: Fix the archive
        steps:
          - id: needs-choice
            kind: check
            title: Needs the chosen value
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "process.exit(0)", "\${{ steps.choose.outputs.value }}"] }
  - id: parallel
    title: Parallel
    summary: Four checks that record when they run.
    sections:
      - id: all
        title: All
        steps:
${[1, 2, 3, 4]
  .map(
    (n) => `          - id: c${n}
            kind: check
            title: Check ${n}
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "const f=require('fs');const l=process.argv[1];f.appendFileSync(l,'start\\\\n');setTimeout(()=>f.appendFileSync(l,'end\\\\n'),300)", "\${{ env.vars.log }}"]`,
  )
  .join('\n')}
`;

let directory: string;
let file: string;
let logFile: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-checks-'));
  logFile = join(directory, 'parallel.log');
  file = join(directory, 'runbooks.yaml');
  writeFileSync(file, runbooks(logFile));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('runbook check', () => {
  it('runs only check steps and names the alert and section of each failure', async () => {
    const { file: parsed } = parseRunbooksText(readFileSync(file, 'utf8'), file);
    const run = await runChecks({ file: parsed, runbookId: 'daily', envName: 'local' });
    expect(run.outcomes.map((outcome) => [outcome.step, outcome.status])).toEqual([
      ['passes', 'passed'],
      ['archive-fresh', 'failed'],
      ['archiver-ran', 'passed'],
      ['only-fancy', 'skipped'],
    ]);
    const failed = run.outcomes[1]!;
    expect(failed.alert).toEqual({ id: 'wal-archive-stale', name: 'WAL archive stale' });
    expect(failed.open).toBe('runbook start restore --env local --at fix-archive');
    expect(run.outcomes[3]!.detail).toContain('not applicable in environment "local"');
    expect([run.passed, run.failed, run.skipped]).toEqual([2, 1, 1]);
  });

  it('skips a check that needs a value only a guided session has', async () => {
    const { file: parsed } = parseRunbooksText(readFileSync(file, 'utf8'), file);
    const run = await runChecks({ file: parsed, runbookId: 'restore', envName: 'local' });
    expect(run.outcomes).toHaveLength(1);
    expect(run.outcomes[0]!.status).toBe('skipped');
    expect(run.outcomes[0]!.detail).toContain('${{ steps.choose.outputs.value }}');
  });

  it('runs checks in parallel, never more at once than the bound', async () => {
    rmSync(logFile, { force: true });
    const { file: parsed } = parseRunbooksText(readFileSync(file, 'utf8'), file);
    const run = await runChecks({ file: parsed, runbookId: 'parallel', envName: 'local', concurrency: 2 });
    expect(run.passed).toBe(4);
    let running = 0;
    let most = 0;
    for (const line of readFileSync(logFile, 'utf8').trim().split('\n')) {
      running += line === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
  });

  it('exits 1 with a table naming the alert, and writes JSON and Prometheus metrics', async () => {
    const prom = join(directory, 'metrics.prom');
    const io = fakeIO({ cwd: directory });
    const code = await main(['check', 'daily', '--env', 'local', '--file', file, '--prom', prom], io);
    expect(code).toBe(1);
    expect(io.out()).toContain('FAIL  archive-fresh');
    expect(io.out()).toContain('alert: WAL archive stale (wal-archive-stale)');
    expect(io.out()).toContain('open: runbook start restore --env local --at fix-archive');
    expect(io.out()).toContain('2 passed, 1 failed, 1 skipped');
    const metrics = readFileSync(prom, 'utf8');
    expect(metrics).toContain('runbook_check_success{runbook="daily",env="local",step="archive-fresh",alert="wal-archive-stale"} 0');
    expect(metrics).toContain('runbook_check_success{runbook="daily",env="local",step="passes",alert=""} 1');
    expect(metrics).toContain(`runbook_asset_freshness_timestamp_seconds{runbook="daily",env="local",asset="wal-archive"} ${Date.UTC(2026, 0, 2) / 1000}`);
    // The success check passed without reporting a time: its success is when it looked.
    const successLine = metrics.split('\n').find((line) => line.startsWith('runbook_asset_last_success_timestamp_seconds{runbook="daily",env="local",asset="wal-archive"}'));
    expect(Number(successLine?.split(' ')[1])).toBeGreaterThan(Date.UTC(2026, 0, 2) / 1000);

    const jsonIO = fakeIO({ cwd: directory });
    expect(await main(['check', 'daily', '--env', 'other', '--json', '--file', file], jsonIO)).toBe(1);
    const report = JSON.parse(jsonIO.out());
    expect(report.format).toBe('runbook-check/1');
    expect(report.env).toBe('other');
    expect(report.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(['passed', 'failed', 'passed', 'passed']);
  });

  it('refuses an unknown runbook or environment with exit 2', async () => {
    const io = fakeIO({ cwd: directory });
    expect(await main(['check', 'nope', '--env', 'local', '--file', file], io)).toBe(2);
    expect(io.err()).toContain('unknown runbook "nope"; the runbooks are: daily, restore, parallel');
    const envIO = fakeIO({ cwd: directory });
    expect(await main(['check', 'daily', '--file', file], envIO)).toBe(2);
    expect(envIO.err()).toContain('pass --env with one of: local, other');
  });
});

describe('prometheus text', () => {
  it('escapes label values', () => {
    const text = prometheusText({
      runbook: 'a"b', env: 'e', startedAt: '', durationMs: 0, passed: 1, failed: 0, skipped: 0,
      outcomes: [{ runbook: 'a"b', section: 's', step: 'x', title: '', uses: 'shell.run', status: 'passed', detail: '', durationMs: 1, outputs: {}, finishedAt: '2026-01-01T00:00:00.000Z' }],
    });
    expect(text).toContain('runbook="a\\"b"');
  });
});
