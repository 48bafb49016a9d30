import React from 'react';
import { Text } from 'ink';
import { wrapWords } from '../format.js';
import { awaitingConfirmation } from './action-phase.js';
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
    const settled = !awaitingConfirmation(step);
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
  if (step.status === 'passed') lines.push({ key: 'next', node: <Text color={theme.accent}>enter: done, next step</Text> });
  else if (awaitingConfirmation(step)) {
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
