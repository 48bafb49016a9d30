/**
 * The result of a drill (a session started with `--drill`): pass/fail, RTO and recovery point.
 * One definition, used by every export and by `runbook evidence`.
 *
 * A drill PASSED when all of these hold:
 *  1. the session completed (SessionCompleted);
 *  2. it reached at least one restore step (a step marked `drill.restoreEnds` in the pinned runbook),
 *     and every restore step in the session is done (not skipped), without an override of a failure;
 *  3. no check was left failed without an override: a check or wait step whose last result
 *     failed must have been completed with an override reason (skipping it is not enough).
 * Overridden failures (checks, waits, actions outside the restore steps) do not fail the drill:
 * the operator gave a recorded reason; they are listed in `overridden` so every report shows them.
 * A drill that is still open (active or interrupted) is `unfinished`; an aborted one FAILED.
 *
 * RTO: from SessionStarted to the StepCompleted of the last restore step done.
 * Recovery point: the last recovery point the restore steps (else any step) reported, against the
 * recovery target; the gap is target − point (positive: data after the point was not recovered).
 */
import type { SessionState, StepState } from './session-state.js';
import { stepDefinition } from './session-state.js';

export type DrillOutcome = 'passed' | 'failed' | 'unfinished';

export interface DrillResult {
  readonly outcome: DrillOutcome;
  /** true / false, or null while the drill is unfinished. */
  readonly passed: boolean | null;
  /** Why the drill failed (empty when it passed or is unfinished). */
  readonly reasons: readonly string[];
  /** Ids of the steps behind `reasons`. */
  readonly failedSteps: readonly string[];
  /** Steps completed over a failure with a recorded reason (they do not fail the drill). */
  readonly overridden: readonly { readonly step: string; readonly reason: string }[];
  /** When the last restore step was completed (the end of the RTO). */
  readonly restoreEndedAt: string | null;
  /** SessionStarted → the last restore step's completion, in ms; null until a restore step is done. */
  readonly rtoMs: number | null;
  readonly recoveryPoint: string | null;
  readonly recoveryTarget: string | null;
  /** target − point in ms, when both are times; null otherwise. */
  readonly recoveryGapMs: number | null;
}

/** The drill result of a session, or null when the session is not a drill. */
export function drillResult(state: SessionState): DrillResult | null {
  if (!state.drill) return null;
  const steps = state.order.map((id) => state.steps[id]!);
  const restoreSteps = steps.filter((step) => stepDefinition(state, step.id)?.drill?.restoreEnds === true);
  const doneRestores = restoreSteps.filter((step) => step.status === 'done' && step.completedAt !== null);
  const restoreEndedAt = latest(doneRestores.map((step) => step.completedAt!));
  const rtoMs = restoreEndedAt && state.startedAt ? Date.parse(restoreEndedAt) - Date.parse(state.startedAt) : null;
  const { recoveryPoint, recoveryTarget } = recoveryFacts(restoreSteps, steps);
  const pointMs = recoveryPoint === null ? NaN : Date.parse(recoveryPoint);
  const targetMs = recoveryTarget === null ? NaN : Date.parse(recoveryTarget);
  const recoveryGapMs = Number.isFinite(pointMs) && Number.isFinite(targetMs) ? targetMs - pointMs : null;

  const overridden: { step: string; reason: string }[] = [];
  const reasons: string[] = [];
  const failedSteps: string[] = [];
  const fail = (step: StepState, reason: string) => {
    reasons.push(reason);
    failedSteps.push(step.id);
  };
  if (restoreSteps.length === 0) reasons.push('the drill has no restore step (none marked drill.restoreEnds in the steps it ran)');
  for (const step of restoreSteps) {
    if (step.status === 'skipped') fail(step, `restore step "${step.id}" was skipped: ${step.skipReason ?? 'no reason'}`);
    else if (step.status !== 'done') fail(step, `restore step "${step.id}" was not done`);
    else if (step.overrideReason !== null) fail(step, `restore step "${step.id}" was completed over a failure: ${step.overrideReason}`);
  }
  for (const step of steps) {
    if (restoreSteps.includes(step)) continue;
    if (step.status === 'done' && step.overrideReason !== null) overridden.push({ step: step.id, reason: step.overrideReason });
    else if (failedCheck(step)) fail(step, `check "${step.id}" failed and was ${step.status === 'skipped' ? 'skipped' : 'left'} without an override`);
  }

  let outcome: DrillOutcome;
  if (state.status === 'completed') outcome = reasons.length === 0 ? 'passed' : 'failed';
  else if (state.status === 'aborted') {
    outcome = 'failed';
    reasons.unshift(`the drill was aborted: ${state.abortReason ?? 'no reason'}`);
  } else outcome = 'unfinished';

  return {
    outcome,
    passed: outcome === 'unfinished' ? null : outcome === 'passed',
    reasons: outcome === 'unfinished' ? [] : reasons,
    failedSteps: outcome === 'unfinished' ? [] : failedSteps,
    overridden,
    restoreEndedAt,
    rtoMs,
    recoveryPoint,
    recoveryTarget,
    recoveryGapMs,
  };
}

function failedCheck(step: StepState): boolean {
  return (step.kind === 'check' || step.kind === 'wait') && step.check !== null && !step.check.ok;
}

function latest(times: readonly string[]): string | null {
  let best: string | null = null;
  for (const time of times) if (best === null || Date.parse(time) > Date.parse(best)) best = time;
  return best;
}

/** The last recovery point and target the restore steps reported, else those of any step. */
function recoveryFacts(restoreSteps: readonly StepState[], steps: readonly StepState[]): { recoveryPoint: string | null; recoveryTarget: string | null } {
  const pick = (key: 'recoveryPoint' | 'recoveryTarget'): string | null => {
    for (const group of [restoreSteps, steps]) {
      let found: string | null = null;
      for (const step of group) found = step.drill?.[key] || found;
      if (found !== null) return found;
    }
    return null;
  };
  return { recoveryPoint: pick('recoveryPoint'), recoveryTarget: pick('recoveryTarget') };
}
