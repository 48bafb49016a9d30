/** Per-step facts shared by the Markdown and HTML exports, as label/value rows. */
import type { SessionState, StepState } from '../session-state.js';
import { notesOf } from '../session-state.js';
import { formatDuration } from './audit-record.js';

export interface DetailRow {
  readonly label: string;
  readonly value: string;
  /** Render as a preformatted block (parameters, outputs). */
  readonly block?: boolean;
}

/** The rows describing one step of the session. */
export function stepDetails(state: SessionState, step: StepState): DetailRow[] {
  const rows: DetailRow[] = [{ label: 'status', value: step.status }];
  if (step.openedAt) rows.push({ label: 'opened', value: step.openedAt });
  if (step.completedAt) rows.push({ label: step.status === 'skipped' ? 'skipped' : 'finished', value: step.completedAt });
  if (step.durationMs !== null) rows.push({ label: 'duration', value: formatDuration(step.durationMs) });
  if (step.check) {
    rows.push({ label: 'check', value: `${step.check.ok ? 'passed' : 'failed'} (run ${step.checkRuns} time${step.checkRuns === 1 ? '' : 's'}, ${formatDuration(step.check.durationMs)})` });
    rows.push({ label: 'observed', value: JSON.stringify(step.check.observed ?? null) });
    if (step.check.expected) rows.push({ label: 'expected', value: step.check.expected });
    rows.push({ label: 'detail', value: step.check.detail });
  }
  if (step.input) rows.push({ label: 'value', value: step.input.secret ? '[secret, not recorded]' : JSON.stringify(step.input.value) });
  if (step.preview) {
    rows.push({ label: 'preview', value: step.preview.summary });
    // The argv and resolved values exactly as previewed and recorded (the JSON export's ActionPreviewed details).
    if (step.preview.details.length > 0) rows.push({ label: 'previewed', value: JSON.stringify(step.preview.details, null, 2), block: true });
    if (step.preview.dryRun) rows.push({ label: 'dry run', value: `${step.preview.dryRun.ok ? 'passed' : 'FAILED'}: ${step.preview.dryRun.detail}` });
  }
  if (step.approval) {
    const request = step.approval;
    const decided = request.decisions.map((decision) => `${decision.kind} by ${decision.by} at ${decision.at}${decision.reason ? ` (${decision.reason})` : ''}${decision.void ? ` [does not count: ${decision.void}]` : ''}`);
    rows.push({ label: 'approval', value: `requested by ${request.requester} at ${request.requestedAt} for preview ${request.hash}${decided.length ? `; ${decided.join('; ')}` : '; no decision'}` });
  }
  if (step.confirmation) rows.push({ label: 'confirmed', value: `typed "${step.confirmation.typed}" at ${step.confirmation.at}` });
  if (step.intent) {
    rows.push({ label: 'idempotency key', value: step.intent.idempotencyKey });
    rows.push({ label: 'parameters', value: JSON.stringify(step.intent.params, null, 2), block: true });
  }
  if (step.reconciliation) rows.push({ label: 'reconciled', value: `${step.reconciliation.outcome}: ${step.reconciliation.detail}` });
  if (step.error) rows.push({ label: 'error', value: step.error });
  if (Object.keys(step.outputs).length > 0) rows.push({ label: 'outputs', value: JSON.stringify(step.outputs, null, 2), block: true });
  if (step.overrideReason) rows.push({ label: 'went on despite failure', value: step.overrideReason });
  if (step.skipReason) rows.push({ label: 'skip reason', value: step.skipReason });
  if (step.note) rows.push({ label: 'note', value: step.note });
  if (step.answeredFrom) rows.push({ label: 'answered by', value: `the answers file ${step.answeredFrom} (headless run)` });
  if (step.drill?.recoveryPoint) rows.push({ label: 'recovery point', value: step.drill.recoveryPoint });
  for (const note of notesOf(state, step.id)) rows.push({ label: `note (${note.at}, ${note.actor})`, value: note.text });
  return rows;
}
