/** given(events) / when(command) / then(events or refusal): the fold and every rule of decide. */
import { describe, expect, it } from 'vitest';
import { decide, type Command } from '../../src/state/decide.js';
import type { EventData, NewEvent, SessionEvent } from '../../src/state/events.js';
import { evolve, initialState, inFlightSteps, notesOf, type SessionState } from '../../src/state/session-state.js';
import { Runbook, Environment } from '../../src/runbooks/schema.js';

const runbook = Runbook.parse({
  id: 'rb',
  title: 'RB',
  summary: 's',
  inputs: { pw: { type: 'text', secret: true } },
  sections: [
    {
      id: 'one',
      title: 'One',
      steps: [
        { id: 'manual', kind: 'manual', title: 'Manual', do: 'x', note: 'required' },
        { id: 'check', kind: 'check', title: 'Check', do: 'x', uses: 'local.echo' },
        { id: 'act', kind: 'action', title: 'Act', do: 'x', uses: 'local.writeMarker', drill: { restoreEnds: true } },
        { id: 'critical', kind: 'manual', title: 'Critical', do: 'x', skippable: false },
        { id: 'only-walg', kind: 'manual', title: 'WAL-G', do: 'x', when: { 'backup.tool': ['walg'] } },
      ],
    },
  ],
});

const staging = Environment.parse({});
const production = Environment.parse({ protected: true, confirm: 'prod' });

function started(overrides: Partial<EventData<'SessionStarted'>> = {}): EventData<'SessionStarted'> {
  return {
    runbookId: 'rb',
    runbookTitle: 'RB',
    runbookHash: 'sha256:x',
    runbook,
    runbooksFile: null,
    env: 'staging',
    environment: {},
    protected: false,
    drill: false,
    incident: null,
    operator: 'alice@h',
    productVersion: 't',
    startSection: null,
    inputs: {},
    ...overrides,
  };
}

let clock = Date.parse('2024-05-01T10:00:00Z');
/** Folds new events into state as the store would (seq, time, hashes are placeholders here). */
function fold(state: SessionState, events: NewEvent[]): SessionState {
  for (const event of events) {
    clock += 1000;
    state = evolve(state, { ...event, seq: state.lastSeq + 1, at: new Date(clock).toISOString(), actor: 'alice@h', prevHash: 'p', hash: 'h' } as SessionEvent);
  }
  return state;
}

function given(...commands: Command[]): SessionState {
  let state = initialState('S');
  for (const command of commands) {
    const decision = decide(state, command);
    if (!decision.ok) throw new Error(`given: ${decision.refusal.message}`);
    state = fold(state, decision.events);
  }
  return state;
}

function when(state: SessionState, command: Command) {
  const decision = decide(state, command);
  return {
    then(...types: string[]) {
      expect(decision.ok ? decision.events.map((event) => event.type) : decision.refusal.code).toEqual(types);
      return decision.ok ? decision.events : [];
    },
    refused(code: string) {
      expect(decision.ok).toBe(false);
      if (!decision.ok) expect(decision.refusal.code).toBe(code);
      return decision.ok ? '' : decision.refusal.message;
    },
  };
}

const start: Command = { type: 'StartSession', started: started(), environment: staging };
const ok = { ok: true, observed: 1, expected: '= 1', outputs: { text: 'a' }, detail: 'fine' };
const bad = { ok: false, observed: 2, expected: '= 1', outputs: {}, detail: 'wrong' };
const preview = { type: 'RecordPreview', stepId: 'act', params: { a: 1 }, preview: { summary: 'do it', details: [] }, durationMs: 3 } as const;
const intent = { type: 'RecordIntent', stepId: 'act', provider: 'local.writeMarker', params: { a: 1 }, idempotencyKey: 'rb-k' } as const;

describe('StartSession', () => {
  it('starts and skips steps that do not apply, with the reason', () => {
    const events = when(initialState('S'), start).then('SessionStarted', 'StepSkipped');
    expect(events[1]).toMatchObject({ stepId: 'only-walg', data: { automatic: true } });
    expect((events[1]!.data as { reason: string }).reason).toContain('backup.tool is null, the step is for "walg"');
    const state = given(start);
    expect(state.status).toBe('open');
    expect(state.currentStepId).toBe('manual');
    expect(state.steps['only-walg']!.status).toBe('skipped');
  });
  it('refuses a protected environment without an incident reference', () => {
    const message = when(initialState('S'), { type: 'StartSession', started: started({ env: 'production' }), environment: production }).refused('incident-required');
    expect(message).toContain('--incident');
  });
  it('refuses a drill on a protected environment', () => {
    when(initialState('S'), { type: 'StartSession', started: started({ env: 'production', drill: true, incident: 'INC-1' }), environment: production }).refused('drill-on-protected');
  });
  it('accepts a protected environment with an incident', () => {
    when(initialState('S'), { type: 'StartSession', started: started({ env: 'production', incident: 'INC-1', protected: true }), environment: production }).then('SessionStarted', 'StepSkipped');
  });
  it('refuses starting twice', () => {
    when(given(start), start).refused('already-started');
  });
});

describe('steps', () => {
  it('a manual step with a required note needs the note', () => {
    const state = given(start, { type: 'OpenStep', stepId: 'manual' });
    when(state, { type: 'CompleteStep', stepId: 'manual' }).refused('note-required');
    when(state, { type: 'CompleteStep', stepId: 'manual', note: 'posted in #ops' }).then('StepCompleted');
    const done = given(start, { type: 'OpenStep', stepId: 'manual' }, { type: 'CompleteStep', stepId: 'manual', note: 'posted' });
    expect(done.steps.manual!.status).toBe('done');
    expect(done.steps.manual!.durationMs).toBe(1000);
    expect(done.currentStepId).toBe('check');
  });
  it('completing a step whose check failed needs an override reason', () => {
    const state = given(start, { type: 'OpenStep', stepId: 'check' }, { type: 'RecordCheck', stepId: 'check', result: bad, params: {}, durationMs: 5 });
    expect(state.steps.check!.status).toBe('failed');
    expect(state.steps.check!.check).toMatchObject({ ok: false, observed: 2, expected: '= 1', durationMs: 5 });
    when(state, { type: 'CompleteStep', stepId: 'check' }).refused('override-required');
    when(state, { type: 'CompleteStep', stepId: 'check', overrideReason: '   ' }).refused('override-required');
    const [event] = when(state, { type: 'CompleteStep', stepId: 'check', overrideReason: 'known flaky, verified by hand' }).then('StepCompleted');
    expect(event!.data).toMatchObject({ overrideReason: 'known flaky, verified by hand' });
  });
  it('a check that has not run cannot be completed without a reason; a passed one can', () => {
    when(given(start, { type: 'OpenStep', stepId: 'check' }), { type: 'CompleteStep', stepId: 'check' }).refused('override-required');
    const passed = given(start, { type: 'OpenStep', stepId: 'check' }, { type: 'RecordCheck', stepId: 'check', result: ok, params: {}, durationMs: 1 });
    expect(passed.steps.check!.outputs).toEqual({ text: 'a' });
    when(passed, { type: 'CompleteStep', stepId: 'check' }).then('StepCompleted');
  });
  it('a check re-run after failing can pass', () => {
    const state = given(
      start,
      { type: 'RecordCheck', stepId: 'check', result: bad, params: {}, durationMs: 1 },
      { type: 'RecordCheck', stepId: 'check', result: ok, params: {}, durationMs: 1 },
    );
    expect(state.steps.check!.status).toBe('passed');
    expect(state.steps.check!.checkRuns).toBe(2);
  });
  it('skipping needs a reason and is refused for non-skippable steps', () => {
    const state = given(start);
    when(state, { type: 'SkipStep', stepId: 'manual', reason: ' ' }).refused('reason-required');
    when(state, { type: 'SkipStep', stepId: 'critical', reason: 'no time' }).refused('not-skippable');
    when(state, { type: 'SkipStep', stepId: 'manual', reason: 'done out of band' }).then('StepSkipped');
  });
  it('unknown steps and wrong kinds are refused', () => {
    const state = given(start);
    when(state, { type: 'OpenStep', stepId: 'nope' }).refused('unknown-step');
    when(state, { type: 'RecordCheck', stepId: 'manual', result: ok, params: {}, durationMs: 1 }).refused('wrong-kind');
    when(state, preview).then('ActionPreviewed');
    when(state, { ...preview, stepId: 'check' }).refused('wrong-kind');
  });
});

describe('actions', () => {
  it('running needs a preview and a confirmation', () => {
    when(given(start), intent).refused('preview-required');
    when(given(start, preview), intent).refused('confirmation-required');
    when(given(start), { type: 'ConfirmAction', stepId: 'act', typed: 'yes' }).refused('preview-required');
    when(given(start, preview), { type: 'ConfirmAction', stepId: 'act', typed: 'yes' }).then('ActionConfirmed');
    when(given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'yes' }), intent).then('ActionIntended');
  });
  it('refuses running other values than the ones previewed', () => {
    when(given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }), { ...intent, params: { a: 2 } }).refused('preview-stale');
  });
  it('on a protected environment the confirmation must equal its confirm value', () => {
    const prodStart: Command = { type: 'StartSession', started: started({ env: 'production', incident: 'INC-9', protected: true, environment: { confirm: 'prod' } }), environment: production };
    const state = given(prodStart, preview);
    when(state, { type: 'ConfirmAction', stepId: 'act', typed: 'yes' }).refused('confirmation-mismatch');
    when(state, { type: 'ConfirmAction', stepId: 'act', typed: 'production' }).refused('confirmation-mismatch');
    const [event] = when(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod' }).then('ActionConfirmed');
    expect(event!.data).toEqual({ attempt: 1, typed: 'prod' });
  });
  it('a preview asking for a value (row count) needs it typed', () => {
    const state = given(start, { ...preview, preview: { summary: 'reapply', details: [], confirmValue: '42' } });
    when(state, { type: 'ConfirmAction', stepId: 'act', typed: '41' }).refused('confirmation-mismatch');
    when(state, { type: 'ConfirmAction', stepId: 'act', typed: '42' }).then('ActionConfirmed');
  });
  it('an intent without a result is in flight: everything on the step waits for reconciliation', () => {
    const state = given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent);
    expect(state.steps.act!.status).toBe('in-flight');
    expect(inFlightSteps(state).map((step) => step.id)).toEqual(['act']);
    when(state, intent).refused('in-flight');
    when(state, { type: 'CompleteStep', stepId: 'act', overrideReason: 'x' }).refused('in-flight');
    when(state, { type: 'SkipStep', stepId: 'act', reason: 'x' }).refused('in-flight');
    const [event] = when(state, { type: 'RecordReconciliation', stepId: 'act', outcome: 'found', reconciliation: { found: true, outputs: { v: 1 }, detail: 'found it' } }).then('ActionReconciled');
    expect(event!.data).toEqual({ attempt: 1, idempotencyKey: 'rb-k', outcome: 'found', outputs: { v: 1 }, detail: 'found it' });
  });
  it('reconciled as found: the step has its outputs and can be completed', () => {
    const state = given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent, {
      type: 'RecordReconciliation', stepId: 'act', outcome: 'found', reconciliation: { found: true, outputs: { v: 1 }, detail: 'd' },
    });
    expect(state.steps.act).toMatchObject({ status: 'passed', outputs: { v: 1 } });
    when(state, { type: 'CompleteStep', stepId: 'act' }).then('StepCompleted');
  });
  it('reconciled as not found: a re-run of the same attempt needs a fresh confirmation', () => {
    const state = given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent, {
      type: 'RecordReconciliation', stepId: 'act', outcome: 'not-found', reconciliation: { found: false, detail: 'd' },
    });
    expect(state.steps.act).toMatchObject({ status: 'open', attempt: 1, confirmation: null });
    when(state, intent).refused('confirmation-required');
    when(given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent, {
      type: 'RecordReconciliation', stepId: 'act', outcome: 'not-found', reconciliation: { found: false, detail: 'd' },
    }, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }), intent).then('ActionIntended');
  });
  it('a failed action is a new attempt with a new preview; completing it needs a reason', () => {
    const state = given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent, {
      type: 'RecordActionResult', stepId: 'act', result: { ok: false, outputs: {}, detail: 'boom', failure: { class: 'internal', advice: 'a' } }, durationMs: 9,
    });
    expect(state.steps.act).toMatchObject({ status: 'failed', attempt: 2, preview: null, error: 'boom' });
    when(state, intent).refused('preview-required');
    when(state, { type: 'CompleteStep', stepId: 'act' }).refused('action-not-run');
    when(state, { type: 'RecordActionResult', stepId: 'act', result: ok, durationMs: 1 }).refused('no-intent');
  });
  it('a successful action records its outputs', () => {
    const state = given(start, preview, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }, intent, {
      type: 'RecordActionResult', stepId: 'act', result: { ok: true, outputs: { volumeId: 'vol-1' }, detail: 'made' }, durationMs: 9,
    });
    expect(state.steps.act).toMatchObject({ status: 'passed', outputs: { volumeId: 'vol-1' } });
  });
});

describe('session lifecycle', () => {
  it('notes are kept in order, per step and for the session', () => {
    const state = given(start, { type: 'AddNote', stepId: null, text: 'first' }, { type: 'AddNote', stepId: 'check', text: 'second' });
    expect(notesOf(state).map((note) => note.text)).toEqual(['first', 'second']);
    expect(notesOf(state, 'check').map((note) => note.text)).toEqual(['second']);
    expect(state.noteCount).toBe(2);
    when(state, { type: 'AddNote', stepId: null, text: '  ' }).refused('note-required');
  });
  it('completing the session needs every step done or skipped', () => {
    const message = when(given(start), { type: 'CompleteSession' }).refused('steps-remaining');
    expect(message).toContain('manual, check, act, critical');
  });
  it('a completed drill records its RTO and recovery point', () => {
    const drillStart: Command = { type: 'StartSession', started: started({ drill: true }), environment: staging };
    const state = given(
      drillStart,
      { type: 'CompleteStep', stepId: 'manual', note: 'n' },
      { type: 'RecordCheck', stepId: 'check', result: ok, params: {}, durationMs: 1 },
      { type: 'CompleteStep', stepId: 'check' },
      preview,
      { type: 'ConfirmAction', stepId: 'act', typed: 'y' },
      intent,
      { type: 'RecordActionResult', stepId: 'act', result: { ok: true, outputs: {}, detail: 'd' }, durationMs: 1 },
      { type: 'CompleteStep', stepId: 'act', drill: { restoreEnds: true, recoveryPoint: '2024-05-01T09:59:00Z', recoveryTarget: null } },
      { type: 'CompleteStep', stepId: 'critical' },
    );
    const [event] = when(state, { type: 'CompleteSession', recoveryPoint: '2024-05-01T09:59:00Z' }).then('SessionCompleted');
    expect(event!.data).toEqual({ drill: { rtoMs: 9000, recoveryPoint: '2024-05-01T09:59:00Z', recoveryTarget: null, failedSteps: [], passed: true } });
    const done = fold(state, [event!]);
    expect(done.status).toBe('completed');
    when(done, { type: 'AddNote', stepId: null, text: 'late' }).refused('session-ended');
  });
  it('aborting needs a reason and ends the session', () => {
    when(given(start), { type: 'AbortSession', reason: '' }).refused('reason-required');
    const aborted = given(start, { type: 'AbortSession', reason: 'wrong runbook' });
    expect(aborted).toMatchObject({ status: 'aborted', abortReason: 'wrong runbook' });
    when(aborted, { type: 'OpenStep', stepId: 'manual' }).refused('session-ended');
  });
  it('interrupt and resume toggle the interrupted flag', () => {
    const interrupted = given(start, { type: 'Interrupt', reason: 'lunch' });
    expect(interrupted.interrupted).toBe(true);
    const resumed = given(start, { type: 'Interrupt', reason: 'lunch' }, { type: 'Resume', data: { previous: 'interrupted', runbookChanged: false, changes: [], pid: 1 } });
    expect(resumed).toMatchObject({ interrupted: false, resumes: 1 });
  });
  it('commands before the start are refused', () => {
    when(initialState('S'), { type: 'OpenStep', stepId: 'manual' }).refused('not-started');
  });
  it('secret runbook inputs are recorded redacted', () => {
    const [event] = when(given(start), { type: 'ProvideInput', stepId: null, name: 'pw', value: 'hunter2-secret' }).then('InputProvided');
    expect(event!.data).toEqual({ name: 'pw', value: '[redacted]', label: null, secret: true });
    when(given(start), { type: 'ProvideInput', stepId: null, name: 'nope', value: 'x' }).refused('unknown-input');
  });
  it('starting at a section leaves earlier steps out of the session', () => {
    const twoSections = Runbook.parse({ ...runbook, sections: [...runbook.sections, { id: 'two', title: 'Two', steps: [{ id: 'last', kind: 'manual', title: 'L', do: 'x' }] }] });
    const state = given({ type: 'StartSession', started: started({ runbook: twoSections, startSection: 'two' }), environment: staging });
    expect(state.order).toEqual(['last']);
    expect(state.currentStepId).toBe('last');
    when(state, { type: 'OpenStep', stepId: 'manual' }).refused('not-in-session');
  });
});
