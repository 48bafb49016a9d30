/**
 * The rules `runbook alerts --format prometheus-rules` generates from the bundled runbooks.yaml,
 * checked by the real promtool (Debian's `prometheus` package): `promtool check rules`, and
 * `promtool test rules` on test/fixtures/prometheus/runbook-rules.test.yml, where each stale
 * backup fires just past its window and not just inside it, and a fresh one never does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { fakeIO } from '../cli/support/fake-io.js';
import { promtool } from '../support/promtool.js';

const bundled = fileURLToPath(new URL('../../runbooks.yaml', import.meta.url));
const unitTests = fileURLToPath(new URL('../fixtures/prometheus/runbook-rules.test.yml', import.meta.url));

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-alert-rules-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Generates the rules into DIR/runbook-rules.yml (where the unit tests look for them) beside a copy of the unit tests. */
async function generate(dir: string, ...flags: string[]): Promise<string> {
  const io = fakeIO({ cwd: dir });
  const rules = join(dir, 'runbook-rules.yml');
  expect(await main(['alerts', '--format', 'prometheus-rules', '--file', bundled, '--output', rules, ...flags], io)).toBe(0);
  copyFileSync(unitTests, join(dir, 'runbook-rules.test.yml'));
  return rules;
}

describe('generated Prometheus rules', () => {
  it('pass promtool check rules, one or more rules for each of the six alerts', async () => {
    const rules = await generate(directory);
    const checked = promtool(['check', 'rules', rules]);
    expect(checked.output).toContain('SUCCESS: 18 rules found');
    expect(checked.status).toBe(0);
    const document = parse(readFileSync(rules, 'utf8')) as { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] };
    const names = new Set(document.groups.flatMap((group) => group.rules.map((rule) => rule.alert)));
    expect([...names]).toEqual(['PostgresBackupFailed', 'PostgresBackupStale', 'WalArchiveStale', 'VolumeSnapshotFailed', 'VolumeSnapshotStale', 'RestoreTestFailed']);
    for (const rule of document.groups[0]!.rules) {
      expect(Object.keys(rule.annotations)).toEqual(['summary', 'description', 'runbook_url', 'runbook_command']);
      expect(rule.annotations.runbook_command).toMatch(/^runbook start [a-z0-9-]+.* --at [a-z0-9-]+$/);
    }
  });

  it('pass promtool test rules: stale backups fire after their windows, fresh ones do not', async () => {
    await generate(directory);
    const tested = promtool(['test', 'rules', join(directory, 'runbook-rules.test.yml')]);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });

  it('fail the same unit tests when the thresholds are wrong (the tests can fail)', async () => {
    // Three hours between check runs moves every window: the backups at 26h20m no longer fire.
    const other = mkdtempSync(join(directory, 'three-hours-'));
    await generate(other, '--check-interval', '3h');
    const tested = promtool(['test', 'rules', join(other, 'runbook-rules.test.yml')]);
    expect(tested.status).toBe(1);
    expect(tested.output).toContain('alertname: PostgresBackupStale, time: 1d2h20m');
  });

  it('keep the links of a custom --runbook-url-base', async () => {
    const other = mkdtempSync(join(directory, 'base-'));
    const rules = await generate(other, '--runbook-url-base', 'https://docs.example.com/runbooks');
    expect(readFileSync(rules, 'utf8')).toContain('runbook_url: https://docs.example.com/runbooks/daily.html#postgres-backups');
    expect(promtool(['check', 'rules', rules]).status).toBe(0);
  });
});

describe('promtool itself', () => {
  it('is installed', () => {
    // A missing promtool must fail the suite with what to install, never skip it.
    const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    expect(version.error, 'promtool is missing: apt-get install prometheus (Debian), or run scripts/install-test-deps.sh').toBeUndefined();
  });
});
