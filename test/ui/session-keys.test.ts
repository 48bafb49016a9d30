import { describe, expect, it } from 'vitest';
import { keyLabel, keyLabels } from '../../src/ui/keys.js';
import { footerHints, helpRows, intentsOf, type SessionKeyMode } from '../../src/ui/session/session-keys.js';

const modes: SessionKeyMode[] = ['main', 'busy', 'action-running', 'finished', 'help', 'inspect', 'leave-confirm', 'taken-over'];
const context = { choosing: false, actionElapsed: '0:05' };

describe('the session screen key map', () => {
  it('draws the footer only from keys the mode listens to', () => {
    for (const mode of modes) {
      const heard = intentsOf(mode).map((intent) => (intent === 'up' ? '↑↓' : keyLabel(intent)));
      for (const [key] of footerHints(mode, context)) {
        if (key === '' || key === 'any other key') continue;
        expect(heard, `${mode}: "${key}" is shown but not heard`).toContain(key);
      }
    }
  });

  it('gives the main view its footer and its help from the same entries', () => {
    expect(footerHints('main', context).map(([key, words]) => `${key} ${words}`)).toEqual([
      'enter done', '↑↓ steps', 'r re-run', 's skip', 'n note', 'i details', '? help', 'q leave',
    ]);
    expect(footerHints('main', { ...context, choosing: true })[1]).toEqual(['↑↓', 'choose']);
    const help = helpRows().map(([keys]) => keys);
    expect(help).toContain(keyLabels('confirm'));
    expect(help).toContain(keyLabels('yes'));
    expect(help).toContain(`${keyLabels('back')}, ${keyLabels('quit')}`);
  });

  it('offers nothing that writes once another process drives the session, nor while an action runs but a note', () => {
    for (const writes of ['confirm', 'rerun', 'skip', 'note', 'yes'] as const) expect(intentsOf('taken-over')).not.toContain(writes);
    expect(intentsOf('action-running')).toEqual(['note', 'help', 'back', 'quit']);
    expect(footerHints('taken-over', context)[0]![1]).toContain('read-only');
  });
});
