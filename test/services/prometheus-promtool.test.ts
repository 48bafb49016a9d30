/**
 * The metrics `runbook check --prom` and `runbook evidence --prom` write pass the real
 * `promtool check metrics` (which reads them on stdin) when the checks pass and when they fail,
 * and every series keeps its label set between the two: an alert on `== 0` is resolved by the
 * same series going back to 1. Real shell checks, a real SQLite session database, real drills.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore } from '../../src/state/event-store.js';
import { fakeIO } from '../cli/support/fake-io.js';
import { promtool } from '../support/promtool.js';

const node = JSON.stringify(process.execPath);
// While the file `healthy` exists every check passes and the freshness check reports a backup an
// hour old; once it is gone they fail, as a backup tool that finds nothing would.
const runbooksText = (marker: string) => `
version: 1
environments:
  local:
    vars: { marker: ${JSON.stringify(marker)} }
alerts:
  - id: backup-failed
    name: Backup failed
    link: daily#backups
  - id: backup-stale
    name: Backup stale
    link: daily#backups
  - id: restore-test-failed
    name: Restore test failed
    link: restore-test#restore
assets:
  - id: backups
    name: Backups
    frequency: 1d
    restoreTest: restore-test
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
            alert: backup-stale
            signal: { asset: backups, kind: freshness }
      - id: other
        title: Other
        steps:
          - id: no-alert
            kind: check
            title: A check without an alert
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 1)", "\${{ env.vars.marker }}"]
  - id: schedule
    title: Schedule
    summary: The backup schedule, measuring the same backups.
    sections:
      - id: backups
        title: Backups
        steps:
          - id: backup-fresh
            kind: check
            title: The newest backup is fresh
            do: Nothing.
            uses: shell.run
            with:
              argv: [${node}, -e, "console.log(JSON.stringify({ lastBackupAt: new Date(Date.now() - 3600e3).toISOString() }))"]
            alert: backup-stale
            signal: { asset: backups, kind: freshness }
  - id: restore-test
    title: Restore test
    summary: The weekly restore test.
    cadence: weekly
    sections:
      - id: restore
        title: Restore
        steps:
          - id: restore
            kind: manual
            title: Restore it
            do: Restore.
            drill: { restoreEnds: true }
`;

let directory: string;
let file: string;
let db: string;
let healthy: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-prom-'));
  file = join(directory, 'runbooks.yaml');
  db = join(directory, 'sessions.db');
  healthy = join(directory, 'healthy');
  writeFileSync(file, runbooksText(healthy));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Sample {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a metrics text (its label values hold no commas or quotes here). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
      expect(match, line).not.toBeNull();
      const labels = Object.fromEntries(match![2]!.split(',').map((pair) => /^([a-z_]+)="(.*)"$/.exec(pair)!.slice(1, 3) as [string, string]));
      return { metric: match![1]!, labels, value: Number(match![3]) };
    });
}

const identity = (sample: Sample) => `${sample.metric}{${Object.entries(sample.labels).map(([name, value]) => `${name}=${value}`).join(',')}}`;
const labelNames = (all: readonly Sample[]) => [...new Set(all.map((sample) => `${sample.metric}(${Object.keys(sample.labels).join(',')})`))].sort();

async function checkMetrics(): Promise<{ code: number; text: string }> {
  const prom = join(directory, 'check.prom');
  const code = await main(['check', 'daily', '--env', 'local', '--file', file, '--db', db, '--prom', prom], fakeIO({ cwd: directory }));
  return { code, text: readFileSync(prom, 'utf8') };
}

async function evidenceMetrics(...flags: string[]): Promise<string> {
  const prom = join(directory, 'evidence.prom');
  await main(['evidence', '--file', file, '--db', db, '--prom', prom, ...flags], fakeIO({ cwd: directory }));
  return readFileSync(prom, 'utf8');
}

async function drill(finish: 'complete' | 'abort'): Promise<void> {
  const store = openEventStore(db);
  try {
    const service = new SessionService({ store, operator: 'fay@test-host', processEnv: {} });
    const session = await service.start({ runbooks: loadRunbooksFile(file), runbookId: 'restore-test', env: 'local', drill: true });
    if (finish === 'complete') {
      session.completeStep('restore');
      session.complete();
    } else {
      session.abort('the restore did not start');
    }
  } finally {
    store.close();
  }
}

describe('runbook check --prom', () => {
  it('passes promtool check metrics when the checks pass and when they fail, with the same series', async () => {
    writeFileSync(healthy, 'yes');
    const passing = await checkMetrics();
    expect(passing.code).toBe(0);
    unlinkSync(healthy);
    const failing = await checkMetrics();
    expect(failing.code).toBe(1);

    for (const { text } of [passing, failing]) {
      const checked = promtool(['check', 'metrics'], text);
      expect(checked.output).toBe('');
      expect(checked.status).toBe(0);
    }

    const pass = samples(passing.text);
    const fail = samples(failing.text);
    const checkSeries = (all: Sample[]) => all.filter((sample) => sample.metric.startsWith('runbook_check_')).map(identity);
    expect(checkSeries(fail)).toEqual(checkSeries(pass));
    expect(pass.filter((sample) => sample.metric === 'runbook_check_success').map((sample) => [sample.labels.step, sample.labels.alert, sample.value])).toEqual([
      ['backup-succeeded', 'backup-failed', 1],
      ['backup-fresh', 'backup-stale', 1],
      ['no-alert', '', 1],
    ]);
    expect(fail.filter((sample) => sample.metric === 'runbook_check_success').map((sample) => sample.value)).toEqual([0, 0, 0]);
    // Every family has one set of label names; the failing run only lacks the backup time it never saw.
    expect(labelNames(fail).every((names) => labelNames(pass).includes(names))).toBe(true);
    expect(pass.find((sample) => sample.metric === 'runbook_asset_freshness_timestamp_seconds')?.labels).toEqual({ runbook: 'daily', env: 'local', asset: 'backups' });
    expect(fail.some((sample) => sample.metric === 'runbook_asset_freshness_timestamp_seconds')).toBe(false);
  });


  it('keeps two check runs that measure the same asset apart, so their files can sit side by side', async () => {
    writeFileSync(healthy, 'yes');
    const daily = await checkMetrics();
    const prom = join(directory, 'schedule.prom');
    expect(await main(['check', 'schedule', '--env', 'local', '--file', file, '--db', db, '--prom', prom], fakeIO({ cwd: directory }))).toBe(0);
    const both = [...samples(daily.text), ...samples(readFileSync(prom, 'utf8'))].map(identity);
    expect(both.filter((series) => series.startsWith('runbook_asset_freshness_timestamp_seconds'))).toEqual([
      'runbook_asset_freshness_timestamp_seconds{runbook=daily,env=local,asset=backups}',
      'runbook_asset_freshness_timestamp_seconds{runbook=schedule,env=local,asset=backups}',
    ]);
    expect(new Set(both).size).toBe(both.length);
  });
});

describe('runbook evidence --prom', () => {
  it('writes each restore test with one label set whether its newest drill passed or failed', async () => {
    const never = samples(await evidenceMetrics());
    expect(never.map((sample) => [identity(sample), sample.value])).toEqual([
      ['runbook_restore_test_failed{runbook=restore-test}', 0],
      ['runbook_restore_test_overdue{runbook=restore-test}', 1],
    ]);

    await drill('complete');
    const passedText = await evidenceMetrics();
    const passed = samples(passedText);
    expect(passed.map((sample) => [identity(sample), sample.value])).toEqual([
      ['runbook_restore_test_failed{runbook=restore-test}', 0],
      ['runbook_restore_test_overdue{runbook=restore-test}', 0],
      ['runbook_restore_test_last_success_timestamp_seconds{runbook=restore-test}', expect.any(Number)],
    ]);
    expect(Math.abs(passed[2]!.value - Date.now() / 1000)).toBeLessThan(60);

    await drill('abort');
    const failedText = await evidenceMetrics();
    const failed = samples(failedText);
    expect(failed.map(identity)).toEqual(passed.map(identity));
    expect(failed.map((sample) => sample.value)).toEqual([1, 0, passed[2]!.value]);

    for (const text of [passedText, failedText]) {
      const checked = promtool(['check', 'metrics'], text);
      expect(checked.output).toBe('');
      expect(checked.status).toBe(0);
    }

    const local = samples(await evidenceMetrics('--env', 'local'));
    expect(local.map(identity)).toEqual(passed.map((sample) => identity(sample).replace('}', ',env=local}')));
  });

  it('says in one line when the metrics file cannot be written', async () => {
    const io = fakeIO({ cwd: directory });
    const code = await main(['evidence', '--file', file, '--db', db, '--prom', join(directory, 'missing', 'evidence.prom')], io);
    expect(code).toBe(2);
    expect(io.err().trim().split('\n')).toEqual([expect.stringMatching(/cannot write the metrics to .*missing\/evidence\.prom \(ENOENT\); give --prom a file in a directory that exists/)]);
  });
});

describe('a metrics file that cannot be written', () => {
  it('is one line and exit 2 for runbook check, after its table and its evidence', async () => {
    const separate = join(directory, 'unwritable.db');
    const io = fakeIO({ cwd: directory });
    const code = await main(['check', 'daily', '--env', 'local', '--file', file, '--db', separate, '--prom', join(directory, 'missing', 'check.prom')], io);
    expect(code).toBe(2);
    expect(io.out()).toContain('backups: ');
    expect(io.err().trim().split('\n')).toEqual([expect.stringMatching(/cannot write the metrics to .*missing\/check\.prom \(ENOENT\)/)]);
    const evidence = fakeIO({ cwd: directory });
    await main(['evidence', '--json', '--file', file, '--db', separate], evidence);
    expect(JSON.parse(evidence.out()).assets[0].lastSuccessCheck).not.toBeNull();
  });
});
