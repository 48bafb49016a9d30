/**
 * Prometheus textfile-collector output for `runbook check --prom FILE`, so the seed's alerts
 * (backup failed, backup stale, WAL stale, snapshot failed/stale) can be built in standard monitoring.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { reportedSuccessTime } from './reported-time.js';
import type { CheckOutcome, CheckRun } from './run-checks.js';

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

/** The metrics text for one check run. */
export function prometheusText(run: CheckRun): string {
  const lines = [
    '# HELP runbook_check_success 1 when the check passed, 0 when it failed (skipped checks are absent).',
    '# TYPE runbook_check_success gauge',
  ];
  const ran = run.outcomes.filter((outcome) => outcome.status !== 'skipped');
  for (const outcome of ran) {
    const alert = outcome.alert?.id ?? '';
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

/** Writes atomically (temp file + rename), as the textfile collector requires. */
export function writePrometheusFile(path: string, run: CheckRun): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, prometheusText(run));
  renameSync(temporary, path);
}
