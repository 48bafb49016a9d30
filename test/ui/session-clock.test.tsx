import React from 'react';
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSessionClock } from '../../src/ui/hooks/use-session-clock.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Only the clock's timers and Date are faked: React schedules renders with setImmediate, left real. */
const toFake = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Advances the fake clock, then lets React draw what the timers set. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Counts its renders, so the test sees how often the clock redraws the screen. */
function Clock({ intervalMs, since, renders }: { readonly intervalMs: number; readonly since?: number; readonly renders: number[] }) {
  const now = useSessionClock(intervalMs, since);
  renders.push(now);
  return <Text>{now}</Text>;
}

describe('useSessionClock', () => {
  it('with a start time, refreshes right after each whole interval since it, and not in between', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T03:00:50Z'), toFake: [...toFake] });
    const since = Date.parse('2026-11-25T03:00:00Z');
    const renders: number[] = [];
    render(<Clock intervalMs={60_000} since={since} renders={renders} />);
    await advance(9_000);
    const before = renders.length;
    expect(renders.at(-1)).toBe(Date.parse('2026-11-25T03:00:50Z'));
    // 03:01:00 is 10 s after the mount: one refresh just past it, none for the next 59 s.
    await advance(1_010);
    expect(renders.length).toBe(before + 1);
    expect(renders.at(-1)! - since).toBeGreaterThanOrEqual(60_000);
    expect(renders.at(-1)! - since).toBeLessThan(60_100);
    await advance(58_000);
    expect(renders.length).toBe(before + 1);
    await advance(2_000);
    expect(renders.length).toBe(before + 2);
    expect(Math.floor((renders.at(-1)! - since) / 60_000)).toBe(2);
  });

  it('without one, refreshes every interval', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T03:00:00Z'), toFake: [...toFake] });
    const renders: number[] = [];
    render(<Clock intervalMs={250} renders={renders} />);
    const start = Date.now();
    for (let tick = 1; tick <= 4; tick++) {
      await advance(250);
      expect(renders.at(-1)! - start).toBe(tick * 250);
    }
  });
});
