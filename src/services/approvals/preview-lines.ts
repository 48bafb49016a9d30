/**
 * The preview an approver reads before deciding: the same recorded preview the driver saw (the
 * summary, the dry run's result, every resolved value and the parameters), the hash it is bound
 * to, who asked and why. Built from the log, so the approver needs none of the environment's
 * credentials and sees exactly what was recorded.
 */
import { formatDuration } from '../../state/export/audit-record.js';
import type { ApprovalTarget } from './pending.js';

/** The lines `runbook approve` prints before asking. */
export function previewLines({ state, step, request, status }: ApprovalTarget, now: Date): string[] {
  const preview = step.preview!;
  const lines = [
    `Session ${state.id}: ${state.runbook?.id} on ${state.protected ? `PROTECTED ${state.env}` : state.env}${state.incident ? `, incident ${state.incident}` : ''}`,
    `Step ${step.id}: ${step.title}`,
    `Requested by ${request.requester} at ${request.requestedAt} (${formatDuration(now.getTime() - Date.parse(request.requestedAt)) || '0 ms'} ago): ${request.because}`,
    `Preview hash ${request.hash}`,
    '',
    `will run: ${preview.summary}`,
    preview.dryRun ? `dry-run ${preview.dryRun.ok ? 'passed' : 'FAILED'}: ${preview.dryRun.detail}` : 'no dry-run for this provider: the values below are exactly what will run',
  ];
  for (const detail of preview.details) lines.push(`  ${detail.label}: ${detail.value}`);
  lines.push('parameters:', ...JSON.stringify(preview.params ?? null, null, 2).split('\n').map((line) => `  ${line}`));
  const counted = status.approvals.map((decision) => `${decision.by} (until ${decision.expiresAt})`);
  lines.push('', `Approvals: ${status.approvals.length} of ${request.required}${counted.length ? `: ${counted.join(', ')}` : ''}`);
  for (const decision of status.expired) lines.push(`  ${decision.by}'s approval expired at ${decision.expiresAt}`);
  return lines;
}
