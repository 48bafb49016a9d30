import { approvalStatus, type ApprovalStatus } from '../../state/approval-status.js';
import type { StepState } from '../../state/session-state.js';

/**
 * An action previewed for its current attempt and not yet confirmed: what will run is on screen.
 * After a failure the status stays "failed" until the new attempt runs, so the preview's attempt
 * tells a fresh preview from the one that already ran.
 */
export function previewedNotConfirmed(step: StepState): boolean {
  if (step.kind !== 'action' || !step.preview || step.confirmation) return false;
  return step.status === 'open' || (step.status === 'failed' && step.preview.attempt === step.attempt);
}

/** A previewed action the operator may confirm now: approved by others when it needs approval. */
export function awaitingConfirmation(step: StepState, now: Date = new Date()): boolean {
  return previewedNotConfirmed(step) && awaitingApproval(step, now) === null;
}

/**
 * Why a previewed action may not be confirmed yet for its approval (it waits, was rejected, has
 * expired approvals, or no request asks about this preview); null when approval is no obstacle.
 */
export function awaitingApproval(step: StepState, now: Date = new Date()): Exclude<ApprovalStatus, { kind: 'not-required' | 'approved' }> | null {
  if (!previewedNotConfirmed(step)) return null;
  const status = approvalStatus(step, now);
  return status.kind === 'not-required' || status.kind === 'approved' ? null : status;
}
