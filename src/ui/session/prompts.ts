/**
 * The session screen's prompts: which one opens by itself, what each asks and how its answer
 * is checked, and how a typed input value is recorded.
 */
import type { SessionCommands, SessionView } from '../hooks/use-session.js';
import { stepDefinition, type SessionState } from '../../state/session-state.js';
import { awaitingConfirmation } from './action-phase.js';
import type { ScreenMode } from './screen-mode.js';
import { parseInputValue } from '../../services/input-values.js';
import { parseTimestamp } from '../../services/timestamp.js';

export type PromptMode = Extract<ScreenMode, { kind: 'prompt' }>;

/** The prompt that opens by itself: an input's value, a typed confirmation, a runbook input. */
export function autoPromptFor(
  state: SessionState,
  view: SessionView,
  definition: ReturnType<typeof stepDefinition>,
  dismissed: boolean,
  isCurrent: boolean,
  changing: boolean,
): PromptMode | null {
  if (dismissed || view.closed || view.activity.kind !== 'idle') return null;
  if (view.pendingInputs.length > 0) return { kind: 'prompt', purpose: 'input', stepId: null };
  const current = state.currentStepId ? state.steps[state.currentStepId] : undefined;
  if (!current || !isCurrent) return null;
  if (current.kind === 'input' && !current.input && definition?.input && definition.input.type !== 'choice' && current.status === 'open' && !changing) {
    return { kind: 'prompt', purpose: 'input', stepId: current.id };
  }
  if (awaitingConfirmation(current) && current.requiredConfirmation !== null) {
    return { kind: 'prompt', purpose: 'confirm', stepId: current.id };
  }
  return null;
}

/** The label, hint, mask and validation of a prompt. */
export function promptProps(state: SessionState, view: SessionView, prompt: PromptMode) {
  const step = prompt.stepId ? state.steps[prompt.stepId] : undefined;
  switch (prompt.purpose) {
    case 'note':
      return { label: step ? `Note on "${step.title}" (recorded in the log):` : 'Note (recorded in the log):' };
    case 'skip':
      return { label: `Why skip "${step?.title}"? (recorded)` };
    case 'override':
      return { label: `"${step?.title}" did not pass. Why go on anyway? (recorded)` };
    case 'evidence':
      return { label: `Evidence for "${step?.title}" (required note):` };
    case 'confirm': {
      const required = step ? step.requiredConfirmation : null;
      return {
        label: `Type "${required}" to run this action on ${state.protected ? `PROTECTED ${state.env}` : state.env}:`,
        hint: 'esc: not now',
        validate: (value: string) => (value.trim() === required ? null : `type exactly "${required}"`),
      };
    }
    case 'input': {
      if (prompt.stepId === null) {
        const name = view.pendingInputs[0]!;
        const declared = state.runbook?.inputs[name];
        return {
          label: `Runbook input "${name}"${declared?.description ? `: ${declared.description}` : ''}`,
          hint: declared?.secret ? 'secret: never written to the log' : typeHint(declared?.type),
          mask: declared?.secret ?? false,
          validate: (value: string) => validateTyped(declared?.type, value),
          preview: (value: string) => previewTyped(declared?.type, value),
        };
      }
      const input = stepDefinition(state, prompt.stepId)?.input;
      return {
        label: `${step?.title}:`,
        hint: input?.secret ? 'secret: never written to the log' : typeHint(input?.type),
        mask: input?.secret ?? false,
        validate: (value: string) => validateTyped(input?.type, value),
        preview: (value: string) => previewTyped(input?.type, value),
      };
    }
  }
}

function typeHint(type: string | undefined): string {
  if (type === 'timestamp') return 'with its zone: 2026-11-25T03:10:00Z, 2026-11-25T04:10+01:00, or "2026-11-25 04:10 Europe/Paris"';
  if (type === 'number') return 'a number';
  return 'enter to record it · esc: not now';
}

function validateTyped(type: string | undefined, value: string): string | null {
  const parsed = parseInputValue(type, value);
  return parsed.ok ? null : parsed.error;
}

function previewTyped(type: string | undefined, value: string): string | null {
  if (type !== 'timestamp') return null;
  const parsed = parseTimestamp(value);
  return parsed.ok ? `= ${parsed.utc} (UTC)` : null;
}

/** Records a typed value: a runbook input first if any is pending, else the current input step. */
export function submitInput(state: SessionState, view: SessionView, commands: SessionCommands, value: string): boolean {
  if (view.pendingInputs.length > 0) {
    const name = view.pendingInputs[0]!;
    const declared = state.runbook?.inputs[name];
    const parsed = parseInputValue(declared?.type, value, { secret: declared?.secret ?? false });
    return parsed.ok && commands.provideRunbookInput(name, String(parsed.value));
  }
  const input = state.currentStepId ? stepDefinition(state, state.currentStepId)?.input : undefined;
  const parsed = parseInputValue(input?.type, value, { secret: input?.secret ?? false });
  return parsed.ok && commands.provideInput(parsed.value, parsed.label);
}
