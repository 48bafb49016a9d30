/**
 * What the session screen is doing, apart from the session itself: which overlay is open, which
 * step the operator is looking at, whether a prompt was put aside. A reducer, so every change of
 * mode is a named action and can be tested without rendering anything.
 */

/** Why a prompt is open. */
export type PromptPurpose = 'note' | 'skip' | 'override' | 'evidence' | 'confirm' | 'input';

export type ScreenMode =
  | { readonly kind: 'main' }
  | { readonly kind: 'help' }
  | { readonly kind: 'inspect' }
  | { readonly kind: 'leave-confirm' }
  | { readonly kind: 'prompt'; readonly purpose: PromptPurpose; readonly stepId: string | null };

export interface ScreenState {
  readonly mode: ScreenMode;
  /** The step looked at when it is not the current one (↑↓), else null. */
  readonly viewedId: string | null;
  /** The operator asked to choose an input's value again. */
  readonly changing: boolean;
  /** The prompt that opens by itself (an input's value, a typed confirmation) was put aside with esc. */
  readonly promptDismissed: boolean;
}

export type ScreenAction =
  /** The session moved on to another current step: look at it, with nothing put aside. */
  | { readonly type: 'current-step-changed' }
  | { readonly type: 'open-help' }
  | { readonly type: 'open-inspect' }
  | { readonly type: 'ask-to-leave' }
  | { readonly type: 'ask'; readonly purpose: PromptPurpose; readonly stepId: string | null }
  /** A prompt's answer was recorded. */
  | { readonly type: 'answered' }
  /** A prompt's answer was refused: its prompt stays (or reopens) so it can be answered again. */
  | { readonly type: 'answer-refused' }
  | { readonly type: 'dismiss-prompt' }
  /** Back to the main view from an overlay (help, details, the leave question). */
  | { readonly type: 'close' }
  | { readonly type: 'look-at'; readonly stepId: string | null }
  | { readonly type: 'change-input' }
  | { readonly type: 'input-changed' }
  /** Show the prompt that opens by itself again (Enter on an input that has none yet). */
  | { readonly type: 'reopen-prompt' };

export const initialScreenState: ScreenState = { mode: { kind: 'main' }, viewedId: null, changing: false, promptDismissed: false };

const main: ScreenMode = { kind: 'main' };

export function screenReducer(state: ScreenState, action: ScreenAction): ScreenState {
  switch (action.type) {
    case 'current-step-changed':
      return { ...state, viewedId: null, changing: false, promptDismissed: false };
    case 'open-help':
      return { ...state, mode: { kind: 'help' } };
    case 'open-inspect':
      return { ...state, mode: { kind: 'inspect' } };
    case 'ask-to-leave':
      return { ...state, mode: { kind: 'leave-confirm' } };
    case 'ask':
      return { ...state, mode: { kind: 'prompt', purpose: action.purpose, stepId: action.stepId } };
    case 'answered':
      return { ...state, mode: main, promptDismissed: false };
    case 'answer-refused':
      return { ...state, promptDismissed: false };
    case 'dismiss-prompt':
      return { ...state, mode: main, promptDismissed: true };
    case 'close':
      return { ...state, mode: main };
    case 'look-at':
      return { ...state, viewedId: action.stepId };
    case 'change-input':
      return { ...state, changing: true };
    case 'input-changed':
      return { ...state, changing: false };
    case 'reopen-prompt':
      return { ...state, promptDismissed: false };
    default:
      return assertNever(action);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled screen action ${JSON.stringify(value)}`);
}
