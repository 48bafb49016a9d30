/**
 * foldEvents / foldFrom keep a private mutable draft for speed; `evolve` stays pure. Both must
 * give the same state as `events.reduce(evolve, initialState(id))` on any log, and neither may
 * change the state or events it is given.
 */
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/state/events.js';
import { evolve, foldEvents, foldFrom, initialState, notesOf, type SessionState } from '../../src/state/session-state.js';
import { generatedLog, random } from './generated-events.js';

function reduceFold(id: string, events: readonly SessionEvent[]): SessionState {
  return events.reduce(evolve, initialState(id));
}

/** Freezes a value and everything reachable from it, so any write to it throws (test files are strict mode). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

const logs = [
  { name: 'from the top', seed: 1, count: 400, options: {} },
  { name: 'started at the second section', seed: 2, count: 400, options: { startSection: 'second' } },
  { name: 'completed', seed: 3, count: 300, options: { end: 'completed' as const } },
  { name: 'aborted', seed: 4, count: 300, options: { end: 'aborted' as const } },
  { name: 'long', seed: 5, count: 3000, options: {} },
];

describe('foldEvents equals the pure reduce of evolve', () => {
  for (const log of logs) {
    it(`on a generated log ${log.name} (${log.count} events)`, () => {
      const events = generatedLog(log.seed, log.count, log.options);
      const expected = reduceFold('S', events);
      expect(foldEvents('S', events)).toStrictEqual(expected);
      // The logs do reach every kind of state, so the comparison is not between two empty states.
      const statuses = new Set(Object.values(expected.steps).map((step) => step.status));
      expect(statuses.size).toBeGreaterThanOrEqual(3);
      expect(expected.noteCount).toBeGreaterThan(0);
      expect(expected.lastSeq).toBe(events.length);
    });
  }

  it('folding on from any point of the log (as resume does from a snapshot) gives the same state', () => {
    const events = generatedLog(6, 1500);
    const expected = reduceFold('S', events);
    const next = random(60);
    for (let trial = 0; trial < 25; trial++) {
      const split = Math.floor(next() * events.length);
      const prefix = foldEvents('S', events.slice(0, split));
      expect(foldFrom(prefix, events.slice(split))).toStrictEqual(expected);
    }
  });

  it('every intermediate state of foldFrom equals the one evolve reaches', () => {
    const events = generatedLog(7, 600);
    let byEvolve = initialState('S');
    let byFold = initialState('S');
    for (let index = 0; index < events.length; index += 7) {
      const chunk = events.slice(index, index + 7);
      for (const event of chunk) byEvolve = evolve(byEvolve, event);
      byFold = foldFrom(byFold, chunk);
      expect(byFold).toStrictEqual(byEvolve);
    }
    expect(notesOf(byFold)).toStrictEqual(notesOf(byEvolve));
  });
});

describe('purity', () => {
  it('evolve and foldFrom never change the state or the events they are given', () => {
    const events = deepFreeze(generatedLog(8, 800));
    const half = Math.floor(events.length / 2);
    const start = deepFreeze(reduceFold('S', events.slice(0, half)));
    const copy = structuredClone(start);
    // A write to a frozen object throws a TypeError here, so these would fail on any mutation.
    const folded = foldFrom(start, events.slice(half));
    let evolved = start;
    for (const event of events.slice(half)) evolved = deepFreeze(evolve(evolved, event));
    expect(folded).toStrictEqual(evolved);
    expect(start).toStrictEqual(copy);
    expect(folded).not.toBe(start);
  });

  it('a state returned by foldFrom is not changed by a later fold from it', () => {
    const events = generatedLog(9, 500);
    const first = foldFrom(initialState('S'), events.slice(0, 250));
    const snapshot = structuredClone(first);
    foldFrom(first, events.slice(250));
    expect(first).toStrictEqual(snapshot);
  });
});
