/**
 * How `runbook check` shows its results: a table for people, grouped by the runbook's sections,
 * and JSON for scripts. The table shows sizes and durations in units people read (1.2 GiB,
 * 340 ms, 1.2 s) and says what each check saw in words; the raw observed values are in `--json`
 * always and in the table with `--verbose`.
 */
import type { RunbooksFile } from '../runbooks/schema.js';
import { formatDuration } from '../state/export/audit-record.js';
import { humanizeByteCounts } from './byte-sizes.js';
import type { CheckOutcome, CheckRun } from './run-checks.js';

const MARK: Record<CheckOutcome['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };
const INDENT = '      ';

export interface CheckTableOptions {
  /** Adds each check's observed value, as the JSON the check returned. */
  readonly verbose?: boolean;
  /** The runbooks the run came from, for the sections' titles. */
  readonly file?: Pick<RunbooksFile, 'runbooks'>;
}

/**
 * Human report: the checks section by section, each section closed by its counts; failures are
 * followed by what was expected, their alert and the command to open; the last line counts all.
 */
export function formatCheckTable(run: CheckRun, options: CheckTableOptions = {}): string {
  const idWidth = Math.min(36, Math.max(4, ...run.outcomes.map((outcome) => outcome.step.length)));
  const usesWidth = Math.min(32, Math.max(4, ...run.outcomes.map((outcome) => outcome.uses.length)));
  const sections = groupBySection(run.outcomes);
  const lines = [`${run.runbook} on ${run.env}: ${count(run.outcomes.length, 'check')} in ${count(sections.length, 'section')}`];
  for (const { section, outcomes } of sections) {
    const title = sectionTitle(options.file, run.runbook, section);
    lines.push('', title ? `${section}: ${title}` : section);
    for (const outcome of outcomes) {
      lines.push(`${MARK[outcome.status]}  ${outcome.step.padEnd(idWidth)}  ${outcome.uses.padEnd(usesWidth)}  ${summary(outcome)}`);
      if (outcome.status === 'failed') {
        if (outcome.expected !== undefined) lines.push(`${INDENT}expected: ${humanizeByteCounts(oneLine(outcome.expected))}`);
        if (outcome.failure) lines.push(`${INDENT}${outcome.failure.class}: ${outcome.failure.advice}`);
      }
      if (options.verbose && outcome.observed !== undefined) lines.push(`${INDENT}observed: ${JSON.stringify(outcome.observed)}`);
      if (outcome.status === 'failed') {
        if (outcome.alert) lines.push(`${INDENT}alert: ${outcome.alert.name} (${outcome.alert.id})`);
        if (outcome.open) lines.push(`${INDENT}open: ${outcome.open}`);
      }
    }
    lines.push(`${section}: ${tally(outcomes)}`);
  }
  lines.push('', `${run.runbook} on ${run.env}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped in ${formatDuration(run.durationMs)}`);
  return `${lines.join('\n')}\n`;
}

/** The outcomes in runbook order, one group per section (the run lists them section by section). */
function groupBySection(outcomes: readonly CheckOutcome[]): { section: string; outcomes: CheckOutcome[] }[] {
  const groups: { section: string; outcomes: CheckOutcome[] }[] = [];
  for (const outcome of outcomes) {
    const last = groups[groups.length - 1];
    if (last && last.section === outcome.section) last.outcomes.push(outcome);
    else groups.push({ section: outcome.section, outcomes: [outcome] });
  }
  return groups;
}

function sectionTitle(file: CheckTableOptions['file'], runbookId: string, sectionId: string): string | undefined {
  return file?.runbooks.find((runbook) => runbook.id === runbookId)?.sections.find((section) => section.id === sectionId)?.title;
}

/** "3 passed, 1 failed", with the skipped ones only when there are some. */
function tally(outcomes: readonly CheckOutcome[]): string {
  const of = (status: CheckOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  const skipped = of('skipped');
  return `${of('passed')} passed, ${of('failed')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function summary(outcome: CheckOutcome): string {
  const detail = humanizeByteCounts(oneLine(outcome.detail));
  return outcome.status === 'skipped' ? detail : `${detail}  ${formatDuration(outcome.durationMs)}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** JSON report for scripts: every outcome with its observed value and outputs, as the checks returned them. */
export function formatCheckJson(run: CheckRun): string {
  return `${JSON.stringify({ format: 'runbook-check/1', ...run }, null, 2)}\n`;
}
