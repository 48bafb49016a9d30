/**
 * Four-eyes approval as given(events) / when(command) / then(events or refusal): which actions
 * need it, the request bound to the preview's hash, who may decide, expiry, rejection, and that
 * a changed parameter or dry run needs a new approval.
 */
import { describe, expect, it } from 'vitest';
import { approvalRule } from '../../src/runbooks/approval-rule.js';
import { Environment, Runbook } from '../../src/runbooks/schema.js';
import { approvalStatus } from '../../src/state/approval-status.js';
import { decide, type Command } from '../../src/state/decide.js';
import type { EventData, NewEvent, SessionEvent } from '../../src/state/events.js';
import { previewHash } from '../../src/state/preview-hash.js';
import { evolve, initialState, type SessionState } from '../../src/state/session-state.js';

const runbook = Runbook.parse({
  id: 'rb',
  title: 'RB',
  summary: 's',
  sections: [
    {
      id: 'one',
      title: 'One',
      steps: [
        { id: 'act', kind: 'action', title: 'Act', do: 'x', uses: 'local.writeMarker' },
        { id: 'other', kind: 'action', title: 'Other', do: 'x', uses: 'local.echo' },
        { id: 'look', kind: 'check', title: 'Look', do: 'x', uses: 'local.echo' },
      ],
    },
  ],
});

function environment(settings: Record<string, unknown>): Record<string, unknown> {
  return Environment.parse(settings) as Record<string, unknown>;
}

function started(env: Record<string, unknown>, overrides: Partial<EventData<'SessionStarted'>> = {}): EventData<'SessionStarted'> {
  return {
    runbookId: 'rb',
    runbookTitle: 'RB',
    runbookHash: 'sha256:x',
    runbook,
    runbooksFile: null,
    env: 'production',
    environment: env,
    protected: env.protected === true,
    drill: false,
    incident: env.protected === true ? 'INC-1' : null,
    operator: 'bob@jump',
    productVersion: 't',
    startSection: null,
    inputs: {},
    ...overrides,
  };
}

let clock = Date.parse('2024-05-01T10:00:00Z');

/** Who appends a command's events: the actor, and the role a shared store's server would stamp (absent on SQLite). */
interface Writer {
  readonly actor: string;
  readonly dbRole?: string;
}
const bob: Writer = { actor: 'bob@jump' };
const carol: Writer = { actor: 'carol@jump' };

function fold(state: SessionState, events: readonly NewEvent[], writer: Writer, at?: number): SessionState {
  for (const event of events) {
    clock = at ?? clock + 1000;
    const stored = { ...event, seq: state.lastSeq + 1, at: new Date(clock).toISOString(), actor: writer.actor, prevHash: 'p', hash: `h${state.lastSeq + 1}` };
    state = evolve(state, (writer.dbRole ? { ...stored, dbRole: writer.dbRole } : stored) as SessionEvent);
  }
  return state;
}

function apply(state: SessionState, command: Command, writer: Writer = bob, at?: number): SessionState {
  const decision = decide(state, command);
  if (!decision.ok) throw new Error(`given: ${decision.refusal.message}`);
  return fold(state, decision.events, writer, at);
}

function refusal(state: SessionState, command: Command): { code: string; message: string } {
  const decision = decide(state, command);
  if (decision.ok) throw new Error(`expected a refusal, got ${decision.events.map((event) => event.type).join(', ') || 'no events'}`);
  return decision.refusal;
}

const production = environment({ protected: true, confirm: 'prod-db', approvals: { required: 1 } });
const preview = (params: unknown = { a: 1 }, dryRun: { ok: boolean; detail: string } | null = { ok: true, detail: 'DryRunOperation' }): Command => ({
  type: 'RecordPreview',
  stepId: 'act',
  params,
  preview: { summary: 'write it', details: [{ label: 'dir', value: '/m' }], ...(dryRun ? { dryRun } : {}) },
  durationMs: 3,
});
const request: Command = { type: 'RequestApproval', stepId: 'act' };
const intentAt = (at: number, params: unknown = { a: 1 }): Command => ({
  type: 'RecordIntent',
  stepId: 'act',
  provider: 'local.writeMarker',
  params,
  idempotencyKey: 'k',
  at: new Date(at).toISOString(),
});
const approve = (state: SessionState, by: string, extra: Partial<Extract<Command, { type: 'ApproveAction' }>> = {}): Command => ({
  type: 'ApproveAction',
  stepId: 'act',
  hash: state.steps.act!.previewHash!,
  by,
  reason: 'looked at the snapshot id',
  typed: 'prod-db',
  at: new Date(clock + 1000).toISOString(),
  ...extra,
});
const reject = (state: SessionState, by: string, reason = 'wrong snapshot'): Command => ({ type: 'RejectAction', stepId: 'act', hash: state.steps.act!.previewHash!, by, reason });

/** A production session where bob previewed `act`, asked for approval and confirmed it. */
function requested(env: Record<string, unknown> = production, params: unknown = { a: 1 }): SessionState {
  let state = apply(initialState('S'), { type: 'StartSession', started: started(env), environment: Environment.parse(env) });
  state = apply(state, { type: 'OpenStep', stepId: 'act' });
  state = apply(state, preview(params));
  state = apply(state, request);
  return apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' });
}

describe('which actions need approval', () => {
  const act = { id: 'act', kind: 'action', uses: 'local.writeMarker' } as const;

  it('every action of an environment with approvals, one hour by default; checks never', () => {
    expect(approvalRule(act, production, 'production')).toEqual({ required: 1, expiresInMs: 3_600_000, because: 'environment "production" requires 1 approval for every action' });
    expect(approvalRule({ id: 'look', kind: 'check', uses: 'local.echo' }, production, 'production')).toBeNull();
    expect(approvalRule(act, environment({}), 'staging')).toBeNull();
  });

  it('narrowed to steps or providers, with the expiry configured', () => {
    const narrowed = environment({ approvals: { required: 2, expires: '30m', steps: ['other'], providers: ['local.writeMarker'] } });
    expect(approvalRule(act, narrowed, 'production')).toEqual({ required: 2, expiresInMs: 1_800_000, because: 'environment "production" requires 2 approvals for local.writeMarker' });
    expect(approvalRule({ id: 'other', kind: 'action', uses: 'local.echo' }, narrowed, 'production')?.because).toBe('environment "production" requires 2 approvals for step "other"');
    expect(approvalRule({ id: 'third', kind: 'action', uses: 'shell.run' }, narrowed, 'production')).toBeNull();
  });

  it('a step with approval: required needs one everywhere', () => {
    expect(approvalRule({ ...act, approval: 'required' }, environment({}), 'sandbox')).toEqual({ required: 1, expiresInMs: 3_600_000, because: 'step "act" requires 1 approval' });
  });

  it('the session keeps the rule it started with', () => {
    const state = requested();
    expect(state.steps.act!.approvalRule?.required).toBe(1);
    expect(state.steps.other!.approvalRule?.required).toBe(1);
    expect(state.steps.look!.approvalRule).toBeNull();
  });
});

describe('the request', () => {
  it('is bound to the hash of the recorded preview, and asked once per preview', () => {
    const state = requested();
    const step = state.steps.act!;
    expect(step.previewHash).toBe(previewHash('act', step.preview!));
    expect(step.previewHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(step.approval).toMatchObject({ hash: step.previewHash, requester: 'bob@jump', required: 1, attempt: 1, decisions: [], usedAt: null });
    expect(decide(apply(state, preview()), request)).toEqual({ ok: true, events: [] });
  });

  it('an action that needs none is not asked about', () => {
    let state = apply(initialState('S'), { type: 'StartSession', started: started(environment({})), environment: Environment.parse({}) });
    state = apply(state, preview());
    expect(refusal(state, request).code).toBe('approval-not-needed');
    expect(decide(apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'y' }), intentAt(clock)).ok).toBe(true);
  });

  it('the action cannot be intended before an approval, and says who runs what', () => {
    const state = requested();
    const refused = refusal(state, intentAt(clock));
    expect(refused.code).toBe('approval-required');
    expect(refused.message).toContain('runbook approve S act');
    expect(refused.message).toContain('0 of 1');
  });

  it('an approval of another operator lets it run, once', () => {
    let state = requested();
    state = apply(state, approve(state, 'carol@jump'), carol);
    expect(approvalStatus(state.steps.act!, new Date(clock)).kind).toBe('approved');
    state = apply(state, intentAt(clock));
    expect(state.steps.act!.approval?.usedAt).not.toBeNull();
    // The run failed: the next attempt is a new preview, and needs a new approval although it reads the same.
    state = apply(state, { type: 'RecordActionResult', stepId: 'act', result: { ok: false, outputs: {}, detail: 'boom' }, durationMs: 1 });
    state = apply(state, preview());
    state = apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' });
    expect(refusal(state, { ...intentAt(clock), idempotencyKey: 'k2' } as Command).code).toBe('approval-required');
    expect(decide(state, request)).toMatchObject({ ok: true, events: [{ type: 'ApprovalRequested', data: { attempt: 2 } }] });
  });
});

describe('who may approve', () => {
  it('approving your own request is refused', () => {
    const state = requested();
    const refused = refusal(state, approve(state, 'bob@jump'));
    expect(refused).toEqual({ code: 'self-approval', message: 'bob@jump asked for this approval, so cannot approve it: another operator must decide' });
    expect(refusal(state, reject(state, 'bob@jump')).code).toBe('self-approval');
  });

  it('on a shared store a second name under the same database role does not count', () => {
    // Bob sets RUNBOOK_OPERATOR=carol: the name differs, the role the server stamped does not.
    let state = apply(initialState('S'), { type: 'StartSession', started: started(production), environment: Environment.parse(production) }, { ...bob, dbRole: 'bob' });
    state = apply(state, preview(), { ...bob, dbRole: 'bob' });
    state = apply(state, request, { ...bob, dbRole: 'bob' });
    state = apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' }, { ...bob, dbRole: 'bob' });
    expect(state.steps.act!.approval?.requesterRole).toBe('bob');
    state = apply(state, approve(state, 'carol@laptop'), { actor: 'carol@laptop', dbRole: 'bob' });
    expect(state.steps.act!.approval?.decisions[0]?.void).toBe('written by database role "bob", which also asked for this approval');
    expect(refusal(state, intentAt(clock)).code).toBe('approval-required');
    state = apply(state, approve(state, 'carol@laptop'), { actor: 'carol@laptop', dbRole: 'carol' });
    expect(decide(state, intentAt(clock)).ok).toBe(true);
  });

  it('an approver who then drives the session does not approve their own run', () => {
    let state = requested();
    state = apply(state, approve(state, 'carol@jump'), carol);
    state = apply(state, { type: 'Interrupt', reason: 'handed to carol' });
    state = apply(state, { type: 'Resume', data: { previous: 'interrupted', runbookChanged: false, changes: [], pid: 1 } }, carol);
    expect(state.driver).toBe('carol@jump');
    expect(refusal(state, intentAt(clock)).code).toBe('approval-required');
    expect(refusal(state, approve(state, 'carol@jump')).message).toBe('carol@jump drives session S now, so cannot approve its action: another operator must decide');
    state = apply(state, approve(state, 'dave@jump'), { actor: 'dave@jump' });
    expect(decide(state, intentAt(clock)).ok).toBe(true);
  });

  it('on a protected environment the approver types its name', () => {
    const state = requested();
    expect(refusal(state, approve(state, 'carol@jump', { typed: 'prod' }))).toEqual({ code: 'confirmation-mismatch', message: 'type "prod-db" exactly to approve an action on protected production' });
    expect(decide(state, approve(state, 'carol@jump')).ok).toBe(true);
  });

  it('a decision on a preview that changed since it was shown is refused', () => {
    const state = requested();
    expect(refusal(state, approve(state, 'carol@jump', { hash: 'sha256:0000' })).code).toBe('preview-changed');
  });

  it('two approvals needed come from two operators; the same one twice counts once', () => {
    let state = requested(environment({ protected: true, confirm: 'prod-db', approvals: { required: 2 } }));
    state = apply(state, approve(state, 'carol@jump'), carol);
    state = apply(state, approve(state, 'carol@jump'), carol);
    expect(approvalStatus(state.steps.act!, new Date(clock))).toMatchObject({ kind: 'pending', approvals: [{ by: 'carol@jump' }] });
    expect(refusal(state, intentAt(clock)).message).toContain('1 of 2');
    state = apply(state, approve(state, 'dave@jump'), { actor: 'dave@jump' });
    expect(decide(state, intentAt(clock)).ok).toBe(true);
  });
});

describe('a changed preview needs a new approval', () => {
  it('a changed parameter voids the approval', () => {
    let state = requested();
    state = apply(state, approve(state, 'carol@jump'), carol);
    const approvedHash = state.steps.act!.previewHash;
    state = apply(state, preview({ a: 2 }));
    expect(state.steps.act!.previewHash).not.toBe(approvedHash);
    state = apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' });
    expect(refusal(state, intentAt(clock, { a: 2 })).code).toBe('approval-required');
    // The approval of the old preview is not carried over to the new request.
    state = apply(state, request);
    expect(state.steps.act!.approval).toMatchObject({ hash: state.steps.act!.previewHash, decisions: [] });
    expect(refusal(state, intentAt(clock, { a: 2 })).code).toBe('approval-required');
  });

  it('so does a dry run that now reads differently', () => {
    const before = requested();
    const after = apply(before, preview({ a: 1 }, { ok: true, detail: 'DryRunOperation (zone us-east-1b)' }));
    expect(after.steps.act!.previewHash).not.toBe(before.steps.act!.previewHash);
  });

  it('the same preview taken again keeps its approval', () => {
    let state = requested();
    state = apply(state, approve(state, 'carol@jump'), carol);
    state = apply(state, preview());
    expect(decide(state, request)).toEqual({ ok: true, events: [] });
    state = apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' });
    expect(decide(state, intentAt(clock)).ok).toBe(true);
  });
});

describe('expiry', () => {
  it('an approval expires after an hour; approving again renews it', () => {
    let state = requested();
    const approvedAt = clock + 1000;
    state = apply(state, approve(state, 'carol@jump', { at: new Date(approvedAt).toISOString() }), carol, approvedAt);
    expect(state.steps.act!.approval?.decisions[0]?.expiresAt).toBe(new Date(approvedAt + 3_600_000).toISOString());
    expect(decide(state, intentAt(approvedAt + 59 * 60_000)).ok).toBe(true);
    const refused = refusal(state, intentAt(approvedAt + 61 * 60_000));
    expect(refused.code).toBe('approval-expired');
    expect(refused.message).toContain(`carol@jump's at ${new Date(approvedAt + 3_600_000).toISOString()}`);
    const later = approvedAt + 61 * 60_000;
    state = apply(state, approve(state, 'carol@jump', { at: new Date(later).toISOString() }), carol, later);
    expect(decide(state, intentAt(later + 1000)).ok).toBe(true);
  });

  it('after the time the environment sets', () => {
    let state = requested(environment({ protected: true, confirm: 'prod-db', approvals: { required: 1, expires: '5m' } }));
    const approvedAt = clock + 1000;
    state = apply(state, approve(state, 'carol@jump', { at: new Date(approvedAt).toISOString() }), carol, approvedAt);
    expect(decide(state, intentAt(approvedAt + 4 * 60_000)).ok).toBe(true);
    expect(refusal(state, intentAt(approvedAt + 6 * 60_000)).code).toBe('approval-expired');
  });
});

describe('rejection', () => {
  it('stops the action, names who and why, and closes the request', () => {
    let state = requested();
    expect(refusal(state, reject(state, 'carol@jump', '  ')).code).toBe('reason-required');
    state = apply(state, reject(state, 'carol@jump'), carol);
    expect(approvalStatus(state.steps.act!, new Date(clock))).toMatchObject({ kind: 'rejected', rejection: { by: 'carol@jump', reason: 'wrong snapshot' } });
    const refused = refusal(state, intentAt(clock));
    expect(refused.code).toBe('approval-rejected');
    expect(refused.message).toContain('carol@jump rejected step "act": wrong snapshot');
    expect(refusal(state, approve(state, 'dave@jump')).code).toBe('already-decided');
  });

  it('a new preview asks anew', () => {
    let state = requested();
    state = apply(state, reject(state, 'carol@jump'), carol);
    state = apply(state, preview());
    state = apply(state, request);
    expect(state.steps.act!.approval?.decisions).toEqual([]);
    state = apply(state, approve(state, 'dave@jump'), { actor: 'dave@jump' });
    state = apply(state, { type: 'ConfirmAction', stepId: 'act', typed: 'prod-db' });
    expect(decide(state, intentAt(clock)).ok).toBe(true);
  });
});
