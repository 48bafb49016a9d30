import React from 'react';
import { Text } from 'ink';
import { wrapWords } from '../format.js';
import { approvalStatus } from '../../state/approval-status.js';
import { shortHash } from '../../state/preview-hash.js';
import { awaitingApproval, awaitingConfirmation, previewedNotConfirmed } from './action-phase.js';
import { commandLines } from './command-lines.js';
import { formatElapsed, formatValue, spinner, type Line } from './lines.js';
import type { StepLinesProps } from './step-props.js';

/**
 * An action: preview (summary, every resolved value, the dry-run), then what to type to confirm,
 * then live progress, then the outputs. After a crash: what reconciling found.
 */
export function actionStepLines(props: StepLinesProps): Line[] {
  const { state, step, definition, view, theme, now, isCurrent } = props;
  const lines: Line[] = [];
  const activity = view.activity;
  const mine = 'stepId' in activity && activity.stepId === step.id;

  if (step.reconciliation) {
    const found = step.reconciliation.outcome === 'found';
    lines.push({
      key: 'reconciled',
      node: (
        <Text color={found ? theme.ok : theme.warning} wrap="truncate-end">
          reconciled after an interruption: {step.reconciliation.outcome} · {step.reconciliation.detail}
        </Text>
      ),
    });
  }
  if (mine && activity.kind === 'previewing') {
    lines.push({ key: 'previewing', node: <Text color={theme.accent}>{spinner(now)} previewing {definition?.uses} (dry-run)… {formatElapsed(now - activity.startedAt)}</Text> });
    return lines;
  }
  const preview = step.preview;
  if (preview && step.status !== 'done' && step.status !== 'skipped') {
    const settled = !previewedNotConfirmed(step);
    lines.push({ key: 'preview-summary', node: <Text bold wrap="truncate-end">{settled ? 'ran' : 'will run'}: {preview.summary}</Text> });
    if (preview.dryRun) {
      lines.push({
        key: 'dry-run',
        node: (
          <Text color={preview.dryRun.ok ? theme.ok : theme.danger} wrap="truncate-end">
            dry-run {preview.dryRun.ok ? 'passed' : 'FAILED'}: {preview.dryRun.detail}
          </Text>
        ),
      });
    } else if (!settled) {
      lines.push({ key: 'dry-run', node: <Text color={theme.muted}>no dry-run for {definition?.uses}: the values below are exactly what will run</Text> });
    }
    // Where its approval stands comes before the values: the approver's command must stay on
    // screen when a long preview is cut to the panel (i shows the rest).
    lines.push(...approvalLines(props));
    // Before confirming, every resolved value in full (wrapped, never cut): this is what the
    // operator confirms. Once it ran, its outputs matter more; `i` still shows the values.
    if (!settled) {
      preview.details.forEach((detail, index) =>
        wrapWords(`${detail.label}: ${detail.value}`, props.columns - 4).forEach((text, row) =>
          lines.push({ key: `preview-${index}-${row}`, node: <Text>{row === 0 ? '  ' : '    '}{text}</Text> }),
        ),
      );
    }
  }
  if (mine && activity.kind === 'running-action') {
    lines.push({
      key: 'running',
      node: (
        <Text color={theme.accent} wrap="truncate-end">
          {spinner(now)} running {definition?.uses}… {formatElapsed(now - activity.startedAt)}
          {view.progress ? ` · ${view.progress.message}` : ''}
        </Text>
      ),
    });
    return lines;
  }
  if (step.status === 'in-flight') {
    lines.push({
      key: 'in-flight',
      node: (
        <Text color={theme.warning} wrap="truncate-end">
          in flight since {step.intent?.at ?? '?'}: it may or may not have happened; reconciling looks it up by its key
        </Text>
      ),
    });
    return lines;
  }
  if (step.status === 'passed' || step.status === 'done') {
    const outputs = Object.entries(step.outputs);
    lines.push({ key: 'succeeded', node: <Text color={theme.ok} bold>✓ succeeded{outputs.length ? ', outputs:' : ''}</Text> });
    outputs.forEach(([name, value]) => lines.push({ key: `out-${name}`, node: <Text wrap="truncate-end">  {name}: {formatValue(value)}</Text> }));
  }
  if (step.status === 'failed' && !awaitingConfirmation(step)) {
    lines.push({ key: 'failed', node: <Text color={theme.danger} wrap="truncate-end">✗ failed: {step.error}</Text> });
    const advice = step.failure?.advice;
    if (advice) lines.push({ key: 'advice', node: <Text color={theme.warning} wrap="truncate-end">advice: {advice}</Text> });
  }
  if (!isCurrent) return lines;
  const approval = awaitingApproval(step, new Date(now));
  if (step.status === 'passed') lines.push({ key: 'next', node: <Text color={theme.accent}>enter: done, next step</Text> });
  else if (approval?.kind === 'pending') lines.push({ key: 'next', node: <Text color={theme.muted}>r: preview again · s: skip · n: note · the screen updates by itself when it is decided</Text> });
  else if (approval) lines.push({ key: 'next', node: <Text color={theme.accent}>enter or r: preview again to ask anew · s: skip</Text> });
  else if (awaitingConfirmation(step, new Date(now))) {
    const required = step.requiredConfirmation;
    lines.push({
      key: 'next',
      node: (
        <Text color={theme.warning} bold wrap="truncate-end">
          {required ? `type "${required}" and enter to run it · esc: not now` : 'enter or y: run it · esc: not now'}
        </Text>
      ),
    });
  } else if (step.status === 'failed') lines.push({ key: 'next', node: <Text color={theme.accent}>r: preview and run again (new attempt) · enter: go on anyway (asks why) · s: skip</Text> });
  else if (step.status === 'open') lines.push({ key: 'next', node: <Text color={theme.accent}>enter: preview what will run</Text> });
  return lines;
}

/**
 * Where a gated action stands: waiting (with the exact command the approver runs), approved by
 * whom until when, rejected by whom and why, or its approval expired.
 */
function approvalLines({ state, step, view, theme, now, columns }: StepLinesProps): Line[] {
  if (step.approvalRule === null || !previewedNotConfirmed(step)) return [];
  const status = approvalStatus(step, new Date(now));
  const lines: Line[] = [];
  switch (status.kind) {
    case 'not-required':
      return [];
    case 'not-requested':
      lines.push({ key: 'approval', node: <Text color={theme.warning} wrap="truncate-end">needs approval ({status.rule.because}): no request asks about this preview yet</Text> });
      return lines;
    case 'approved':
      lines.push({
        key: 'approval',
        node: (
          <Text color={theme.ok} wrap="truncate-end">
            ✓ approved by {status.approvals.map((decision) => `${decision.by}${decision.reason ? ` (${decision.reason})` : ''}`).join(', ')} · holds until {clock(status.expiresAt)}
          </Text>
        ),
      });
      return lines;
    case 'rejected':
      lines.push({
        key: 'approval',
        node: (
          <Text color={theme.danger} bold wrap="truncate-end">
            ✗ rejected by {status.rejection.by}: {status.rejection.reason}
          </Text>
        ),
      });
      return lines;
    case 'pending': {
      const { request } = status;
      lines.push({
        key: 'approval',
        node: (
          <Text color={theme.warning} bold wrap="truncate-end">
            ⏳ waiting for approval: {status.approvals.length} of {request.required} · preview {shortHash(request.hash)} · asked {clock(request.requestedAt)}
          </Text>
        ),
      });
      for (const decision of status.expired) {
        lines.push({ key: `approval-expired-${decision.seq}`, node: <Text color={theme.warning} wrap="truncate-end">{decision.by}'s approval expired at {clock(decision.expiresAt ?? '')}: it must be approved again</Text> });
      }
      lines.push({ key: 'approval-how', node: <Text wrap="truncate-end">another operator (not {request.requester}) runs:</Text> });
      commandLines(view.approveCommand?.(step.id) ?? `runbook approve ${state.id} ${step.id}`, columns - 4).forEach((text, row) =>
        lines.push({ key: `approval-command-${row}`, node: <Text color={theme.accent} wrap="truncate-end">  {text}</Text> }),
      );
      return lines;
    }
  }
}

/** HH:MM:SS of an ISO time, UTC (what the log records). */
function clock(iso: string): string {
  return iso.slice(11, 19) ? `${iso.slice(11, 19)} UTC` : iso;
}
