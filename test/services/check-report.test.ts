/**
 * What `runbook check` prints for people: sections closed by their counts, sizes and durations in
 * units people read, the observed JSON only with --verbose (and always in --json).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatBytes, humanizeByteCounts } from '../../src/services/byte-sizes.js';
import { formatCheckTable } from '../../src/services/check-report.js';
import type { CheckOutcome, CheckRun } from '../../src/services/run-checks.js';
import { fakeIO } from '../cli/support/fake-io.js';

const node = JSON.stringify(process.execPath);
// Real shell checks: one prints a size and passes, one fails on an expectation with a JSON
// observation, one is not applicable; two sections.
const runbooksText = `
version: 1
environments:
  local:
    vars: { flavour: plain }
alerts:
  - id: backup-failed
    name: Backup failed
    link: daily#backups
runbooks:
  - id: daily
    title: Daily
    summary: The daily checks.
    sections:
      - id: backups
        title: The backups
        steps:
          - id: backup-size
            kind: check
            title: The backup has a size
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "console.log(JSON.stringify({ size: 1288490189 }))"]
              expect: { json: { path: size, min: 1 } }
          - id: backup-job
            kind: check
            title: The backup job succeeded
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "console.log(JSON.stringify({ failed: 2 }))"]
              expect: { json: { path: failed, max: 0 } }
            alert: backup-failed
      - id: extras
        title: Extras
        steps:
          - id: fancy-only
            kind: check
            title: Only where the flavour is fancy
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "process.exit(0)"] }
            when: { vars.flavour: [fancy] }
          - id: quick
            kind: check
            title: Quick
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "process.exit(0)"] }
`;

let directory: string;
let file: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-check-report-'));
  file = join(directory, 'runbooks.yaml');
  writeFileSync(file, runbooksText);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function check(...flags: string[]): Promise<{ code: number; out: string }> {
  const io = fakeIO({ cwd: directory });
  const code = await main(['check', 'daily', '--env', 'local', '--file', file, '--db', join(directory, 'sessions.db'), ...flags], io);
  return { code, out: io.out() };
}

describe('runbook check table', () => {
  it('groups the checks by section, closes each with its counts, and ends with the whole count', async () => {
    const { code, out } = await check();
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe('daily on local: 4 checks in 2 sections');
    const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));
    expect(lines[at('backups')]).toBe('backups: The backups');
    expect(at('PASS  backup-size')).toBeGreaterThan(at('backups: The backups'));
    expect(at('FAIL  backup-job')).toBeGreaterThan(at('PASS  backup-size'));
    expect(at('backups: 1 passed, 1 failed')).toBeGreaterThan(at('FAIL  backup-job'));
    expect(lines[at('extras:')]).toBe('extras: Extras');
    expect(at('SKIP  fancy-only')).toBeGreaterThan(at('extras: Extras'));
    expect(lines).toContain('extras: 1 passed, 0 failed, 1 skipped');
    expect(lines[lines.length - 2]).toMatch(/^daily on local: 2 passed, 1 failed, 1 skipped in (\d+ ms|\d+\.\d s)$/);
  });

  it('keeps the failure lines: what was expected, the alert and the command to open', async () => {
    const { out } = await check();
    const failure = out.slice(out.indexOf('FAIL  backup-job'));
    expect(failure).toMatch(/^FAIL {2}backup-job +shell\.run +.+ {2}(\d+ ms|\d+\.\d s)\n {6}expected: /);
    expect(failure).toContain('      alert: Backup failed (backup-failed)\n      open: runbook start daily --env local --at backups\n');
  });

  it('leaves the observed JSON to --verbose, and keeps it in --json', async () => {
    const plain = await check();
    expect(plain.out).not.toContain('      observed: ');
    expect(plain.out).not.toContain('{"');

    const verbose = await check('--verbose');
    expect(verbose.code).toBe(1);
    const observed = verbose.out.split('\n').filter((line) => line.startsWith('      observed: '));
    expect(observed.length).toBeGreaterThanOrEqual(2);
    expect(verbose.out).toMatch(/FAIL {2}backup-job[^\n]*\n {6}expected: [^\n]*\n(?: {6}[a-z-]+: [^\n]*\n)* {6}observed: [^\n]*2/);

    const json = await check('--json');
    const report = JSON.parse(json.out) as { outcomes: CheckOutcome[] };
    const job = report.outcomes.find((outcome) => outcome.step === 'backup-job')!;
    expect(job.observed).toBeDefined();
    expect(job.durationMs).toEqual(expect.any(Number));
  });
});

describe('sizes and durations for people', () => {
  it('shows byte counts in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1288490189)).toBe('1.2 GiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GiB');
    expect(formatBytes(3.5 * 1024 ** 4)).toBe('3.5 TiB');
    expect(humanizeByteCounts('12 objects, 1288490189 bytes under s3://b/p/; not as expected: bytes 6442450944 > 5368709120.'))
      .toBe('12 objects, 1.2 GiB under s3://b/p/; not as expected: bytes 6 GiB > 5 GiB.');
    expect(humanizeByteCounts('count >= 1, bytes <= 5368709120')).toBe('count >= 1, bytes <= 5 GiB');
    // Digits that are part of a name are not sizes.
    expect(humanizeByteCounts('s3://b/v2.1024 bytes-archive/')).toBe('s3://b/v2.1024 bytes-archive/');
  });

  it('writes each check duration in ms under a second and in seconds above', () => {
    const outcome = (step: string, durationMs: number): CheckOutcome => ({
      runbook: 'r', section: 's', step, title: step, uses: 's3.prefixUsage', status: 'passed',
      detail: '3 objects, 1288490189 bytes under s3://b/p/.', durationMs, outputs: {}, finishedAt: '2026-01-01T00:00:00.000Z',
    });
    const run: CheckRun = {
      runbook: 'r', env: 'e', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 94_000, passed: 2, failed: 0, skipped: 0,
      outcomes: [outcome('fast', 340), outcome('slow', 1234)],
    };
    const table = formatCheckTable(run);
    expect(table).toContain('PASS  fast  s3.prefixUsage  3 objects, 1.2 GiB under s3://b/p/.  340 ms\n');
    expect(table).toContain('PASS  slow  s3.prefixUsage  3 objects, 1.2 GiB under s3://b/p/.  1.2 s\n');
    expect(table).toContain('s: 2 passed, 0 failed\n');
    expect(table.trimEnd().split('\n').pop()).toBe('r on e: 2 passed, 0 failed, 0 skipped in 1 min 34 s');
  });
});
