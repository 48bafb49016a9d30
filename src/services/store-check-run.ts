/**
 * Keeps a `runbook check` run as evidence: one row per check in the session database
 * (src/state/check-results.ts), redacted with the environment's secrets.
 */
import type { CheckResultRecord } from '../state/check-results.js';
import type { EventStore } from '../state/event-store.js';
import { Redactor } from '../state/redact.js';
import { newSessionId } from '../state/session-id.js';
import { reportedSuccessTime } from './reported-time.js';
import type { CheckRun } from './run-checks.js';

/** The rows a check run is stored as. */
function checkResultRecords(run: CheckRun, runId: string): CheckResultRecord[] {
  return run.outcomes.map((outcome) => {
    const reported = outcome.status === 'skipped' ? undefined : reportedSuccessTime(outcome.outputs);
    return {
      runId,
      runbook: run.runbook,
      env: run.env,
      step: outcome.step,
      asset: outcome.signal?.asset ?? null,
      signalKind: outcome.signal?.kind ?? null,
      status: outcome.status,
      observed: outcome.observed ?? null,
      expected: outcome.expected ?? null,
      detail: outcome.detail,
      alert: outcome.alert?.id ?? null,
      reportedAt: reported?.at ?? null,
      reportedFrom: reported?.from ?? null,
      durationMs: outcome.durationMs,
      finishedAt: outcome.finishedAt,
    };
  });
}

/** Stores a check run as evidence in `store`; returns the run's id. */
export function storeCheckRun(store: EventStore, run: CheckRun, secrets: readonly string[]): string {
  const runId = `check-${newSessionId(new Date(run.startedAt))}`;
  store.checkResults.save(checkResultRecords(run, runId), new Redactor(secrets));
  return runId;
}
