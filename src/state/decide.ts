/**
 * The command layer: given the folded state and a command, the events to append or a typed
 * refusal. Pure, so every rule is testable as given-events / when-command / then-events.
 * Providers run outside (the session service runs them); their results arrive here as commands.
 */
import { notApplicableReason } from '../runbooks/applicability.js';
import type { Environment, Runbook } from '../runbooks/schema.js';
import { approvalStatus, currentRequest } from './approval-status.js';
import { canonicalJson } from './canonical-json.js';
import { newEvent, type EventData, type NewEvent } from './events.js';
import { drillResult } from './drill-result.js';
import { shortHash } from './preview-hash.js';
import type { SessionState, StepState } from './session-state.js';
import type { RecordedPreview, RecordedReconciliation, RecordedResult } from './step-outcome.js';

export type Command =
  | {
      readonly type: 'StartSession';
      readonly started: EventData<'SessionStarted'>;
      /** The environment as parsed, for `when:` and the protection rules. */
      readonly environment: Environment;
    }
  | { readonly type: 'OpenStep'; readonly stepId: string }
  | { readonly type: 'RecordCheck'; readonly stepId: string; readonly result: RecordedResult; readonly params: unknown; readonly durationMs: number }
  | {
      readonly type: 'ProvideInput';
      readonly stepId: string | null;
      readonly name: string | null;
      readonly value: unknown;
      readonly label?: string | null;
      /** A headless run's answers file, when the value came from one. */
      readonly answeredFrom?: string | null;
    }
  | { readonly type: 'RecordPreview'; readonly stepId: string; readonly params: unknown; readonly preview: RecordedPreview; readonly durationMs: number }
  | { readonly type: 'ConfirmAction'; readonly stepId: string; readonly typed: string }
  /** Asks for approval of the step's current preview (nothing when a live request already asks about it). */
  | { readonly type: 'RequestApproval'; readonly stepId: string }
  | {
      readonly type: 'ApproveAction';
      readonly stepId: string;
      /** The preview hash the approver was shown. */
      readonly hash: string;
      /** user@host of the approver. */
      readonly by: string;
      readonly reason: string | null;
      /** What the approver typed (a protected environment's name), or null. */
      readonly typed: string | null;
      /** ISO time of the decision, from which the approval's expiry counts. */
      readonly at: string;
    }
  | { readonly type: 'RejectAction'; readonly stepId: string; readonly hash: string; readonly by: string; readonly reason: string }
  | {
      readonly type: 'RecordIntent';
      readonly stepId: string;
      readonly provider: string;
      readonly params: unknown;
      readonly idempotencyKey: string;
      /** ISO time of the intent: approvals are checked as of it (default: the session's last event). */
      readonly at?: string;
    }
  | { readonly type: 'RecordActionResult'; readonly stepId: string; readonly result: RecordedResult; readonly durationMs: number }
  | { readonly type: 'RecordReconciliation'; readonly stepId: string; readonly outcome: EventData<'ActionReconciled'>['outcome']; readonly reconciliation: RecordedReconciliation }
  | {
      readonly type: 'CompleteStep';
      readonly stepId: string;
      readonly note?: string | null;
      readonly overrideReason?: string | null;
      readonly drill?: EventData<'StepCompleted'>['drill'];
      /** A headless run's answers file, when the note came from one. */
      readonly answeredFrom?: string | null;
    }
  | { readonly type: 'SkipStep'; readonly stepId: string; readonly reason: string }
  | { readonly type: 'AddNote'; readonly stepId: string | null; readonly text: string }
  | { readonly type: 'Interrupt'; readonly reason: string }
  | { readonly type: 'Resume'; readonly data: EventData<'SessionResumed'> }
  | { readonly type: 'RecordTakeover'; readonly data: EventData<'LockTakenOver'> }
  | { readonly type: 'HandOff'; readonly data: EventData<'SessionHandedOff'> }
  | { readonly type: 'RecordLocalFallback'; readonly data: EventData<'SwitchedToLocalLog'> }
  | { readonly type: 'CompleteSession'; readonly recoveryPoint?: string | null; readonly recoveryTarget?: string | null }
  | { readonly type: 'AbortSession'; readonly reason: string };

export type RefusalCode =
  | 'already-started'
  | 'not-started'
  | 'session-ended'
  | 'incident-required'
  | 'drill-on-protected'
  | 'unknown-step'
  | 'not-in-session'
  | 'wrong-kind'
  | 'step-finished'
  | 'in-flight'
  | 'override-required'
  | 'note-required'
  | 'reason-required'
  | 'not-skippable'
  | 'input-missing'
  | 'unknown-input'
  | 'preview-required'
  | 'confirmation-required'
  | 'confirmation-mismatch'
  | 'preview-stale'
  | 'approval-required'
  | 'approval-expired'
  | 'approval-rejected'
  | 'approval-not-needed'
  | 'no-approval-request'
  | 'preview-changed'
  | 'self-approval'
  | 'already-decided'
  | 'no-intent'
  | 'action-not-run'
  | 'steps-remaining';

/** Why a command is not allowed, in words the operator can act on. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

export type Decision = { readonly ok: true; readonly events: NewEvent[] } | { readonly ok: false; readonly refusal: Refusal };

const accept = (...events: NewEvent[]): Decision => ({ ok: true, events });
const refuse = (code: RefusalCode, message: string): Decision => ({ ok: false, refusal: { code, message } });

/** Decides what a command means for the session: events to append, or a refusal. */
export function decide(state: SessionState, command: Command): Decision {
  if (command.type === 'StartSession') return decideStart(state, command);
  if (state.status === 'new') return refuse('not-started', `session ${state.id} has not started`);
  if (state.status !== 'open') {
    return refuse('session-ended', `session ${state.id} is ${state.status}; nothing more can be recorded (export it with "runbook export ${state.id}")`);
  }
  switch (command.type) {
    case 'AddNote':
      if (!command.text.trim()) return refuse('note-required', 'a note needs some text');
      if (command.stepId !== null && !state.steps[command.stepId]) return unknownStep(state, command.stepId);
      return accept(newEvent('NoteAdded', command.stepId, { text: command.text }));
    case 'Interrupt':
      return accept(newEvent('SessionInterrupted', null, { reason: command.reason }));
    case 'Resume':
      return accept(newEvent('SessionResumed', null, command.data));
    case 'RecordTakeover':
      return accept(newEvent('LockTakenOver', null, command.data));
    case 'HandOff':
      if (command.data.to !== null && !command.data.to.trim()) return refuse('reason-required', 'name whom the session is handed to, or leave --to out');
      return accept(newEvent('SessionHandedOff', null, { ...command.data, note: command.data.note?.trim() || null }));
    case 'RecordLocalFallback':
      return accept(newEvent('SwitchedToLocalLog', null, command.data));
    case 'AbortSession':
      if (!command.reason.trim()) return refuse('reason-required', 'say why the session is aborted');
      return accept(newEvent('SessionAborted', null, { reason: command.reason }));
    case 'CompleteSession':
      return decideCompleteSession(state, command);
    case 'ProvideInput':
      if (command.stepId === null) return decideRunbookInput(state, command);
  }
  return decideStepCommand(state, command);
}

function decideStart(state: SessionState, command: Extract<Command, { type: 'StartSession' }>): Decision {
  if (state.status !== 'new') return refuse('already-started', `session ${state.id} already started`);
  const { started, environment } = command;
  const drill = started.drill ? drillRefusal(started.env, environment) : null;
  if (drill) return { ok: false, refusal: drill };
  if (environment.protected && !started.incident?.trim()) {
    return refuse('incident-required', `environment "${started.env}" is protected: give the incident reference with --incident REF`);
  }
  for (const name of Object.keys(started.inputs)) {
    const unknown = unknownInputRefusal(started.runbook as Runbook, name);
    if (unknown) return { ok: false, refusal: unknown };
  }
  const runbook = started.runbook as Runbook;
  const events: NewEvent[] = [newEvent('SessionStarted', null, started)];
  // Steps that do not apply to this environment are skipped at once, with the reason recorded.
  for (const section of runbook.sections) {
    for (const step of section.steps) {
      const reason = notApplicableReason(step, environment, started.env);
      if (reason) events.push(newEvent('StepSkipped', step.id, { reason, automatic: true }));
    }
  }
  return accept(...events);
}

/** Drills practise; they never run against a protected environment. Null when the drill may start. */
export function drillRefusal(envName: string, environment: Pick<Environment, 'protected'>): Refusal | null {
  if (!environment.protected) return null;
  return { code: 'drill-on-protected', message: `drills are refused on protected environment "${envName}"; run the drill against staging or the sandbox` };
}

/** A value for an input the runbook does not declare is refused, naming the inputs it has. Null when declared. */
export function unknownInputRefusal(runbook: Pick<Runbook, 'id' | 'inputs'>, name: string): Refusal | null {
  if (runbook.inputs?.[name]) return null;
  const declared = Object.keys(runbook.inputs ?? {});
  return { code: 'unknown-input', message: `runbook "${runbook.id}" has no input "${name}"; inputs: ${declared.join(', ') || 'none'}` };
}

function decideRunbookInput(state: SessionState, command: Extract<Command, { type: 'ProvideInput' }>): Decision {
  const name = command.name ?? '';
  const unknown = state.runbook ? unknownInputRefusal(state.runbook, name) : null;
  if (unknown) return { ok: false, refusal: unknown };
  const secret = state.secretInputs.includes(name);
  return accept(
    newEvent('InputProvided', null, { name, value: secret ? '[redacted]' : command.value, label: null, secret }),
  );
}

type StepCommand = Exclude<
  Command,
  { type: 'StartSession' | 'AddNote' | 'Interrupt' | 'Resume' | 'RecordTakeover' | 'HandOff' | 'RecordLocalFallback' | 'AbortSession' | 'CompleteSession' }
>;

function decideStepCommand(state: SessionState, command: StepCommand): Decision {
  const stepId = command.stepId!;
  const step = state.steps[stepId];
  if (!step) return unknownStep(state, stepId);
  if (!state.order.includes(stepId)) {
    return refuse('not-in-session', `step "${stepId}" comes before the section this session started at`);
  }
  const definition = findDefinition(state, stepId)!;
  const finished = step.status === 'done' || step.status === 'skipped';

  switch (command.type) {
    case 'OpenStep':
      if (step.status === 'in-flight') return inFlight(stepId);
      return accept(newEvent('StepOpened', stepId, { attempt: step.opened + 1 }));

    case 'RecordCheck': {
      if (step.kind !== 'check' && step.kind !== 'wait') return wrongKind(step, 'run as a check');
      if (finished) return refuse('step-finished', `step "${stepId}" is ${step.status}; open it again to re-run its check`);
      const { result } = command;
      const common = {
        observed: result.observed ?? null,
        expected: result.expected ?? null,
        detail: result.detail,
        durationMs: command.durationMs,
        outputs: { ...result.outputs },
        params: command.params ?? null,
      };
      return accept(
        result.ok
          ? newEvent('CheckPassed', stepId, common)
          : newEvent('CheckFailed', stepId, { ...common, failure: result.failure ? { ...result.failure } : null }),
      );
    }

    case 'ProvideInput': {
      if (step.kind !== 'input') return wrongKind(step, 'given a value');
      if (finished) return refuse('step-finished', `step "${stepId}" is ${step.status}`);
      if (command.value === undefined || command.value === null || command.value === '') {
        return refuse('input-missing', `step "${stepId}" needs a value`);
      }
      const secret = definition.input?.secret ?? false;
      return accept(
        newEvent('InputProvided', stepId, {
          name: null,
          value: secret ? '[redacted]' : command.value,
          label: command.label ?? null,
          secret,
          ...(command.answeredFrom ? { answeredFrom: command.answeredFrom } : {}),
        }),
      );
    }

    case 'RecordPreview':
      if (step.kind !== 'action') return wrongKind(step, 'previewed');
      if (finished) return refuse('step-finished', `step "${stepId}" is ${step.status}`);
      if (step.status === 'in-flight') return inFlight(stepId);
      return accept(
        newEvent('ActionPreviewed', stepId, {
          attempt: step.attempt,
          params: command.params ?? null,
          summary: command.preview.summary,
          details: command.preview.details.map(({ label, value }) => ({ label, value })),
          dryRun: command.preview.dryRun ? { ok: command.preview.dryRun.ok, detail: command.preview.dryRun.detail } : null,
          confirmValue: command.preview.confirmValue ?? null,
          durationMs: command.durationMs,
        }),
      );

    case 'ConfirmAction': {
      if (step.kind !== 'action') return wrongKind(step, 'confirmed');
      if (step.status === 'in-flight') return inFlight(stepId);
      if (!step.preview) return refuse('preview-required', `preview step "${stepId}" before confirming it`);
      const required = step.requiredConfirmation;
      if (required !== null && command.typed.trim() !== required) {
        return refuse('confirmation-mismatch', `type "${required}" exactly to confirm step "${stepId}"`);
      }
      return accept(newEvent('ActionConfirmed', stepId, { attempt: step.attempt, typed: command.typed }));
    }

    case 'RecordIntent':
      if (step.kind !== 'action') return wrongKind(step, 'run as an action');
      if (finished) return refuse('step-finished', `step "${stepId}" is ${step.status}`);
      if (step.status === 'in-flight') return inFlight(stepId);
      if (!step.preview) return refuse('preview-required', `step "${stepId}" must be previewed before it runs`);
      if (!step.confirmation) return refuse('confirmation-required', `step "${stepId}" must be confirmed before it runs`);
      if (canonicalJson(step.preview.params) !== canonicalJson(command.params)) {
        return refuse('preview-stale', `the values of step "${stepId}" changed since its preview; preview it again`);
      }
      {
        const blocked = approvalRefusal(state, step, new Date(command.at ?? state.lastEventAt ?? 0));
        if (blocked) return blocked;
      }
      return accept(
        newEvent('ActionIntended', stepId, {
          attempt: step.attempt,
          provider: command.provider,
          params: command.params ?? null,
          idempotencyKey: command.idempotencyKey,
        }),
      );

    case 'RequestApproval': {
      if (step.kind !== 'action') return wrongKind(step, 'approved');
      if (finished) return refuse('step-finished', `step "${stepId}" is ${step.status}`);
      const rule = step.approvalRule;
      if (rule === null) return refuse('approval-not-needed', `step "${stepId}" runs without approval on ${state.env}`);
      if (!step.preview || step.previewHash === null) return refuse('preview-required', `preview step "${stepId}" before asking for its approval`);
      const request = currentRequest(step);
      // A request already asks about exactly this preview and is not refused: its approvals still hold.
      if (request && !request.decisions.some((decision) => decision.kind === 'rejected' && decision.void === null)) return accept();
      return accept(
        newEvent('ApprovalRequested', stepId, {
          attempt: step.attempt,
          hash: step.previewHash,
          required: rule.required,
          expiresInMs: rule.expiresInMs,
          because: rule.because,
        }),
      );
    }

    case 'ApproveAction':
    case 'RejectAction': {
      const approving = command.type === 'ApproveAction';
      const request = currentRequest(step);
      if (step.kind !== 'action' || finished || !request) {
        return refuse('no-approval-request', `step "${stepId}" of session ${state.id} has no request waiting for a decision; list them with "runbook approvals"`);
      }
      if (command.hash !== request.hash) {
        return refuse(
          'preview-changed',
          `the preview of step "${stepId}" changed since it was shown to you (it is now ${shortHash(request.hash)}, you saw ${shortHash(command.hash)}); run "runbook ${approving ? 'approve' : 'reject'} ${state.id} ${stepId}" again to see it`,
        );
      }
      if (command.by === request.requester) {
        return refuse('self-approval', `${command.by} asked for this approval, so cannot ${approving ? 'approve' : 'reject'} it: another operator must decide`);
      }
      if (approving && command.by === state.driver) {
        return refuse('self-approval', `${command.by} drives session ${state.id} now, so cannot approve its action: another operator must decide`);
      }
      const rejection = request.decisions.find((decision) => decision.kind === 'rejected' && decision.void === null);
      if (rejection) {
        return refuse('already-decided', `${rejection.by} rejected step "${stepId}" at ${rejection.at}: ${rejection.reason}; the driver must preview it again to ask anew`);
      }
      if (!approving) {
        const reason = command.reason.trim();
        if (!reason) return refuse('reason-required', `say why step "${stepId}" is rejected (--reason TEXT)`);
        return accept(newEvent('ActionRejected', stepId, { hash: request.hash, reason }));
      }
      if (state.protected) {
        const name = protectedName(state);
        if (command.typed?.trim() !== name) return refuse('confirmation-mismatch', `type "${name}" exactly to approve an action on protected ${state.env}`);
      }
      const expiresAt = new Date(Date.parse(command.at) + request.expiresInMs).toISOString();
      return accept(
        newEvent('ActionApproved', stepId, { hash: request.hash, reason: command.reason?.trim() || null, typed: command.typed ?? null, expiresAt }),
      );
    }

    case 'RecordActionResult': {
      if (step.status !== 'in-flight' || !step.intent) return refuse('no-intent', `step "${stepId}" has no recorded intent to attach a result to`);
      const { result } = command;
      if (result.ok) {
        return accept(
          newEvent('ActionSucceeded', stepId, {
            attempt: step.intent.attempt,
            outputs: { ...result.outputs },
            observed: result.observed ?? null,
            detail: result.detail,
            durationMs: command.durationMs,
            artifacts: [...(result.artifacts ?? [])],
          }),
        );
      }
      return accept(
        newEvent('ActionFailed', stepId, {
          attempt: step.intent.attempt,
          error: result.detail,
          failure: result.failure ? { ...result.failure } : null,
          outputs: { ...result.outputs },
          durationMs: command.durationMs,
        }),
      );
    }

    case 'RecordReconciliation':
      if (step.status !== 'in-flight' || !step.intent) return refuse('no-intent', `step "${stepId}" has no action in flight`);
      return accept(
        newEvent('ActionReconciled', stepId, {
          attempt: step.intent.attempt,
          idempotencyKey: step.intent.idempotencyKey,
          outcome: command.outcome,
          outputs: { ...(command.reconciliation.outputs ?? {}) },
          detail: command.reconciliation.detail,
        }),
      );

    case 'CompleteStep': {
      if (finished) return refuse('step-finished', `step "${stepId}" is already ${step.status}`);
      if (step.status === 'in-flight') return inFlight(stepId);
      const override = command.overrideReason?.trim() || null;
      const note = command.note?.trim() || null;
      if (step.kind === 'manual' && definition.note === 'required' && !note) {
        return refuse('note-required', `step "${stepId}" needs a note as evidence when it is marked done`);
      }
      if ((step.kind === 'check' || step.kind === 'wait') && step.status !== 'passed' && !override) {
        const why = step.status === 'failed' ? 'its check failed' : 'its check has not passed';
        return refuse('override-required', `step "${stepId}" cannot be completed: ${why}; re-run it, or give the reason for going on`);
      }
      if (step.kind === 'action' && step.status !== 'passed' && !override) {
        return refuse('action-not-run', `step "${stepId}" has not run successfully; run it, or give the reason for going on`);
      }
      if (step.kind === 'input' && step.input === null) {
        return refuse('input-missing', `step "${stepId}" needs a value before it is done`);
      }
      return accept(
        newEvent('StepCompleted', stepId, {
          note,
          overrideReason: override,
          drill: command.drill ?? null,
          ...(command.answeredFrom ? { answeredFrom: command.answeredFrom } : {}),
        }),
      );
    }

    case 'SkipStep':
      if (finished) return refuse('step-finished', `step "${stepId}" is already ${step.status}`);
      if (step.status === 'in-flight') return inFlight(stepId);
      if (!command.reason.trim()) return refuse('reason-required', `say why step "${stepId}" is skipped`);
      if (definition.skippable === false) return refuse('not-skippable', `step "${stepId}" may not be skipped`);
      return accept(newEvent('StepSkipped', stepId, { reason: command.reason.trim(), automatic: false }));
  }
}

function decideCompleteSession(state: SessionState, command: Extract<Command, { type: 'CompleteSession' }>): Decision {
  const remaining = state.order.filter((id) => {
    const status = state.steps[id]!.status;
    return status !== 'done' && status !== 'skipped';
  });
  if (remaining.length > 0) {
    return refuse('steps-remaining', `steps not finished: ${remaining.join(', ')}; complete or skip them (with a reason) first`);
  }
  let drill: EventData<'SessionCompleted'>['drill'] = null;
  // The recorded verdict is the same one every export and `runbook evidence` compute.
  const result = drillResult({ ...state, status: 'completed' });
  if (result) {
    drill = {
      rtoMs: result.rtoMs,
      recoveryPoint: command.recoveryPoint ?? result.recoveryPoint,
      recoveryTarget: command.recoveryTarget ?? result.recoveryTarget,
      failedSteps: [...result.failedSteps],
      passed: result.passed === true,
    };
  }
  return accept(newEvent('SessionCompleted', null, { drill }));
}

/** The name typed on a protected environment to confirm (its `confirm`, else its name). */
export function protectedName(state: Pick<SessionState, 'environment' | 'env'>): string {
  return String(state.environment.confirm ?? state.env);
}

/** Why the step may not be intended yet for its approval, or null when it may. */
function approvalRefusal(state: SessionState, step: StepState, now: Date): Decision | null {
  const status = approvalStatus(step, now, state.driver);
  const approve = `runbook approve ${state.id} ${step.id}`;
  switch (status.kind) {
    case 'not-required':
    case 'approved':
      return null;
    case 'not-requested':
      return refuse('approval-required', `step "${step.id}" needs approval of its preview (${status.rule.because}); preview it again to ask for it`);
    case 'rejected':
      return refuse(
        'approval-rejected',
        `${status.rejection.by} rejected step "${step.id}": ${status.rejection.reason}; it cannot run on this preview (preview it again to ask anew, or skip it)`,
      );
    case 'pending': {
      const have = `${status.approvals.length} of ${status.request.required}`;
      if (status.expired.length > 0) {
        const expired = status.expired.map((decision) => `${decision.by}'s at ${decision.expiresAt}`).join(', ');
        return refuse('approval-expired', `the approval of step "${step.id}" expired (${expired}); ${have} approvals count now: ask another operator to run "${approve}" again`);
      }
      return refuse('approval-required', `step "${step.id}" waits for approval (${have}; ${status.rule.because}): another operator runs "${approve}"`);
    }
  }
}

function findDefinition(state: SessionState, stepId: string) {
  for (const section of state.runbook?.sections ?? []) {
    for (const step of section.steps) if (step.id === stepId) return step;
  }
  return undefined;
}

function unknownStep(state: SessionState, stepId: string): Decision {
  return refuse('unknown-step', `runbook "${state.runbook?.id}" has no step "${stepId}"`);
}

function inFlight(stepId: string): Decision {
  return refuse('in-flight', `step "${stepId}" has an action in flight; reconcile it first (its effect is looked up by its idempotency key)`);
}

function wrongKind(step: StepState, what: string): Decision {
  return refuse('wrong-kind', `step "${step.id}" is a ${step.kind} step and cannot be ${what}`);
}
