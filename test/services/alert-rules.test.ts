/**
 * The alerting rules `runbook alerts` builds: one or more rules for each of the bundled file's six
 * required alerts, thresholds from the assets' schedules, and the links every rule carries.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunbooksFile, parseRunbooksText } from '../../src/runbooks/load.js';
import { alertName, buildAlertRules, compact, type AlertRule } from '../../src/services/alert-rules.js';

const bundled = loadRunbooksFile(fileURLToPath(new URL('../../runbooks.yaml', import.meta.url))).file;
const defaults = { runbookUrlBase: 'runbooks/', checkIntervalSeconds: 900 };

const stale = (rules: readonly AlertRule[], asset: string) => rules.find((rule) => rule.labels.reason === 'stale' && rule.labels.asset === asset)!;
const threshold = (rule: AlertRule) => Number(/> (\d+)$/.exec(rule.expr)![1]);

describe('rules for the bundled runbooks file', () => {
  const { rules, notes } = buildAlertRules(bundled, defaults);

  it('cover the six required alerts, each with a rule for a failed check', () => {
    expect(bundled.alerts.map((alert) => alertName(alert.id))).toEqual([
      'PostgresBackupFailed', 'PostgresBackupStale', 'WalArchiveStale', 'VolumeSnapshotFailed', 'VolumeSnapshotStale', 'RestoreTestFailed',
    ]);
    for (const alert of bundled.alerts) {
      expect(rules.find((rule) => rule.alert === alertName(alert.id) && rule.labels.reason === 'check-failed')?.expr).toBe(`runbook_check_success{alert="${alert.id}"} == 0`);
    }
    expect(notes).toEqual([]);
  });

  it('take staleness thresholds from the schedules: frequency + the slack the checks allow + the check interval', () => {
    // Daily base backups whose checks allow 26h: 1d + 2h + 15m.
    expect(threshold(stale(rules, 'postgres-base-backups'))).toBe(86_400 + 7_200 + 900);
    expect(stale(rules, 'postgres-base-backups').alert).toBe('PostgresBackupStale');
    // WAL: the archiver checks' own bound (15m, the asset's frequency) + 15m.
    expect(threshold(stale(rules, 'postgres-wal-archive'))).toBe(900 + 900);
    expect(stale(rules, 'postgres-wal-archive').alert).toBe('WalArchiveStale');
    // Daily snapshots (26h checks) and weekly cold backups (8d check), both under Volume snapshot stale.
    expect(threshold(stale(rules, 'volume-snapshots'))).toBe(86_400 + 7_200 + 900);
    expect(threshold(stale(rules, 'cold-volume-backups'))).toBe(8 * 86_400 + 900);
    expect(stale(rules, 'cold-volume-backups').alert).toBe('VolumeSnapshotStale');
    expect(stale(rules, 'postgres-base-backups').expr).toBe(
      'time() - max by (env, asset) (runbook_asset_freshness_timestamp_seconds{asset="postgres-base-backups"}) > 94500',
    );
    // The failed alerts measure no freshness: they have no staleness rule.
    expect(rules.filter((rule) => rule.labels.reason === 'stale').map((rule) => rule.alert)).toEqual([
      'PostgresBackupStale', 'WalArchiveStale', 'VolumeSnapshotStale', 'VolumeSnapshotStale',
    ]);
  });

  it('turn each restore test into a failed-drill and an overdue rule under Restore test failed', () => {
    const restore = rules.filter((rule) => rule.labels.reason === 'drill-failed' || rule.labels.reason === 'overdue');
    expect(restore.every((rule) => rule.alert === 'RestoreTestFailed')).toBe(true);
    expect(restore.map((rule) => `${rule.labels.runbook} ${rule.labels.reason}`)).toEqual([
      'verify-postgres-restore drill-failed', 'verify-postgres-restore overdue',
      'verify-volume-restore drill-failed', 'verify-volume-restore overdue',
      'verify-snapshot-metadata drill-failed', 'verify-snapshot-metadata overdue',
      'quarterly-dr-drill drill-failed', 'quarterly-dr-drill overdue',
    ]);
    const overdue = restore.find((rule) => rule.labels.runbook === 'quarterly-dr-drill' && rule.labels.reason === 'overdue')!;
    expect(overdue.expr).toBe(
      `runbook_restore_test_overdue{runbook="quarterly-dr-drill"} == 1 or (time() - runbook_restore_test_last_success_timestamp_seconds{runbook="quarterly-dr-drill"} > ${91 * 86_400 + 900})`,
    );
  });

  it('give every rule a runbook_url and a runbook_command that open an existing section', () => {
    for (const rule of rules) {
      const url = /^runbooks\/([a-z0-9-]+)\.html#([a-z0-9-]+)$/.exec(rule.annotations.runbook_url!);
      expect(url, rule.annotations.runbook_url).not.toBeNull();
      const [, runbook, section] = url!;
      expect(bundled.runbooks.find((candidate) => candidate.id === runbook)?.sections.some((candidate) => candidate.id === section)).toBe(true);
      expect(rule.annotations.runbook_command).toMatch(new RegExp(`^runbook start ${runbook}(\\{\\{| ).*--at ${section}$`));
    }
    // A failed check opens the alert's own link, with the environment of the series.
    const failed = rules.find((rule) => rule.alert === 'VolumeSnapshotFailed')!;
    expect(failed.annotations).toMatchObject({
      runbook_url: 'runbooks/daily.html#volume-snapshots',
      runbook_command: 'runbook start daily --env {{ $labels.env }} --at volume-snapshots',
    });
  });
});

describe('options and unusual files', () => {
  const file = (extra: string) =>
    parseRunbooksText(
      `
version: 1
environments: { local: {} }
alerts:
  - id: backup-stale
    name: Backup stale
    link: checks#fresh
    summary: 'Templates are not expanded: {{ $labels.secret }}'
assets:
  - id: backups
    name: Backups
    frequency: 1d
  - id: unscheduled
    name: Unscheduled
runbooks:
  - id: checks
    title: Checks
    summary: Checks.
    sections:
      - id: fresh
        title: Fresh
        steps:
          - id: backups-fresh
            kind: check
            title: Backups are fresh
            do: Nothing.
            uses: shell.run
            with: { argv: [date] }
            alert: backup-stale
            signal: { asset: backups, kind: freshness }
          - id: unscheduled-fresh
            kind: check
            title: Unscheduled is fresh
            do: Nothing.
            uses: shell.run
            with: { argv: [date] }
            alert: backup-stale
            signal: { asset: unscheduled, kind: freshness }
${extra}`,
      'runbooks.yaml',
    ).file;

  it('joins the URL base with a slash and follows the check interval', () => {
    const { rules } = buildAlertRules(file(''), { runbookUrlBase: 'https://docs.example.com/runbooks', checkIntervalSeconds: 3600 });
    expect(rules[0]!.annotations.runbook_url).toBe('https://docs.example.com/runbooks/checks.html#fresh');
    // No check gives a maxAge: a twelfth of the day (2h) of slack, plus the hour between runs.
    expect(threshold(stale(rules, 'backups'))).toBe(86_400 + 7_200 + 3_600);
  });

  it('says which asset got no staleness rule because it has no frequency', () => {
    const { rules, notes } = buildAlertRules(file(''), defaults);
    expect(rules.map((rule) => rule.labels.asset ?? rule.labels.reason)).toEqual(['check-failed', 'backups']);
    expect(notes).toEqual([expect.stringContaining('asset unscheduled has no frequency')]);
  });

  it('writes text from the runbooks file so Prometheus prints it instead of expanding it', () => {
    const { rules } = buildAlertRules(file(''), defaults);
    expect(rules[0]!.annotations.description).toContain('Templates are not expanded: {{ "{{" }} $labels.secret }}');
  });

  it('writes durations in Prometheus notation', () => {
    expect([compact(94_500), compact(1_800), compact(86_400), compact(692_100), compact(0)]).toEqual(['26h15m', '30m', '1d', '8d15m', '0s']);
  });
});
