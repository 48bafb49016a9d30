/**
 * What `runbook check --prom` and `runbook evidence` say after checks that pass and checks that
 * fail, through the real command entry, real shell checks and a real SQLite session database:
 * a check's Prometheus series keeps one label set whether it passes or fails, and evidence never
 * calls a check that ran and failed "never checked".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from '../cli/support/fake-io.js';

const node = JSON.stringify(process.execPath);
let directory: string;
let file: string;
let db: string;
let healthy: string;

// The checks pass while the file `healthy` exists and fail once it is gone; the freshness one
// reports a backup time only while it passes, as a backup tool that finds nothing would.
const runbooksText = (marker: string) => `
version: 1
environments:
  local:
    vars: { marker: ${JSON.stringify(marker)} }
alerts:
  - id: backup-failed
    name: Backup failed
    link: daily#backups
assets:
  - id: backups
    name: Backups
    frequency: 1d
runbooks:
  - id: daily
    title: Daily
    summary: The daily checks.
    sections:
      - id: backups
        title: Backups
        steps:
          - id: backup-succeeded
            kind: check
            title: The backup job succeeded
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 1)", "\${{ env.vars.marker }}"]
            alert: backup-failed
            signal: { asset: backups, kind: success }
          - id: backup-fresh
            kind: check
            title: The newest backup is fresh
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "if (!require('fs').existsSync(process.argv[1])) process.exit(1); console.log(JSON.stringify({ lastBackupAt: new Date(Date.now() - 3600e3).toISOString() }))", "\${{ env.vars.marker }}"]
            signal: { asset: backups, kind: freshness }
`;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-truths-'));
  file = join(directory, 'runbooks.yaml');
  db = join(directory, 'sessions.db');
  healthy = join(directory, 'healthy');
  writeFileSync(file, runbooksText(healthy));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function check(prom?: string): Promise<number> {
  return main(['check', 'daily', '--env', 'local', '--file', file, '--db', db, ...(prom ? ['--prom', prom] : [])], fakeIO({ cwd: directory }));
}

async function evidenceTable(): Promise<string> {
  const io = fakeIO({ cwd: directory });
  await main(['evidence', '--file', file, '--db', db], io);
  return io.out();
}

const backupsRow = (table: string) => table.split('\n').find((line) => line.startsWith('backups '))!;

describe('runbook check --prom', () => {
  it('gives a check the same labels when it passes as when it fails', async () => {
    const prom = join(directory, 'metrics.prom');
    const successLines = () => readFileSync(prom, 'utf8').split('\n').filter((line) => line.startsWith('runbook_check_success{'));
    const labels = (lines: string[]) => lines.map((line) => line.slice(0, line.lastIndexOf(' ')));
    const values = (lines: string[]) => lines.map((line) => line.slice(line.lastIndexOf(' ') + 1));

    writeFileSync(healthy, 'yes');
    expect(await check(prom)).toBe(0);
    const passing = successLines();
    unlinkSync(healthy);
    expect(await check(prom)).toBe(1);
    const failing = successLines();

    expect(labels(passing)).toEqual(labels(failing));
    expect(labels(passing)).toEqual([
      'runbook_check_success{runbook="daily",env="local",step="backup-succeeded",alert="backup-failed"}',
      'runbook_check_success{runbook="daily",env="local",step="backup-fresh",alert=""}',
    ]);
    expect(values(passing)).toEqual(['1', '1']);
    expect(values(failing)).toEqual(['0', '0']);
  });
});

describe('runbook evidence after checks that failed', () => {
  it('says a success check failed, never "never checked", and when it failed after a success', async () => {
    rmSync(db, { force: true });
    if (existsSync(healthy)) unlinkSync(healthy);
    expect(await evidenceTable().then(backupsRow)).toMatch(/^backups\s+never checked\s+never checked\s+no restore test$/);

    expect(await check()).toBe(1);
    let row = backupsRow(await evidenceTable());
    expect(row).not.toContain('never checked');
    expect(row).toMatch(/^backups\s+FAILED \d{4}-\d\d-\d\d \d\d:\d\dZ \(local\), never passed\s+FAILED \d{4}-\d\d-\d\d \d\d:\d\dZ \(local\), no backup time reported\s+no restore test$/);

    writeFileSync(healthy, 'yes');
    expect(await check()).toBe(0);
    row = backupsRow(await evidenceTable());
    expect(row).toMatch(/^backups\s+\d{4}-\d\d-\d\d \d\d:\d\dZ \(local\)\s+1 h 00 min old \(max 1d\)\s+no restore test$/);

    unlinkSync(healthy);
    expect(await check()).toBe(1);
    row = backupsRow(await evidenceTable());
    expect(row).toMatch(/^backups\s+\d{4}-\d\d-\d\d \d\d:\d\dZ \(local\); FAILED since, \d{4}-\d\d-\d\d \d\d:\d\dZ\s+1 h 00 min old \(max 1d\); FAILED since, \d{4}-\d\d-\d\d \d\d:\d\dZ, no backup time reported\s+no restore test$/);

    const io = fakeIO({ cwd: directory });
    await main(['evidence', '--json', '--file', file, '--db', db], io);
    const asset = JSON.parse(io.out()).assets[0];
    expect(asset.lastSuccessCheck).toMatchObject({ status: 'failed', step: 'backup-succeeded' });
    expect(asset.lastFreshnessCheck).toMatchObject({ status: 'failed', step: 'backup-fresh', at: null });
    expect(asset.lastSuccess).toMatchObject({ status: 'passed' });
  });
});
