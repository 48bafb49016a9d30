import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { intentOf, isIntent, keyLabel, keyLabels } from '../../src/ui/keys.js';

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

describe('key bindings as intents', () => {
  it('maps Enter to confirm, q and Esc to back, Esc to cancel, Ctrl-C to quit', () => {
    expect(isIntent('confirm', '\r', { ...none, return: true })).toBe(true);
    expect(isIntent('back', 'q', none)).toBe(true);
    expect(isIntent('back', '', { ...none, escape: true, meta: true })).toBe(true);
    expect(isIntent('cancel', '', { ...none, escape: true, meta: true })).toBe(true);
    expect(isIntent('quit', 'c', { ...none, ctrl: true })).toBe(true);
  });

  it('does not take a plain letter for its Ctrl chord, nor a Ctrl chord for the letter', () => {
    expect(isIntent('quit', 'c', none)).toBe(false);
    expect(isIntent('back', 'q', { ...none, ctrl: true })).toBe(false);
  });

  it('binds the step intents to single letters', () => {
    expect(intentOf(['rerun', 'skip', 'note', 'help', 'inspect'], 'r', none)).toBe('rerun');
    expect(intentOf(['rerun', 'skip', 'note', 'help', 'inspect'], 's', none)).toBe('skip');
    expect(intentOf(['rerun', 'skip', 'note', 'help', 'inspect'], 'n', none)).toBe('note');
    expect(intentOf(['rerun', 'skip', 'note', 'help', 'inspect'], '?', none)).toBe('help');
    expect(intentOf(['rerun', 'skip', 'note', 'help', 'inspect'], 'i', none)).toBe('inspect');
    expect(intentOf(['rerun', 'skip'], 'x', none)).toBeUndefined();
  });

  it('answers only for the intents asked, first asked first', () => {
    const escapeKey = { ...none, escape: true, meta: true };
    expect(intentOf(['cancel', 'back'], '', escapeKey)).toBe('cancel');
    expect(intentOf(['back', 'cancel'], '', escapeKey)).toBe('back');
    expect(intentOf(['confirm'], '', escapeKey)).toBeUndefined();
  });

  it('labels keys for hints', () => {
    expect(keyLabel('confirm')).toBe('enter');
    expect(keyLabels('back')).toBe('q/esc');
    expect(keyLabel('quit')).toBe('ctrl-c');
  });
});
