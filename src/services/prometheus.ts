/**
 * Prometheus textfile-collector output for `runbook check --prom FILE`: the series that the rules
 * of `runbook alerts --format prometheus-rules` turn into the seed's alerts (backup failed, backup
 * stale, WAL stale, snapshot failed/stale; restore tests come from `runbook evidence --prom`).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { OperatorError } from '../errors.js';
import type { RunbooksFile } from '../runbooks/schema.js';
import { reportedSuccessTime } from './reported-time.js';
import type { CheckOutcome, CheckRun } from './run-checks.js';

/** The series `runbook check --prom` writes; the generated alerting rules read these names. */
export const CHECK_METRICS = {
  success: 'runbook_check_success',
  checkedAt: 'runbook_check_timestamp_seconds',
  assetLastSuccess: 'runbook_asset_last_success_timestamp_seconds',
  assetFreshness: 'runbook_asset_freshness_timestamp_seconds',
} as const;

/** What the metrics need of the runbooks file: which alert each check step detects. */
export type AlertSource = Pick<RunbooksFile, 'runbooks'>;

/** A label value as the exposition format writes it (backslash, quote and newline escaped). */
export function labelValue(value: string): string {
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
    `# HELP ${CHECK_METRICS.success} 1 when the check passed, 0 when it failed (skipped checks are absent).`,
    `# TYPE ${CHECK_METRICS.success} gauge`,
  ];
  const ran = run.outcomes.filter((outcome) => outcome.status !== 'skipped');
  for (const outcome of ran) {
    const alert = stepAlert(file, outcome);
    lines.push(
      `${CHECK_METRICS.success}{runbook="${labelValue(run.runbook)}",env="${labelValue(run.env)}",step="${labelValue(outcome.step)}",alert="${labelValue(alert)}"} ${outcome.status === 'passed' ? 1 : 0}`,
    );
  }
  lines.push(
    `# HELP ${CHECK_METRICS.checkedAt} When the check last ran.`,
    `# TYPE ${CHECK_METRICS.checkedAt} gauge`,
  );
  for (const outcome of ran) {
    lines.push(`${CHECK_METRICS.checkedAt}{runbook="${labelValue(run.runbook)}",env="${labelValue(run.env)}",step="${labelValue(outcome.step)}"} ${seconds(outcome.finishedAt)}`);
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
    [CHECK_METRICS.assetLastSuccess, 'success', 'Time of the last success a passing success check saw for the asset.'],
    [CHECK_METRICS.assetFreshness, 'freshness', 'Time of the newest backup of the asset that a freshness check reported.'],
  ] as const;
  for (const [metric, key, help] of series) {
    lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} gauge`);
    for (const [asset, entry] of assets) {
      const value = entry[key];
      // The runbook label keeps two check runs apart (daily and backup-schedule both measure the
      // base backups): the textfile collector refuses the same series from two files.
      if (value !== undefined) lines.push(`${metric}{runbook="${labelValue(run.runbook)}",env="${labelValue(run.env)}",asset="${labelValue(asset)}"} ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes atomically (temp file + rename), as the textfile collector requires; `file` gives each step's alert label. */
export function writePrometheusFile(path: string, run: CheckRun, file: AlertSource): void {
  writeTextfile(path, prometheusText(run, file));
}

/**
 * Writes metrics text atomically: the collector reads `*.prom` files whenever it is scraped, and
 * must never see half of one (it ignores other names, so the temporary file is never read).
 */
export function writeTextfile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OperatorError(`cannot write the metrics to ${path} (${code}); give --prom a file in a directory that exists and is writable`);
  }
}

