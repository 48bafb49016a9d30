/**
 * What Enter means on the step in front of the operator, as a value: the screen carries it out,
 * and tests can ask it for every kind and status of step without drawing anything.
 */
import type { Step } from '../../runbooks/schema.js';
import type { StepState } from '../../state/session-state.js';
import { awaitingApproval, awaitingConfirmation } from './action-phase.js';

export type EnterMeaning =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'complete-session' }
  /** Mark the step done. */
  | { readonly kind: 'complete' }
  /** Ask first: the evidence a manual step requires, or why to go on after a failure. */
  | { readonly kind: 'ask'; readonly purpose: 'evidence' | 'override' }
  /** Record the highlighted choice of a live list. */
  | { readonly kind: 'choose' }
  /** Show again the prompt that was put aside (an input's value, a typed confirmation). */
  | { readonly kind: 'reopen-prompt' }
  /** Confirm the previewed action (no typed confirmation needed) and run it. */
  | { readonly kind: 'run' }
  | { readonly kind: 'preview' };

export interface EnterContext {
  readonly step: StepState | undefined;
  readonly definition: Step | undefined;
  /** The operator looks at the current step (not back at another). */
  readonly isCurrent: boolean;
  /** A check, preview or action runs. */
  readonly busy: boolean;
  /** Every step is done or skipped. */
  readonly allFinished: boolean;
  /** The step is an input whose live list is on screen to choose from. */
  readonly choosing: boolean;
}

export function enterMeans({ step, definition, isCurrent, busy, allFinished, choosing }: EnterContext): EnterMeaning {
  if (allFinished) return { kind: 'complete-session' };
  if (!step || !isCurrent || busy) return nothing;
  if (step.status === 'done' || step.status === 'skipped' || step.status === 'in-flight' || step.status === 'pending') return nothing;
  switch (step.kind) {
    case 'manual':
      return definition?.note === 'required' ? { kind: 'ask', purpose: 'evidence' } : { kind: 'complete' };
    case 'check':
    case 'wait':
      if (step.status === 'passed') return { kind: 'complete' };
      return step.check ? { kind: 'ask', purpose: 'override' } : nothing;
    case 'input':
      if (choosing) return { kind: 'choose' };
      return step.status === 'passed' ? { kind: 'complete' } : { kind: 'reopen-prompt' };
    case 'action':
      if (step.status === 'passed') return { kind: 'complete' };
      // Waiting for another operator: nothing to run yet (rejected or expired: Enter previews again to ask anew).
      if (awaitingApproval(step)?.kind === 'pending') return nothing;
      if (awaitingConfirmation(step)) return step.requiredConfirmation === null ? { kind: 'run' } : { kind: 'reopen-prompt' };
      if (step.status === 'failed') return { kind: 'ask', purpose: 'override' };
      return step.status === 'open' ? { kind: 'preview' } : nothing;
  }
}

const nothing: EnterMeaning = { kind: 'nothing' };
