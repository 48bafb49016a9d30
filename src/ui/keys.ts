/**
 * Key bindings as intents (STYLE.md, practice 5): handlers ask "is this the `back` intent?",
 * never "is this the Escape key?", so bindings change in one place and help text follows them.
 * A key may serve several intents (Escape is both `cancel` and `back`); the focused screen
 * asks only for the intents it understands.
 */
import type { Key } from 'ink';

export type Intent =
  | 'confirm'
  | 'cancel'
  | 'back'
  | 'rerun'
  | 'skip'
  | 'note'
  | 'help'
  | 'quit'
  | 'inspect'
  | 'yes'
  | 'local'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown';

interface Binding {
  /** Shown in key hints. */
  readonly label: string;
  readonly matches: (input: string, key: Key) => boolean;
}

// Several Enters read at once (key repeat, a paste of blank lines) arrive as one input of "\r"s;
// they are one Enter: the screen acts once, on what was on it.
const enter: Binding = { label: 'enter', matches: (input, key) => key.return || /^\r+$/.test(input) };
const escape: Binding = { label: 'esc', matches: (_input, key) => key.escape };
const arrow = (label: string, name: 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown'): Binding => ({
  label,
  matches: (_input, key) => key[name],
});
const letter = (char: string): Binding => ({
  label: char,
  matches: (input, key) => input === char && !key.ctrl && !key.meta,
});
const ctrl = (char: string): Binding => ({
  label: `ctrl-${char}`,
  matches: (input, key) => key.ctrl && input === char,
});

/** Every intent and the keys that express it, first key first in hints. */
const keyBindings: Readonly<Record<Intent, readonly Binding[]>> = {
  confirm: [enter],
  cancel: [escape],
  back: [letter('q'), escape],
  rerun: [letter('r')],
  skip: [letter('s')],
  note: [letter('n')],
  help: [letter('?')],
  quit: [ctrl('c')],
  inspect: [letter('i')],
  yes: [letter('y')],
  local: [letter('l')],
  up: [arrow('↑', 'upArrow'), letter('k')],
  down: [arrow('↓', 'downArrow'), letter('j')],
  pageUp: [arrow('pgup', 'pageUp')],
  pageDown: [arrow('pgdn', 'pageDown'), letter(' ')],
};

/** True when the key press expresses `intent`. */
export function isIntent(intent: Intent, input: string, key: Key): boolean {
  return keyBindings[intent].some((binding) => binding.matches(input, key));
}

/** The first of `intents` that the key press expresses, in the order given. */
export function intentOf(intents: readonly Intent[], input: string, key: Key): Intent | undefined {
  return intents.find((intent) => isIntent(intent, input, key));
}

/** The label of an intent's first key, e.g. "q" for back. */
export function keyLabel(intent: Intent): string {
  return keyBindings[intent][0]!.label;
}

/** Every key of an intent, e.g. "q/esc" for back. */
export function keyLabels(intent: Intent): string {
  return keyBindings[intent].map((binding) => binding.label).join('/');
}
