import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { waitFor, waitForInput, waitForText } from './support/frames.js';
import { manyStepsYaml } from './support/many-steps.js';
import { sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let fixture: SessionFixture | undefined;
afterEach(() => {
  cleanup();
  fixture?.close();
  fixture = undefined;
});

/** ink-testing-library reports 100 columns and no rows; the screen then assumes 24. */
const assumedRows = 24;

describe('SessionScreen layout', () => {
  it('a 500-step session never draws taller than the terminal, windows the outline around the current step, and follows a resize', async () => {
    fixture = sessionFixture(() => manyStepsYaml(500));
    const session = await fixture.start('big');
    for (let index = 0; index < 260; index++) session.completeStep(`step-${index}`);
    const instance = render(<SessionScreen session={session} onExit={vi.fn()} keySettleMs={0} />);
    const frame = await waitForText(instance.lastFrame, '? help · q leave');
    await waitForInput(instance.stdin);
    expect(frame.split('\n').length).toBeLessThanOrEqual(assumedRows);
    expect(frame).toContain('› ● Step number 260');
    expect(frame).toMatch(/260\/500 steps finished · \d+ above, \d+ below/);
    expect(frame).not.toContain('Step number 100 ');

    // Arrows look back; the outline follows the step looked at.
    instance.stdin.write(keys.up);
    const back = await waitForText(instance.lastFrame, 'looking back');
    expect(back).toContain('✓ Step number 259  manual · step-259 · done');
    expect(back.split('\n').length).toBeLessThanOrEqual(assumedRows);

    // A smaller terminal: the live area shrinks with it.
    Object.defineProperty(instance.stdout, 'rows', { value: 12, configurable: true });
    instance.stdout.emit('resize');
    const small = await waitFor('a 12-row frame', () => {
      const current = instance.lastFrame() ?? '';
      return current.split('\n').length <= 12 ? current : undefined;
    });
    expect(small).toContain('Step number 259');
    expect(small).toContain('q leave');
  });
});
