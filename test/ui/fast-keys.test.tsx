/**
 * A key acts only on what was on screen when it was pressed: never twice on one step, never on a
 * step not yet drawn. Keys pressed faster than the screen changes (typeahead, key repeat, a
 * paste) are dropped, not applied to the next step unseen; a paste into a prompt is typed whole.
 */
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DrivenSession } from '../../src/services/session/driven-session.js';
import { KEY_SETTLE_MS } from '../../src/ui/hooks/use-key-gate.js';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { waitFor, waitForInput, waitForText } from './support/frames.js';
import { sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let fixture: SessionFixture | undefined;
afterEach(() => {
  cleanup();
  fixture?.close();
  fixture = undefined;
});

const manualRunbook = (steps: number) => `
version: 1
environments:
  staging: {}
runbooks:
  - id: manual
    title: Manual steps
    summary: Only manual steps.
    sections:
      - id: main
        title: Main
        steps:
${Array.from({ length: steps }, (_, index) => `          - { id: step-${index + 1}, kind: manual, title: Step ${index + 1}, do: Do thing ${index + 1}. }`).join('\n')}
`;

async function open(steps = 5): Promise<{ session: DrivenSession; lastFrame: () => string | undefined; stdin: { write(data: string): void } & NodeJS.EventEmitter }> {
  fixture = sessionFixture(() => manualRunbook(steps));
  const session = await fixture.start('manual');
  const instance = render(<SessionScreen session={session} onExit={vi.fn()} />);
  await waitForText(instance.lastFrame, 'enter done');
  await waitForInput(instance.stdin);
  await settle();
  return { session, lastFrame: instance.lastFrame, stdin: instance.stdin as never };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, KEY_SETTLE_MS * 2));
const completed = (session: DrivenSession) =>
  fixture!.store.read(session.id).filter((event) => event.type === 'StepCompleted').map((event) => event.stepId);

describe('fast keys', () => {
  it('two Enters in a row complete the step on screen once, and never the next one', async () => {
    const { session, lastFrame, stdin } = await open();
    stdin.write(keys.enter);
    stdin.write(keys.enter);
    stdin.write(keys.enter);
    await waitFor('step 1 completed', () => (completed(session).length > 0 ? true : undefined));
    await waitForText(lastFrame, 'Do thing 2.');
    await settle();
    expect(completed(session)).toEqual(['step-1']);
    expect(session.state.currentStepId).toBe('step-2');
  });

  it('an Enter that comes before the new step has been on screen is dropped; one after it acts on that step', async () => {
    const { session, lastFrame, stdin } = await open();
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'Do thing 2.');
    // Drawn, but not yet long enough for anyone to have read it.
    stdin.write(keys.enter);
    await settle();
    expect(completed(session)).toEqual(['step-1']);
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'Do thing 3.');
    expect(completed(session)).toEqual(['step-1', 'step-2']);
  });

  it('several Enters read at once are one Enter', async () => {
    const { session, lastFrame, stdin } = await open();
    stdin.write('\r\r\r\r\r');
    await waitForText(lastFrame, 'Do thing 2.');
    await settle();
    expect(completed(session)).toEqual(['step-1']);
  });

  it('a paste ending in a newline records the note; keys typed faster than the screen redraws all count', async () => {
    const { session, lastFrame, stdin } = await open();
    stdin.write('n');
    await waitForText(lastFrame, 'Note on "Step 1"');
    await waitForInput(stdin);
    stdin.write('pasted note\r');
    await waitFor('the pasted note', () => (session.state.noteCount === 1 ? true : undefined));
    await waitForText(lastFrame, 'enter done');
    stdin.write('n');
    await waitForText(lastFrame, 'Note on "Step 1"');
    await waitForInput(stdin);
    for (const key of ['t', 'y', 'p', 'e', 'd']) stdin.write(key);
    stdin.write(keys.enter);
    await waitFor('the typed note', () => (session.state.noteCount === 2 ? true : undefined));
    const notes = fixture!.store.read(session.id).filter((event) => event.type === 'NoteAdded').map((event) => (event.data as { text: string }).text);
    expect(notes).toEqual(['pasted note', 'typed']);
    expect(completed(session)).toEqual([]);
  });
});
