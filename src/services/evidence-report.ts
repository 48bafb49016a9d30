/** How `runbook evidence` shows its report: tables for people, JSON for scripts. */
import { describeGap } from '../state/export/drill-facts.js';
import { formatDuration } from '../state/export/audit-record.js';
import type { AssetEvidence, DrillEvidence, EvidenceReport, RunbookEvidence } from './evidence.js';

/** JSON for scripts: `{"format", "generatedAt", "env", "overdue", "runbooks": [...], "assets": [...]}`. */
export function formatEvidenceJson(report: EvidenceReport): string {
  return `${JSON.stringify({ format: 'runbook-evidence/1', ...report }, null, 2)}\n`;
}

/** Human report: restore tests against their cadence, then the signals of each asset. */
export function formatEvidenceTable(report: EvidenceReport): string {
  const now = Date.parse(report.generatedAt);
  const lines: string[] = [`Restore tests${report.env ? ` on ${report.env}` : ''} (as of ${shortTime(report.generatedAt)})`];
  lines.push(
    ...table(
      ['RUNBOOK', 'CADENCE', 'LAST PASSED', 'ENV', 'RTO', 'RECOVERY POINT', 'NEXT DUE', 'STATUS'],
      report.runbooks.map((runbook) => runbookRow(runbook, now)),
    ),
  );
  for (const runbook of report.runbooks) {
    const last = runbook.lastDrill;
    if (last && last.session !== runbook.lastPassed?.session) lines.push(`  ${runbook.runbook}: last drill ${describeDrill(last)}`);
  }
  if (report.runbooks.length === 0) lines.push('  (no runbook has a cadence, and none was drilled)');
  lines.push('', 'Assets');
  lines.push(
    ...table(
      ['ASSET', 'LAST SUCCESS', 'FRESHNESS', 'LAST RESTORE TEST'],
      report.assets.map(assetRow),
    ),
  );
  if (report.assets.length === 0) lines.push('  (the runbooks file lists no assets)');
  lines.push('', report.overdue ? 'OVERDUE: see the rows marked above (exit 1).' : 'Nothing is overdue.');
  return `${lines.join('\n')}\n`;
}

/** The cells of a restore test's row: runbook, cadence, last passed, env, RTO, recovery point, next due, status. */
export function runbookRow(runbook: RunbookEvidence, now: number): string[] {
  const passed = runbook.lastPassed;
  let status = 'ok';
  if (!runbook.cadence) status = passed ? 'passed (no cadence)' : 'not passed (no cadence)';
  else if (!passed) status = 'OVERDUE (never passed)';
  else if (runbook.overdue) status = `OVERDUE by ${formatDuration(now - Date.parse(runbook.nextDueAt!))}`;
  return [
    runbook.runbook,
    runbook.cadence ?? '-',
    passed ? shortTime(passed.finishedAt!) : 'never',
    passed?.env ?? '',
    passed ? formatDuration(passed.rtoMs) || '?' : '',
    passed ? recoveryText(passed) : '',
    runbook.nextDueAt ? shortTime(runbook.nextDueAt) : runbook.cadence ? 'now' : '-',
    status,
  ];
}

/** The cells of an asset's row: asset, last success, freshness, last restore test. */
export function assetRow(asset: AssetEvidence): string[] {
  return [asset.asset, successText(asset), freshnessText(asset), restoreText(asset)];
}

/** The last success, and a failed check after it; "never checked" only when no success check ever ran. */
function successText(asset: AssetEvidence): string {
  const check = asset.lastSuccessCheck;
  const failedSince = check?.status === 'failed' && (!asset.lastSuccess || check.checkedAt > asset.lastSuccess.checkedAt) ? check : undefined;
  if (!asset.lastSuccess) return failedSince ? `FAILED ${shortTime(failedSince.checkedAt)} (${failedSince.env}), never passed` : 'never checked';
  const success = `${shortTime(asset.lastSuccess.at ?? asset.lastSuccess.checkedAt)} (${asset.lastSuccess.env})`;
  return failedSince ? `${success}; FAILED since, ${shortTime(failedSince.checkedAt)}` : success;
}

/** The newest reported backup's age; a check that ran without reporting a backup time says so. */
function freshnessText(asset: AssetEvidence): string {
  const check = asset.lastFreshnessCheck;
  const bound = asset.frequency ? ` (max ${asset.frequency})` : '';
  if (!asset.freshness) {
    if (!check) return 'never checked';
    return `${check.status === 'failed' ? 'FAILED' : 'checked'} ${shortTime(check.checkedAt)} (${check.env}), no backup time reported`;
  }
  const age = `${formatDuration(asset.freshness.ageMs)} old`;
  const later = check && check.at === null && check.checkedAt > asset.freshness.checkedAt && check.status === 'failed' ? `; FAILED since, ${shortTime(check.checkedAt)}, no backup time reported` : '';
  return `${asset.freshness.stale ? 'STALE ' : ''}${age}${bound}${later}`;
}

function restoreText(asset: AssetEvidence): string {
  let restore = 'no restore test';
  if (asset.restoreTest) {
    const last = asset.restoreTest.lastPassed;
    restore = last ? `${shortTime(last.finishedAt!)} ${asset.restoreTest.runbook}` : `never (${asset.restoreTest.runbook})`;
    if (asset.restoreTest.overdue) restore = `OVERDUE ${restore}`;
  }
  return restore;
}

function recoveryText(drill: DrillEvidence): string {
  if (!drill.recoveryPoint) return 'not recorded';
  const gap = drill.recoveryGapMs === null ? '' : ` (${describeGap(drill.recoveryGapMs)})`;
  return `${shortTime(drill.recoveryPoint)}${gap}`;
}

function describeDrill(drill: DrillEvidence): string {
  const result = drill.outcome === 'passed' ? 'passed' : drill.outcome === 'failed' ? 'FAILED' : 'unfinished';
  const why = drill.reasons.length > 0 ? `: ${drill.reasons.join('; ')}` : '';
  return `${result} (session ${drill.session}, ${drill.env}, started ${shortTime(drill.startedAt)})${why}`;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** An ISO time to the minute, for tables. */
export function shortTime(iso: string): string {
  return Number.isFinite(Date.parse(iso)) && /^\d{4}-\d\d-\d\dT/.test(iso) ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : iso;
}
