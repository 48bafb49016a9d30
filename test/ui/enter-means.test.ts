import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/runbooks/schema.js';
import type { StepState } from '../../src/state/session-state.js';
import { enterMeans, type EnterContext } from '../../src/ui/session/enter-means.js';

function step(kind: StepState['kind'], status: StepState['status'], extra: Partial<StepState> = {}): StepState {
  return {
    id: 's', sectionId: 'x', kind, title: 's', status, openedAt: null, completedAt: null, opened: 1, check: null, checkRuns: 0, attempt: 1,
    preview: null, previewHash: null, approvalRule: null, approval: null, confirmation: null, intent: null, reconciliation: null, error: null, actionDetail: null, failure: null, requiredConfirmation: null,
    outputs: {}, input: null, skipReason: null, overrideReason: null, note: null, answeredFrom: null, drill: null, durationMs: null, ...extra,
  };
}
const context = (current: StepState, extra: Partial<EnterContext> = {}): EnterContext => ({
  step: current,
  definition: { id: 's', kind: current.kind, title: 's', do: 'x' } as Step,
  isCurrent: true,
  busy: false,
  allFinished: false,
  choosing: false,
  ...extra,
});
const preview = { attempt: 1, params: {}, summary: 'do', details: [], dryRun: null, confirmValue: null, durationMs: 1, at: 't' };

describe('what Enter means', () => {
  it('completes a manual step, or asks for its evidence first', () => {
    expect(enterMeans(context(step('manual', 'open')))).toEqual({ kind: 'complete' });
    expect(enterMeans({ ...context(step('manual', 'open')), definition: { id: 's', kind: 'manual', title: 's', do: 'x', note: 'required' } as Step })).toEqual({ kind: 'ask', purpose: 'evidence' });
  });

  it('never acts on a finished, pending or in-flight step, a step looked back at, or while something runs', () => {
    for (const status of ['done', 'skipped', 'pending', 'in-flight'] as const) expect(enterMeans(context(step('manual', status)))).toEqual({ kind: 'nothing' });
    expect(enterMeans(context(step('manual', 'open'), { isCurrent: false }))).toEqual({ kind: 'nothing' });
    expect(enterMeans(context(step('manual', 'open'), { busy: true }))).toEqual({ kind: 'nothing' });
  });

  it('completes a passed check; a failed one asks why to go on; one not run yet does nothing', () => {
    const check = { ok: false, observed: 1, expected: null, detail: 'x', durationMs: 1, at: 't' };
    expect(enterMeans(context(step('check', 'passed')))).toEqual({ kind: 'complete' });
    expect(enterMeans(context(step('wait', 'failed', { check })))).toEqual({ kind: 'ask', purpose: 'override' });
    expect(enterMeans(context(step('check', 'open')))).toEqual({ kind: 'nothing' });
  });

  it('previews an action, runs it once previewed, asks for the typed name where one is required', () => {
    expect(enterMeans(context(step('action', 'open')))).toEqual({ kind: 'preview' });
    expect(enterMeans(context(step('action', 'open', { preview })))).toEqual({ kind: 'run' });
    expect(enterMeans(context(step('action', 'open', { preview, requiredConfirmation: 'production' })))).toEqual({ kind: 'reopen-prompt' });
    expect(enterMeans(context(step('action', 'failed', { attempt: 2 })))).toEqual({ kind: 'ask', purpose: 'override' });
    expect(enterMeans(context(step('action', 'passed')))).toEqual({ kind: 'complete' });
  });

  it('chooses from a live list, completes a given input, reopens the prompt of one not given', () => {
    expect(enterMeans(context(step('input', 'open'), { choosing: true }))).toEqual({ kind: 'choose' });
    expect(enterMeans(context(step('input', 'passed')))).toEqual({ kind: 'complete' });
    expect(enterMeans(context(step('input', 'open')))).toEqual({ kind: 'reopen-prompt' });
  });

  it('completes the session once every step is finished', () => {
    expect(enterMeans({ ...context(step('manual', 'done')), step: undefined, allFinished: true })).toEqual({ kind: 'complete-session' });
  });
});
