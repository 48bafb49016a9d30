/** How `runbook check` shows its results: a table for people, JSON for scripts. */
import type { CheckOutcome, CheckRun } from './run-checks.js';

const MARK: Record<CheckOutcome['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

/** Human report: one line per check, failures followed by their alert and the command to open. */
export function formatCheckTable(run: CheckRun): string {
  const idWidth = Math.min(36, Math.max(4, ...run.outcomes.map((outcome) => outcome.step.length)));
  const usesWidth = Math.min(32, Math.max(4, ...run.outcomes.map((outcome) => outcome.uses.length)));
  const lines = [`${run.runbook} on ${run.env}: ${run.outcomes.length} checks`];
  for (const outcome of run.outcomes) {
    lines.push(`${MARK[outcome.status]}  ${outcome.step.padEnd(idWidth)}  ${outcome.uses.padEnd(usesWidth)}  ${summary(outcome)}`);
    if (outcome.status === 'failed') {
      if (outcome.failure) lines.push(`      ${outcome.failure.class}: ${outcome.failure.advice}`);
      if (outcome.alert) lines.push(`      alert: ${outcome.alert.name} (${outcome.alert.id})`);
      if (outcome.open) lines.push(`      open: ${outcome.open}`);
    }
  }
  lines.push(`${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped in ${run.durationMs} ms`);
  return `${lines.join('\n')}\n`;
}

function summary(outcome: CheckOutcome): string {
  const parts = [oneLine(outcome.detail)];
  if (outcome.status === 'failed' && outcome.expected !== undefined) {
    parts.push(`(observed ${JSON.stringify(outcome.observed ?? null)}, expected ${outcome.expected})`);
  }
  if (outcome.status !== 'skipped') parts.push(`${outcome.durationMs} ms`);
  return parts.join(' ');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** JSON report for scripts. */
export function formatCheckJson(run: CheckRun): string {
  return `${JSON.stringify({ format: 'runbook-check/1', ...run }, null, 2)}\n`;
}
