import React from 'react';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LoadAfterFirstFrame } from '../../src/ui/components/LoadAfterFirstFrame.js';

async function waitForFrame(lastFrame: () => string | undefined, text: string): Promise<string> {
  const until = Date.now() + 2_000;
  while (!(lastFrame() ?? '').includes(text)) {
    if (Date.now() > until) throw new Error(`no frame with "${text}"; last frame:\n${lastFrame()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return lastFrame()!;
}

describe('LoadAfterFirstFrame', () => {
  it('draws the first frame before loading starts, then the loaded value', async () => {
    let started = false;
    let release: (value: string) => void = () => undefined;
    const load = () => {
      started = true;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const { lastFrame } = render(<LoadAfterFirstFrame load={load} initial="nothing yet">{(value) => <Text>sessions: {value}</Text>}</LoadAfterFirstFrame>);
    expect(lastFrame()).toBe('sessions: nothing yet');
    expect(started).toBe(false);
    await waitForFrame(lastFrame, 'nothing yet');
    while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
    release('2 interrupted');
    expect(await waitForFrame(lastFrame, '2 interrupted')).toBe('sessions: 2 interrupted');
  });

  it('keeps the first frame when loading fails', async () => {
    let failed = false;
    const load = () => {
      failed = true;
      return Promise.reject(new Error('database is from a newer runbook'));
    };
    const { lastFrame } = render(<LoadAfterFirstFrame load={load} initial="none">{(value) => <Text>sessions: {value}</Text>}</LoadAfterFirstFrame>);
    while (!failed) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lastFrame()).toBe('sessions: none');
  });
});
