/**
 * Prometheus textfile-collector output for `runbook check --prom FILE`, so the seed's alerts
 * (backup failed, backup stale, WAL stale, snapshot failed/stale) can be built in standard monitoring.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { RunbooksFile } from '../runbooks/schema.js';
import { reportedSuccessTime } from './reported-time.js';
import type { CheckOutcome, CheckRun } from './run-checks.js';

/** What the metrics need of the runbooks file: which alert each check step detects. */
export type AlertSource = Pick<RunbooksFile, 'runbooks'>;

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seconds(value: unknown): number | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const time = new Date(value).getTime();
  return Number.isFinite(time) ? Math.round(time / 1000) : undefined;
}

function lastSuccessSeconds(outcome: CheckOutcome): number | undefined {
  const reported = reportedSuccessTime(outcome.outputs);
  return reported && Math.round(reported.ms / 1000);
}

/**
 * The alert a step detects, from the runbooks file: the same on a pass as on a failure, so a
 * check's series keeps one label set (a label that appears only on failure starts a new series,
 * and `runbook_check_success == 0` alerts never see the passing value that would resolve them).
 */
function stepAlert(file: AlertSource | undefined, outcome: CheckOutcome): string {
  if (!file) return outcome.alert?.id ?? '';
  const runbook = file.runbooks.find((candidate) => candidate.id === outcome.runbook);
  const step = runbook?.sections.find((section) => section.id === outcome.section)?.steps.find((candidate) => candidate.id === outcome.step);
  return step?.alert ?? '';
}

/**
 * The metrics text for one check run. Give `file` (the runbooks the run came from) so the `alert`
 * label is the step's alert whether it passed or failed; without it only failures carry one.
 */
export function prometheusText(run: CheckRun, file?: AlertSource): string {
  const lines = [
    '# HELP runbook_check_success 1 when the check passed, 0 when it failed (skipped checks are absent).',
    '# TYPE runbook_check_success gauge',
  ];
  const ran = run.outcomes.filter((outcome) => outcome.status !== 'skipped');
  for (const outcome of ran) {
    const alert = stepAlert(file, outcome);
    lines.push(
      `runbook_check_success{runbook="${label(run.runbook)}",env="${label(run.env)}",step="${label(outcome.step)}",alert="${label(alert)}"} ${outcome.status === 'passed' ? 1 : 0}`,
    );
  }
  lines.push(
    '# HELP runbook_check_timestamp_seconds When the check last ran.',
    '# TYPE runbook_check_timestamp_seconds gauge',
  );
  for (const outcome of ran) {
    lines.push(`runbook_check_timestamp_seconds{runbook="${label(run.runbook)}",env="${label(run.env)}",step="${label(outcome.step)}"} ${seconds(outcome.finishedAt)}`);
  }
  const assets = new Map<string, { success?: number; freshness?: number }>();
  for (const outcome of ran) {
    if (!outcome.signal) continue;
    const entry = assets.get(outcome.signal.asset) ?? {};
    const time = lastSuccessSeconds(outcome);
    if (outcome.signal.kind === 'freshness' && time !== undefined) entry.freshness = Math.max(entry.freshness ?? 0, time);
    // A passing success check proves a success at the time it reports, else at the time it looked.
    if (outcome.signal.kind === 'success' && outcome.status === 'passed') entry.success = Math.max(entry.success ?? 0, time ?? seconds(outcome.finishedAt)!);
    assets.set(outcome.signal.asset, entry);
  }
  const series = [
    ['runbook_asset_last_success_timestamp_seconds', 'success', 'Time of the last success a passing success check saw for the asset.'],
    ['runbook_asset_freshness_timestamp_seconds', 'freshness', 'Time of the newest backup of the asset that a freshness check reported.'],
  ] as const;
  for (const [metric, key, help] of series) {
    lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} gauge`);
    for (const [asset, entry] of assets) {
      const value = entry[key];
      if (value !== undefined) lines.push(`${metric}{asset="${label(asset)}",env="${label(run.env)}"} ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes atomically (temp file + rename), as the textfile collector requires; `file` gives each step's alert label. */
export function writePrometheusFile(path: string, run: CheckRun, file: AlertSource): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, prometheusText(run, file));
  renameSync(temporary, path);
}
