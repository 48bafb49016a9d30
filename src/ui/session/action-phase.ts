import type { StepState } from '../../state/session-state.js';

/**
 * An action previewed for its current attempt and not yet confirmed: the operator reads what
 * will run and confirms. After a failure the status stays "failed" until the new attempt runs,
 * so the preview's attempt tells a fresh preview from the one that already ran.
 */
export function awaitingConfirmation(step: StepState): boolean {
  if (step.kind !== 'action' || !step.preview || step.confirmation) return false;
  return step.status === 'open' || (step.status === 'failed' && step.preview.attempt === step.attempt);
}
