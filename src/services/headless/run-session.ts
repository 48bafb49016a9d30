/**
 * A whole runbook without a terminal (`runbook run`): every step in order, through the same
 * session, rules and step runner as the guided screen. Checks and waits run as there; actions are
 * previewed (the dry run recorded) and run only when the caller said yes, with the typed
 * confirmation a protected environment needs; manual and input steps take their answers from a
 * file. An action that needs another operator's approval waits for it, up to the caller's
 * bound, saying the command that approves it. Whatever it cannot do by itself stops the run at
 * that step, leaving the session interrupted and resumable, here or on screen, with a message
 * saying what to add.
 */
import { CancelledError } from '../../errors.js';
import { StoreUnreachableError } from '../../state/postgres/sync-sql.js';
import { ExitCode } from '../../exit-codes.js';
import type { Step } from '../../runbooks/schema.js';
import type { ApprovalStatus } from '../../state/approval-status.js';
import { formatDuration } from '../../state/export/audit-record.js';
import { stepDefinition, type SessionState, type StepState } from '../../state/session-state.js';
import type { Choice } from '../../steps/provider.js';
import { parseInputValue } from '../input-values.js';
import type { DrivenSession } from '../session/driven-session.js';
import { inputVariable } from '../session/start-inputs.js';
import type { Answers } from './answers.js';

/** How one step ended in this run. */
export type HeadlessStepStatus = 'done' | 'skipped' | 'failed' | 'stopped';

export interface HeadlessStepOutcome {
  readonly id: string;
  readonly kind: Step['kind'];
  readonly title: string;
  readonly status: HeadlessStepStatus;
  readonly durationMs: number;
  /** One line: what was observed, recorded or done. */
  readonly result: string;
}

/** Why a run stopped before the end, and how to go on. */
export interface HeadlessStop {
  readonly stepId: string | null;
  readonly reason: 'missing-answer' | 'needs-yes' | 'needs-confirmation' | 'needs-approval' | 'rejected' | 'failed' | 'signal' | 'missing-input' | 'taken-over';
  readonly message: string;
}

export interface HeadlessResult {
  readonly sessionId: string;
  readonly status: 'completed' | 'interrupted';
  readonly exitCode: ExitCode;
  readonly steps: readonly HeadlessStepOutcome[];
  readonly stop: HeadlessStop | null;
  /** The session as it ended (its drill verdict, when it completed). */
  readonly state: SessionState;
}

/** What the caller sees while the run goes on (the command renders it). */
export interface HeadlessReporter {
  stepStarted?(step: StepState): void;
  progress?(step: StepState, message: string): void;
  stepFinished?(outcome: HeadlessStepOutcome): void;
  /** The shared store could not be reached and the session went on in the local log `localLog`. */
  continuedLocally?(store: string, localLog: string): void;
  /** The action waits (up to `timeoutMs`) for another operator to run `command`. */
  waitingForApproval?(step: StepState, command: string, timeoutMs: number): void;
}

export interface HeadlessOptions {
  readonly session: DrivenSession;
  readonly answers?: Answers;
  /** `--yes`: run actions (they are previewed either way). */
  readonly yes: boolean;
  /** `--confirm NAME`: the typed confirmation a protected environment asks for. */
  readonly confirm?: string;
  /** `--approval-timeout`: how long an action waits for its approval (default: not at all, the run stops there). */
  readonly approvalTimeoutMs?: number;
  /** `--continue-locally`: when the shared store cannot be reached, go on in this machine's local log. */
  readonly continueLocally?: boolean;
  /** Aborted by SIGINT/SIGTERM: the run stops at the next step boundary (a running action finishes first). */
  readonly stop: AbortSignal;
  readonly processEnv: NodeJS.ProcessEnv;
  readonly reporter?: HeadlessReporter;
}

/** What choosing `newest` or `last-known-good` means for a live list. */
const CHOICE_ALIASES = ['newest', 'last-known-good'] as const;

/** Runs the session's remaining steps in order; resolves when it completes or stops. */
export async function runHeadless(options: HeadlessOptions): Promise<HeadlessResult> {
  const { session } = options;
  const outcomes: HeadlessStepOutcome[] = [];
  const stopAt = (stop: HeadlessStop, exitCode: ExitCode): HeadlessResult => {
    if (!session.lost) session.interrupt(`headless run stopped: ${stop.reason}`);
    return { sessionId: session.id, status: 'interrupted', exitCode, steps: outcomes, stop, state: session.state };
  };

  if (session.inFlight.length > 0) await session.reconcileInFlight();
  const inputs = giveLostInputs(session, options.processEnv);
  if (inputs) return stopAt(inputs, ExitCode.usage);

  // The shared store went away: with --continue-locally the session goes on in the local log, and
  // the step that was under way runs again there (a result the store did not take is kept).
  const continuedLocally = (error: unknown): boolean => {
    if (!(error instanceof StoreUnreachableError) || !options.continueLocally || !session.canContinueLocally) return false;
    session.continueLocally(error.reason);
    options.reporter?.continuedLocally?.(error.location, session.state.localFallback!.localLog);
    return true;
  };

  for (;;) {
    if (options.stop.aborted) return stopAt(signalStop(session, options.stop), ExitCode.cancelled);
    if (session.lost) return stopAt({ stepId: null, reason: 'taken-over', message: session.lost.message }, ExitCode.usage);
    const currentId = session.state.currentStepId;
    if (currentId === null) break;
    const started = Date.now();
    let step: StepState;
    let outcome: StepRun;
    try {
      if (session.state.steps[currentId]!.status === 'pending') session.openStep(currentId);
      step = session.state.steps[currentId]!;
      options.reporter?.stepStarted?.(step);
      outcome = await runStep(options, step, stepDefinition(session.state, currentId)!);
    } catch (error) {
      if (error instanceof CancelledError && options.stop.aborted) return stopAt(signalStop(session, options.stop), ExitCode.cancelled);
      if (!continuedLocally(error)) throw error;
      // A failure the store did not take is recorded locally now: the run stops there as it would have.
      const now = session.state.steps[currentId]!;
      if (now.status === 'failed') return stopAt({ stepId: currentId, reason: 'failed', message: `${now.kind} "${currentId}" failed: ${now.error ?? now.check?.detail ?? ''}` }, ExitCode.failed);
      continue;
    }
    const finished: HeadlessStepOutcome = {
      id: step.id,
      kind: step.kind,
      title: step.title,
      status: outcome.kind === 'done' ? 'done' : outcome.kind === 'failed' ? 'failed' : 'stopped',
      durationMs: Date.now() - started,
      result: outcome.kind === 'done' ? outcome.result : outcome.stop.message,
    };
    outcomes.push(finished);
    options.reporter?.stepFinished?.(finished);
    if (outcome.kind !== 'done') return stopAt(outcome.stop, outcome.kind === 'failed' ? ExitCode.failed : ExitCode.usage);
  }

  let ended: SessionState;
  try {
    ended = session.complete();
  } catch (error) {
    if (!continuedLocally(error)) throw error;
    ended = session.complete();
  }
  const drill = ended.completion?.drill;
  return { sessionId: session.id, status: 'completed', exitCode: drill && !drill.passed ? ExitCode.failed : ExitCode.ok, steps: outcomes, stop: null, state: ended };
}

type StepRun =
  | { readonly kind: 'done'; readonly result: string }
  | { readonly kind: 'failed'; readonly stop: HeadlessStop }
  | { readonly kind: 'stopped'; readonly stop: HeadlessStop };

async function runStep(options: HeadlessOptions, step: StepState, definition: Step): Promise<StepRun> {
  switch (step.kind) {
    case 'manual':
      return manualStep(options, step, definition);
    case 'check':
    case 'wait':
      return checkStep(options, step);
    case 'input':
      return inputStep(options, step, definition);
    case 'action':
      return actionStep(options, step, definition);
  }
}

function manualStep({ session, answers }: HeadlessOptions, step: StepState, definition: Step): StepRun {
  const answer = answers?.values.get(step.id);
  const required = definition.note === 'required';
  if (answer === undefined || answer === false || (required && (typeof answer !== 'string' || !answer.trim()))) {
    const example = required ? `${step.id}: <the evidence, e.g. who confirmed it>` : `${step.id}: <a note, or true once it is done>`;
    return missingAnswer(answers, step, `manual step "${step.id}" (${step.title}) needs ${required ? 'a note as evidence' : 'an answer'}`, example);
  }
  const note = typeof answer === 'string' && answer.trim() ? answer.trim() : undefined;
  session.completeStep(step.id, { ...(note ? { note } : {}), answeredFrom: answers!.name });
  return { kind: 'done', result: note ? `done: ${note}` : 'done' };
}

async function checkStep({ session, stop, reporter }: HeadlessOptions, step: StepState): Promise<StepRun> {
  if (step.status !== 'passed') {
    await session.runCheck(step.id, { signal: stop, onProgress: (progress) => reporter?.progress?.(step, progress.message) });
  }
  const checked = session.state.steps[step.id]!;
  const detail = checked.check?.detail ?? '';
  if (checked.status !== 'passed') {
    const advice = checked.failure?.advice ? ` (${checked.failure.advice})` : '';
    return { kind: 'failed', stop: { stepId: step.id, reason: 'failed', message: `${step.kind} "${step.id}" failed: ${detail}${advice}` } };
  }
  session.completeStep(step.id);
  return { kind: 'done', result: detail };
}

async function inputStep({ session, answers }: HeadlessOptions, step: StepState, definition: Step): Promise<StepRun> {
  const input = definition.input!;
  if (step.input === null) {
    const answer = answers?.values.get(step.id);
    if (answer === undefined) {
      const example = input.type === 'choice' ? `${step.id}: last-known-good   # or newest, or a value from the list` : `${step.id}: <${input.type ?? 'text'} value>`;
      return missingAnswer(answers, step, `input step "${step.id}" (${step.title}) needs a value`, example);
    }
    const given = input.type === 'choice' ? await chosenValue(session, step, String(answer)) : parseInputValue(input.type, String(answer), { secret: input.secret ?? false });
    if (!given.ok) return { kind: 'stopped', stop: { stepId: step.id, reason: 'missing-answer', message: `the answer to "${step.id}" in ${answers!.name} cannot be used: ${given.error}` } };
    session.provideInput(step.id, given.value, { ...(given.label ? { label: given.label } : {}), answeredFrom: answers!.name });
  }
  session.completeStep(step.id);
  const recorded = session.state.steps[step.id]!.input;
  return { kind: 'done', result: recorded?.secret ? 'value given (secret, not recorded)' : `value: ${recorded?.label ?? JSON.stringify(recorded?.value)}` };
}

/** The choice an answer names: a value of the live list, or `newest` / `last-known-good`, checked against what is selectable now. */
async function chosenValue(session: DrivenSession, step: StepState, answer: string): Promise<{ ok: true; value: string; label?: string } | { ok: false; error: string }> {
  const choices: Choice[] = await session.choices(step.id);
  const selectable = choices.filter((choice) => !choice.disabled);
  let choice: Choice | undefined;
  if (answer === 'newest') choice = selectable[0];
  else if (answer === 'last-known-good') choice = selectable.find((candidate) => /last known good/i.test(candidate.marked ?? ''));
  else choice = choices.find((candidate) => candidate.value === answer);
  if (!choice) {
    const listed = selectable.slice(0, 5).map((candidate) => candidate.value).join(', ');
    return { ok: false, error: `"${answer}" is not in the live list (selectable now: ${listed || 'none'}; or ${CHOICE_ALIASES.join(' or ')})` };
  }
  if (choice.disabled) return { ok: false, error: `"${answer}" is listed but cannot be chosen (${choice.hint ?? 'not selectable'})` };
  return { ok: true, value: choice.value, label: choice.label };
}

async function actionStep(options: HeadlessOptions, step: StepState, definition: Step): Promise<StepRun> {
  const { session, reporter } = options;
  if (step.status !== 'passed') {
    const { preview, confirmation } = await session.previewAction(step.id);
    if (preview.dryRun && !preview.dryRun.ok) {
      return { kind: 'failed', stop: { stepId: step.id, reason: 'failed', message: `the dry run of action "${step.id}" failed: ${preview.dryRun.detail}; nothing was run` } };
    }
    if (!options.yes) {
      return { kind: 'stopped', stop: { stepId: step.id, reason: 'needs-yes', message: `stopped before action "${step.id}" (${preview.summary}): its preview is recorded; run it with --yes` } };
    }
    const typed = typedConfirmation(options, step, definition, confirmation);
    if (!typed.ok) return { kind: 'stopped', stop: { stepId: step.id, reason: 'needs-confirmation', message: typed.error } };
    const approval = await approvalGate(options, step);
    if (approval) return approval;
    session.confirmAction(step.id, typed.value);
    await session.runAction(step.id, { onProgress: (progress) => reporter?.progress?.(step, progress.message) });
    const ran = session.state.steps[step.id]!;
    if (ran.status !== 'passed') {
      const advice = ran.failure?.advice ? ` (${ran.failure.advice})` : '';
      return { kind: 'failed', stop: { stepId: step.id, reason: 'failed', message: `action "${step.id}" failed: ${ran.error}${advice}` } };
    }
  }
  session.completeStep(step.id);
  return { kind: 'done', result: session.state.steps[step.id]!.actionDetail ?? session.state.steps[step.id]!.reconciliation?.detail ?? 'done' };
}

/**
 * Waits for the action's approval when it needs one: null once approved; otherwise how the step
 * ends (rejected: failed; no decision within the bound: stopped, resumable once decided).
 */
async function approvalGate(options: HeadlessOptions, step: StepState): Promise<StepRun | null> {
  const { session } = options;
  const status = session.approval(step.id);
  if (status.kind === 'not-required' || status.kind === 'approved') return null;
  const command = session.approveCommand(step.id);
  const timeoutMs = options.approvalTimeoutMs ?? 0;
  let outcome = status.kind === 'rejected' ? ('rejected' as const) : undefined;
  let decided: ApprovalStatus = status;
  if (!outcome) {
    options.reporter?.waitingForApproval?.(step, command, timeoutMs);
    const waited = await session.awaitApproval(step.id, { timeoutMs, signal: options.stop });
    if (waited.outcome === 'approved') return null;
    if (waited.outcome === 'cancelled') throw new CancelledError(`stopped while action "${step.id}" waited for approval`);
    outcome = waited.outcome === 'rejected' ? 'rejected' : undefined;
    decided = waited.status;
  }
  if (outcome === 'rejected' && decided.kind === 'rejected') {
    const { by, reason } = decided.rejection;
    return { kind: 'failed', stop: { stepId: step.id, reason: 'rejected', message: `${by} rejected action "${step.id}": ${reason}; it did not run (preview it again to ask anew, or skip it)` } };
  }
  const waited = timeoutMs > 0 ? `no decision on action "${step.id}" within ${formatDuration(timeoutMs)}` : `action "${step.id}" needs approval`;
  const wait = timeoutMs > 0 ? '' : '; wait for it with --approval-timeout DURATION (e.g. 30m)';
  return { kind: 'stopped', stop: { stepId: step.id, reason: 'needs-approval', message: `${waited} (${step.approvalRule?.because}): another operator runs "${command}"${wait}, then go on with --resume` } };
}

/**
 * What a headless run types to confirm an action: on a protected environment the `--confirm`
 * name, which must be the environment's confirmation text, as the screen asks an operator to
 * type it; when the preview asks for a value of its own (the row count to re-apply), the answer
 * file's value for the step, which must equal it; otherwise "yes".
 */
function typedConfirmation(options: HeadlessOptions, step: StepState, definition: Step, required: string | null): { ok: true; value: string } | { ok: false; error: string } {
  if (required === null) return { ok: true, value: 'yes (--yes)' };
  const state = options.session.state;
  const parts: string[] = [];
  if (state.protected) {
    const name = String(state.environment.confirm ?? state.env);
    if (options.confirm?.trim() !== name) {
      return { ok: false, error: `action "${step.id}" runs on PROTECTED ${state.env}: confirm with --confirm ${JSON.stringify(name)} (and give --incident)` };
    }
    parts.push(name);
  }
  const asked = options.session.state.steps[step.id]!.preview?.confirmValue;
  if (asked) {
    const answer = options.answers?.values.get(definition.id);
    if (answer === undefined || String(answer).trim() !== asked) {
      return {
        ok: false,
        error: `action "${step.id}" asks for "${asked}" to be typed to confirm what its preview shows; after reading the recorded preview (runbook export ${state.id}), add "${step.id}: ${asked}" to the answers file`,
      };
    }
    parts.push(asked);
  }
  return { ok: true, value: parts.join(' ') };
}

function missingAnswer(answers: Answers | undefined, step: StepState, what: string, example: string): StepRun {
  const where = answers ? `add "${example}" to ${answers.name}` : `pass --answers FILE with "${example}"`;
  return { kind: 'stopped', stop: { stepId: step.id, reason: 'missing-answer', message: `${what}: ${where}` } };
}

/** Secrets are never stored: on resume they come from RUNBOOK_INPUT_<NAME> again, or the run stops naming the variable. */
function giveLostInputs(session: DrivenSession, processEnv: NodeJS.ProcessEnv): HeadlessStop | null {
  for (const name of session.pendingInputs) {
    const value = processEnv[inputVariable(name)];
    if (value === undefined || value === '') {
      return { stepId: null, reason: 'missing-input', message: `runbook input "${name}" has no value: set ${inputVariable(name)} in the environment${session.missingSecrets.includes(name) ? ' (secrets are never stored, so a resumed run needs it again)' : ' or pass --set'}` };
    }
    session.provideInput(null, value, { name });
  }
  return null;
}

function signalStop(session: DrivenSession, stop: AbortSignal): HeadlessStop {
  const name = typeof stop.reason === 'string' ? stop.reason : 'a signal';
  return { stepId: session.state.currentStepId, reason: 'signal', message: `stopped by ${name} at a step boundary` };
}

