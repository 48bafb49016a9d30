import { describe, expect, it } from 'vitest';
import { initialScreenState, screenReducer, type ScreenAction, type ScreenState } from '../../src/ui/session/screen-mode.js';

const run = (...actions: ScreenAction[]): ScreenState => actions.reduce(screenReducer, initialScreenState);

describe('the session screen modes', () => {
  it('opens and closes the overlays', () => {
    expect(run({ type: 'open-help' }).mode).toEqual({ kind: 'help' });
    expect(run({ type: 'open-help' }, { type: 'close' }).mode).toEqual({ kind: 'main' });
    expect(run({ type: 'open-inspect' }).mode).toEqual({ kind: 'inspect' });
    expect(run({ type: 'ask-to-leave' }, { type: 'close' }).mode).toEqual({ kind: 'main' });
  });

  it('a prompt answered returns to the main view; one put aside stays aside until asked for again', () => {
    const asked = run({ type: 'ask', purpose: 'skip', stepId: 's1' });
    expect(asked.mode).toEqual({ kind: 'prompt', purpose: 'skip', stepId: 's1' });
    expect(screenReducer(asked, { type: 'answered' })).toEqual(initialScreenState);
    const aside = screenReducer(asked, { type: 'dismiss-prompt' });
    expect(aside).toEqual({ ...initialScreenState, promptDismissed: true });
    expect(screenReducer(aside, { type: 'reopen-prompt' }).promptDismissed).toBe(false);
  });

  it('a refused answer keeps its prompt open', () => {
    const asked = run({ type: 'ask', purpose: 'evidence', stepId: 's1' }, { type: 'answer-refused' });
    expect(asked.mode).toEqual({ kind: 'prompt', purpose: 'evidence', stepId: 's1' });
  });

  it('a new current step is looked at with nothing put aside, whatever was looked at before', () => {
    const before = run({ type: 'look-at', stepId: 'earlier' }, { type: 'change-input' }, { type: 'dismiss-prompt' });
    expect(before).toMatchObject({ viewedId: 'earlier', changing: true, promptDismissed: true });
    expect(screenReducer(before, { type: 'current-step-changed' })).toMatchObject({ viewedId: null, changing: false, promptDismissed: false });
  });

  it('choosing an input again, then choosing, ends the change', () => {
    expect(run({ type: 'change-input' }, { type: 'input-changed' }).changing).toBe(false);
  });
});
