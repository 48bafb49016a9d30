/**
 * The per-step summary that opens the HTML export: what became of each step, how long it took,
 * who acted on it and what they wrote about it, in the order the session walked the steps.
 */
import { notesOf, type StepStatus } from '../session-state.js';
import type { AuditRecord } from './audit-record.js';

export interface StepSummaryRow {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  readonly section: string;
  readonly status: StepStatus;
  readonly durationMs: number | null;
  /** Everyone whose events touched the step (user@host), first one first. */
  readonly actors: readonly string[];
  /** The completion note, notes added on the step, and why it was skipped or completed over a failure. */
  readonly notes: readonly string[];
}

/** One row per step of the session. */
export function stepSummaryRows(record: AuditRecord): StepSummaryRow[] {
  const { state } = record;
  const actors = new Map<string, string[]>();
  for (const event of record.events) {
    if (event.stepId === null) continue;
    const list = actors.get(event.stepId) ?? [];
    if (!list.includes(event.actor)) list.push(event.actor);
    actors.set(event.stepId, list);
  }
  return state.order.map((id) => {
    const step = state.steps[id]!;
    const notes: string[] = [];
    if (step.skipReason !== null) notes.push(`skipped: ${step.skipReason}`);
    if (step.overrideReason !== null) notes.push(`went on despite failure: ${step.overrideReason}`);
    if (step.note !== null) notes.push(step.note);
    for (const note of notesOf(state, id)) notes.push(`${note.text} (${note.actor})`);
    return {
      id,
      title: step.title,
      kind: step.kind,
      section: step.sectionId,
      status: step.status,
      durationMs: step.durationMs,
      actors: actors.get(id) ?? [],
      notes,
    };
  });
}
