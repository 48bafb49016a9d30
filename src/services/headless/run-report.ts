/** How a headless run reads: a line per finished step for people, one JSON document for scripts. */
import { drillResult } from '../../state/drill-result.js';
import { drillLine } from '../../state/export/drill-facts.js';
import type { HeadlessResult, HeadlessStepOutcome } from './run-session.js';

const MARK: Record<HeadlessStepOutcome['status'], string> = { done: 'DONE', skipped: 'SKIP', failed: 'FAIL', stopped: 'STOP' };

/** `DONE  step-id  1.2s  what was observed or recorded`, on one line. */
export function stepLine(outcome: HeadlessStepOutcome, idWidth = 28): string {
  return `${MARK[outcome.status]}  ${outcome.id.padEnd(idWidth)}  ${formatSeconds(outcome.durationMs).padStart(7)}  ${oneLine(outcome.result)}`;
}

/** The lines after the last step: how the session ended, or where it stopped and how to go on. */
export function closingLines(result: HeadlessResult, resumeCommand: string): string[] {
  const id = result.sessionId;
  if (result.status === 'completed') {
    const lines = [`Session ${id} completed.`];
    const drill = drillResult(result.state);
    if (drill) lines.push(drillLine(drill));
    lines.push(`Export the record: runbook export ${id}`);
    return lines;
  }
  const stop = result.stop!;
  return [
    `runbook: ${stop.message}`,
    `Session ${id} is interrupted${stop.stepId ? ` at step "${stop.stepId}"` : ''}. Go on with: ${resumeCommand}`,
    `or on screen: runbook resume ${id}`,
  ];
}

/** The JSON document of `runbook run --json` (redacted by the command's output like everything it prints). */
export function runDocument(result: HeadlessResult, resumeCommand: string): string {
  const { state } = result;
  const drill = drillResult(state);
  return `${JSON.stringify(
    {
      format: 'runbook-run/1',
      session: result.sessionId,
      runbook: state.runbook?.id ?? null,
      env: state.env,
      drill: state.drill,
      status: result.status,
      exitCode: result.exitCode,
      stop: result.stop ? { step: result.stop.stepId, reason: result.stop.reason, message: result.stop.message, resume: resumeCommand } : null,
      steps: result.steps,
      drillResult: drill
        ? {
            outcome: drill.outcome,
            passed: drill.passed,
            reasons: drill.reasons,
            rtoMs: drill.rtoMs,
            recoveryPoint: drill.recoveryPoint,
            recoveryTarget: drill.recoveryTarget,
            recoveryGapMs: drill.recoveryGapMs,
            failedSteps: drill.failedSteps,
          }
        : null,
    },
    null,
    2,
  )}\n`;
}

/** Milliseconds as "0.4s", "12.3s", "4m05s". */
export function formatSeconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
