/**
 * Prometheus alerting rules for the runbooks file's required alerts, built from the series that
 * `runbook check --prom` and `runbook evidence --prom` write, with staleness thresholds taken from
 * the assets' schedules. Each rule names the runbook section that handles it (`runbook_url`) and
 * the command that opens it (`runbook_command`), as `runbook check` does for a failed check.
 *
 * Per alert:
 *  - check failed: a check carrying the alert failed in its newest run (every alert);
 *  - stale: per asset whose freshness checks carry the alert, the newest backup time is older
 *    than the asset's frequency plus the slack its checks allow plus the interval between check
 *    runs (Prometheus sees the backup time only as of the last run, so without that interval a
 *    backup taken just after a run would look late until the next one);
 *  - restore tests (an alert linking into a runbook with a cadence): per restore test, its newest
 *    drill failed, or none passed within its cadence.
 */
import type { Alert, Asset, Runbook, RunbooksFile } from '../runbooks/schema.js';
import { parseDurationSeconds } from '../steps/params.js';
import { CADENCE_DAYS } from './evidence.js';
import { CHECK_METRICS, labelValue } from './prometheus.js';
import { RESTORE_TEST_METRICS } from './restore-test-metrics.js';

const DAY = 86_400;

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AlertRulesOptions {
  /** Where the rendered runbook pages live: `<base><runbook>.html#<section>`. */
  readonly runbookUrlBase: string;
  /** How often cron runs `runbook check --prom` and `runbook evidence --prom`, in seconds. */
  readonly checkIntervalSeconds: number;
}

export interface AlertRules {
  readonly rules: readonly AlertRule[];
  /** What could not become a rule, and why (an asset without a frequency). */
  readonly notes: readonly string[];
}

/** How old an asset's newest backup may be before its stale alert fires, and where that comes from. */
export interface FreshnessThreshold {
  readonly asset: string;
  readonly frequencySeconds: number;
  /** What the asset's freshness checks allow beyond the frequency (their largest maxAge minus it). */
  readonly slackSeconds: number;
  /** Where the slack came from: the checks with their maxAge, or the default share of the frequency. */
  readonly slackFrom: string;
  readonly checkIntervalSeconds: number;
  readonly seconds: number;
}

/** The alert's Prometheus name: `postgres-backup-stale` → `PostgresBackupStale`. */
export function alertName(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The rules for every alert of the file. */
export function buildAlertRules(file: RunbooksFile, options: AlertRulesOptions): AlertRules {
  const rules: AlertRule[] = [];
  const notes: string[] = [];
  for (const alert of file.alerts) {
    rules.push(checkFailedRule(alert, options));
    for (const asset of freshnessAssets(file, alert)) {
      const threshold = freshnessThreshold(file, alert, asset, options.checkIntervalSeconds);
      if (threshold) rules.push(staleRule(alert, asset, threshold, options));
      else notes.push(`alert ${alert.id}: asset ${asset.id} has no frequency (e.g. "frequency: 1d" under assets:), so no staleness rule was made for it`);
    }
    if (restoreTestOf(file, alert)) {
      for (const runbook of file.runbooks.filter((candidate) => candidate.cadence !== undefined)) {
        rules.push(drillFailedRule(file, alert, runbook, options), overdueRule(alert, runbook, options));
      }
    }
  }
  return { rules, notes };
}

function checkFailedRule(alert: Alert, options: AlertRulesOptions): AlertRule {
  const [runbook, section] = splitLink(alert.link);
  return {
    alert: alertName(alert.id),
    expr: `${CHECK_METRICS.success}{alert="${labelValue(alert.id)}"} == 0`,
    labels: { severity: 'critical', alert: alert.id, reason: 'check-failed' },
    annotations: {
      summary: `${literal(alert.name)}: check {{ $labels.step }} of runbook {{ $labels.runbook }} failed on {{ $labels.env }}`,
      description: describe(alert, `The newest "runbook check" of a check carrying this alert failed (${CHECK_METRICS.success} == 0); it resolves when that check passes again.`),
      runbook_url: pageUrl(options, runbook, section),
      runbook_command: `runbook start ${runbook} --env {{ $labels.env }} --at ${section}`,
    },
  };
}

function staleRule(alert: Alert, asset: Asset, threshold: FreshnessThreshold, options: AlertRulesOptions): AlertRule {
  const [runbook, section] = splitLink(alert.link);
  const parts = `the ${asset.frequency} schedule + ${compact(threshold.slackSeconds)} slack (${threshold.slackFrom}) + ${compact(threshold.checkIntervalSeconds)} between check runs`;
  return {
    alert: alertName(alert.id),
    expr: `time() - max by (env, asset) (${CHECK_METRICS.assetFreshness}{asset="${labelValue(asset.id)}"}) > ${threshold.seconds}`,
    labels: { severity: 'critical', alert: alert.id, reason: 'stale', asset: asset.id },
    annotations: {
      summary: `${literal(alert.name)}: the newest backup of ${literal(asset.name)} on {{ $labels.env }} is {{ $value | humanizeDuration }} old (limit ${compact(threshold.seconds)})`,
      description: describe(alert, `The newest backup time the freshness checks of ${asset.id} reported is older than ${compact(threshold.seconds)}: ${parts}.`),
      runbook_url: pageUrl(options, runbook, section),
      runbook_command: `runbook start ${runbook} --env {{ $labels.env }} --at ${section}`,
    },
  };
}

function drillFailedRule(file: RunbooksFile, alert: Alert, test: Runbook, options: AlertRulesOptions): AlertRule {
  const section = restoreTestSection(file, alert, test);
  return {
    alert: alertName(alert.id),
    expr: `${RESTORE_TEST_METRICS.failed}{runbook="${labelValue(test.id)}"} == 1`,
    labels: { severity: 'critical', alert: alert.id, reason: 'drill-failed', runbook: test.id },
    annotations: {
      summary: `${literal(alert.name)}: the newest drill of ${test.id}${ON_ENV} failed`,
      description: describe(alert, `The newest drill session of ${test.id} failed ("runbook evidence" says why); it resolves when a newer drill starts.`),
      runbook_url: pageUrl(options, test.id, section),
      runbook_command: `runbook start ${test.id}${ENV_FLAG} --at ${section}`,
    },
  };
}

function overdueRule(alert: Alert, test: Runbook, options: AlertRulesOptions): AlertRule {
  const cadenceSeconds = CADENCE_DAYS[test.cadence!] * DAY;
  const limit = cadenceSeconds + options.checkIntervalSeconds;
  const first = test.sections[0]!.id;
  return {
    alert: alertName(alert.id),
    expr: `${RESTORE_TEST_METRICS.overdue}{runbook="${labelValue(test.id)}"} == 1 or (time() - ${RESTORE_TEST_METRICS.lastSuccess}{runbook="${labelValue(test.id)}"} > ${limit})`,
    labels: { severity: 'critical', alert: alert.id, reason: 'overdue', runbook: test.id },
    annotations: {
      summary: `${literal(alert.name)}: no drill of ${test.id}${ON_ENV} passed within its ${test.cadence} cadence`,
      description: describe(
        alert,
        `No passing drill of ${test.id} within ${compact(cadenceSeconds)} (${test.cadence}), as "runbook evidence" counts it; the time since the last pass is allowed ${compact(options.checkIntervalSeconds)} more, the interval between evidence runs.`,
      ),
      runbook_url: pageUrl(options, test.id, first),
      runbook_command: `runbook start ${test.id}${ENV_FLAG} --drill --at ${first}`,
    },
  };
}

// Restore-test series carry env only when `runbook evidence --env E --prom` wrote them.
const ON_ENV = '{{ with $labels.env }} on {{ . }}{{ end }}';
const ENV_FLAG = '{{ with $labels.env }} --env {{ . }}{{ end }}';

/**
 * The threshold of an asset's stale rule: its frequency, plus the slack its freshness checks that
 * carry the alert allow beyond it (their largest maxAge: 26h for a daily backup means 2h for a
 * backup job that runs late or long), plus the interval between check runs. Checks without a
 * maxAge leave a twelfth of the frequency (2h a day), the slack the bundled checks use.
 * Undefined when the asset has no frequency.
 */
export function freshnessThreshold(file: RunbooksFile, alert: Alert, asset: Asset, checkIntervalSeconds: number): FreshnessThreshold | undefined {
  const frequencySeconds = asset.frequency === undefined ? undefined : parseDurationSeconds(asset.frequency);
  if (frequencySeconds === undefined) return undefined;
  const bounds = freshnessSteps(file, alert, asset.id)
    .map(({ step }) => durationSeconds(step.with?.maxAge))
    .filter((seconds): seconds is number => seconds !== undefined);
  const largest = Math.max(0, ...bounds);
  const fromChecks = bounds.length > 0;
  const slackSeconds = fromChecks ? Math.max(0, largest - frequencySeconds) : Math.round(frequencySeconds / 12);
  const slackFrom = fromChecks
    ? `the largest maxAge of its checks, ${compact(largest)}`
    : 'a twelfth of the frequency: no check of it gives a maxAge';
  return { asset: asset.id, frequencySeconds, slackSeconds, slackFrom, checkIntervalSeconds, seconds: frequencySeconds + slackSeconds + checkIntervalSeconds };
}

/** The assets whose freshness checks carry the alert, in the order of the file's assets. */
function freshnessAssets(file: RunbooksFile, alert: Alert): Asset[] {
  return file.assets.filter((asset) => freshnessSteps(file, alert, asset.id).length > 0);
}

function freshnessSteps(file: RunbooksFile, alert: Alert, assetId: string) {
  return file.runbooks.flatMap((runbook) =>
    runbook.sections.flatMap((section) =>
      section.steps
        .filter((step) => step.kind === 'check' && step.alert === alert.id && step.signal?.kind === 'freshness' && step.signal.asset === assetId)
        .map((step) => ({ runbook: runbook.id, step })),
    ),
  );
}

/** An alert is about restore tests when it links into one (a runbook with a cadence). */
function restoreTestOf(file: RunbooksFile, alert: Alert): boolean {
  const [runbook] = splitLink(alert.link);
  return file.runbooks.some((candidate) => candidate.id === runbook && candidate.cadence !== undefined);
}

/**
 * The section to open when a restore test's drill failed: the alert's own link in the runbook it
 * names; in another restore test, the last section with a step carrying the alert (where the
 * validation that failed lives), else its first section.
 */
function restoreTestSection(file: RunbooksFile, alert: Alert, test: Runbook): string {
  const [linked, section] = splitLink(alert.link);
  if (linked === test.id) return section;
  const carrying = test.sections.filter((candidate) => candidate.steps.some((step) => step.alert === alert.id));
  return (carrying[carrying.length - 1] ?? test.sections[0]!).id;
}

function splitLink(link: string): [string, string] {
  const [runbook, section] = link.split('#');
  return [runbook!, section!];
}

/** `<base><runbook>.html#<section>`, the page `runbook render` writes for a runbook. */
export function pageUrl(options: Pick<AlertRulesOptions, 'runbookUrlBase'>, runbook: string, section: string): string {
  const base = options.runbookUrlBase === '' || options.runbookUrlBase.endsWith('/') ? options.runbookUrlBase : `${options.runbookUrlBase}/`;
  return literal(`${base}${runbook}.html#${section}`);
}

function describe(alert: Alert, how: string): string {
  return alert.summary ? `${literal(alert.summary)} ${how}` : how;
}

/**
 * Text from the runbooks file inside an annotation, which Prometheus expands as a Go template:
 * a `{{` in it would be read as an action, so it is written as a template printing `{{`.
 */
export function literal(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' ? parseDurationSeconds(value) : undefined;
}

/** "26h15m", "30m", "1d", "8d15m" (Prometheus' own notation; days for whole days and from two days on). */
export function compact(seconds: number): string {
  if (seconds === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(seconds);
  const units = [['d', DAY], ['h', 3600], ['m', 60], ['s', 1]] as const;
  for (const [unit, size] of rest < 2 * DAY && rest % DAY !== 0 ? units.slice(1) : units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
