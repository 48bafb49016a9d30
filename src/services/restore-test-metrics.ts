/**
 * Prometheus textfile-collector output for `runbook evidence --prom FILE`: the restore tests
 * (runbooks with a cadence) as series the generated "Restore test failed" rules read. Drills are
 * sessions, not checks, so `runbook check --prom` cannot see them; the evidence report can.
 */
import type { EvidenceReport } from './evidence.js';
import { labelValue } from './prometheus.js';

/** The series `runbook evidence --prom` writes; the generated alerting rules read these names. */
export const RESTORE_TEST_METRICS = {
  lastSuccess: 'runbook_restore_test_last_success_timestamp_seconds',
  overdue: 'runbook_restore_test_overdue',
  failed: 'runbook_restore_test_failed',
} as const;

/**
 * The metrics text for an evidence report. Every restore test keeps one label set (`runbook`,
 * and `env` when the report was restricted to one), whatever its drills' results.
 */
export function restoreTestPrometheusText(report: EvidenceReport): string {
  const tests = report.runbooks.filter((runbook) => runbook.cadence !== null);
  const labels = (runbook: string) => `{runbook="${labelValue(runbook)}"${report.env === null ? '' : `,env="${labelValue(report.env)}"`}}`;
  const lines: string[] = [];
  const family = (name: string, help: string, values: readonly [string, number | undefined][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [runbook, value] of values) if (value !== undefined) lines.push(`${name}${labels(runbook)} ${value}`);
  };
  family(
    RESTORE_TEST_METRICS.failed,
    '1 when the newest drill of the restore test failed; 0 when it passed, is unfinished, or there is none.',
    tests.map((test) => [test.runbook, test.lastDrill?.outcome === 'failed' ? 1 : 0]),
  );
  family(
    RESTORE_TEST_METRICS.overdue,
    '1 when no drill of the restore test passed within its cadence (never passed counts), else 0.',
    tests.map((test) => [test.runbook, test.overdue ? 1 : 0]),
  );
  family(
    RESTORE_TEST_METRICS.lastSuccess,
    'When the newest passing drill of the restore test finished (absent until one passed).',
    tests.map((test) => [test.runbook, secondsOf(test.lastPassed?.finishedAt)]),
  );
  return `${lines.join('\n')}\n`;
}

function secondsOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.round(ms / 1000) : undefined;
}
