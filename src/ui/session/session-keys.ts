/**
 * The session screen's keys, in one map: for each mode of the screen, which intents it hears, the
 * footer's words for them, and the help screen's lines. The screen listens only to the intents
 * the map lists for its mode, the footer is drawn from the same entries, and so is the help:
 * a key cannot work without being shown, nor be shown without working.
 */
import type { KeyHint } from '../components/KeyHints.js';
import { keyLabel, keyLabels, type Intent } from '../keys.js';

/** What the keys can do right now. */
export type SessionKeyMode =
  /** The current step waits for the operator. */
  | 'main'
  /** A check, a preview or a list is running: keys that record wait for it. */
  | 'busy'
  /** The previewed action waits for another operator's approval: Enter has nothing to run yet. */
  | 'awaiting-approval'
  /** An action runs: only a note may be added meanwhile. */
  | 'action-running'
  /** Every step is finished: Enter completes the session. */
  | 'finished'
  | 'help'
  | 'inspect'
  | 'leave-confirm'
  /** Another process took the session over: nothing here may write to it any more. */
  | 'taken-over'
  /** `runbook follow`: a session driven elsewhere, shown live; nothing here writes. */
  | 'following'
  /** The shared store did not take the last command: every key tries it again, l goes on in the local log. */
  | 'store-unreachable';

/** What the footer's words depend on. */
export interface KeyContext {
  /** An input step's choice list has the arrows. */
  readonly choosing: boolean;
  /** How long the running action has run, e.g. "1m05s". */
  readonly actionElapsed: string | null;
}

interface KeyEntry {
  readonly intent: Intent;
  /** The footer's words for the key here, or null to leave it out of the footer. */
  readonly hint: string | ((context: KeyContext) => string) | null;
  /** The help screen's words for the key (main mode only). */
  readonly help?: string;
}

const leave: KeyEntry = { intent: 'back', hint: 'leave', help: 'leave: the session is saved and resumable (asks first while an action runs)' };
const quit: KeyEntry = { intent: 'quit', hint: null };
const help: KeyEntry = { intent: 'help', hint: 'help' };
const arrows = (context: KeyContext) => (context.choosing ? 'choose' : 'steps');
const browse: KeyEntry[] = [
  { intent: 'up', hint: arrows, help: 'look at earlier or later steps without changing them (on a choice list: choose)' },
  { intent: 'down', hint: null },
  { intent: 'pageUp', hint: null, help: 'look at earlier or later steps (also on a choice list)' },
  { intent: 'pageDown', hint: null },
  { intent: 'cancel', hint: null, help: 'back to the current step' },
];

const main: readonly KeyEntry[] = [
  { intent: 'confirm', hint: 'done', help: 'confirm / mark a manual step done / run the previewed action, then the next step' },
  ...browse,
  { intent: 'rerun', hint: 're-run', help: 're-run a check · preview a failed action again · list choices again · change an input' },
  { intent: 'skip', hint: 'skip', help: 'skip the step (asks for the reason; recorded)' },
  { intent: 'note', hint: 'note', help: 'add a note to the step (recorded)' },
  { intent: 'inspect', hint: 'details', help: "show the step's full output and details" },
  { intent: 'yes', hint: null, help: 'run a previewed action that needs no typed confirmation' },
  help,
  leave,
  quit,
];

const map: Readonly<Record<SessionKeyMode, readonly KeyEntry[]>> = {
  main,
  'store-unreachable': [{ intent: 'local', hint: 'go on in the local log' }, ...main],
  busy: [{ intent: 'confirm', hint: 'wait…' }, ...browse, { intent: 'note', hint: 'note' }, { intent: 'inspect', hint: 'details' }, help, leave, quit],
  'awaiting-approval': [
    ...browse,
    { intent: 'rerun', hint: 'preview again' },
    { intent: 'skip', hint: 'skip' },
    { intent: 'note', hint: 'note' },
    { intent: 'inspect', hint: 'details' },
    help,
    leave,
    quit,
  ],
  'action-running': [{ intent: 'note', hint: 'note' }, help, leave, quit],
  finished: [{ intent: 'confirm', hint: 'complete the session' }, ...browse, { intent: 'note', hint: 'note' }, help, leave, quit],
  help: [{ intent: 'cancel', hint: 'close' }, { intent: 'help', hint: null }, quit],
  inspect: [{ intent: 'cancel', hint: 'close' }, { intent: 'inspect', hint: null }, quit],
  'leave-confirm': [{ intent: 'yes', hint: 'leave' }],
  'taken-over': [...browse, { intent: 'inspect', hint: 'details' }, help, leave, quit],
  following: [...browse, { intent: 'inspect', hint: 'details' }, help, { intent: 'back', hint: 'stop following' }, quit],
};

/** The intents heard in `mode`. */
export function intentsOf(mode: SessionKeyMode): Intent[] {
  return map[mode].map((entry) => entry.intent);
}

/** The footer: the keys that work in `mode`, each with its words. */
export function footerHints(mode: SessionKeyMode, context: KeyContext): KeyHint[] {
  const hints: KeyHint[] = [];
  if (mode === 'action-running') hints.push(['', `action running ${context.actionElapsed ?? ''}; keys wait for it`]);
  if (mode === 'taken-over') hints.push(['', 'read-only: another process drives this session']);
  if (mode === 'awaiting-approval') hints.push(['', 'waiting for approval; updates by itself']);
  if (mode === 'following') hints.push(['', 'following live, read-only']);
  if (mode === 'store-unreachable') hints.push(['', 'shared store unreachable; keys try it again']);
  for (const entry of map[mode]) {
    if (entry.hint === null) continue;
    const words = typeof entry.hint === 'function' ? entry.hint(context) : entry.hint;
    hints.push([entry.intent === 'up' ? '↑↓' : keyLabel(entry.intent), words]);
  }
  if (mode === 'leave-confirm') hints.push(['any other key', 'stay']);
  return hints;
}

/** The help screen: every key of the main view and what it does, from the same map. */
export function helpRows(): ReadonlyArray<readonly [keys: string, meaning: string]> {
  const rows: Array<readonly [string, string]> = [];
  for (const entry of map.main) {
    if (!entry.help) continue;
    const keys = entry.intent === 'up' ? `${keyLabels('up')} ${keyLabels('down')}` : entry.intent === 'pageUp' ? `${keyLabels('pageUp')} ${keyLabels('pageDown')}` : entry.intent === 'back' ? `${keyLabels('back')}, ${keyLabels('quit')}` : keyLabels(entry.intent);
    rows.push([keys, entry.help]);
  }
  return rows;
}
