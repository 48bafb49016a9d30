import { describe, expect, it } from 'vitest';
import { fitText, formatAge, formatDay, plural, wrapWords } from '../../src/ui/format.js';
import { themeFor } from '../../src/ui/theme.js';
import { lastOffset, windowAt } from '../../src/ui/window.js';

describe('screen text helpers', () => {
  it('pluralises', () => {
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(12, 'section')).toBe('12 sections');
  });

  it('formats ages compactly', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(formatAge('2026-11-25T11:59:15Z', now)).toBe('45s');
    expect(formatAge('2026-11-25T11:48:00Z', now)).toBe('12m');
    expect(formatAge('2026-11-25T09:00:00Z', now)).toBe('3h');
    expect(formatAge('2026-11-20T12:00:00Z', now)).toBe('5d');
    expect(formatAge('not a time', now)).toBe('?');
  });

  it('shows the day of an ISO time', () => {
    expect(formatDay('2026-11-20T08:00:00Z')).toBe('2026-11-20');
    expect(formatDay('yesterday')).toBe('yesterday');
  });

  it('wraps words to a width, cutting words longer than it', () => {
    expect(wrapWords('restore the newest base backup into a scratch cluster', 20)).toEqual([
      'restore the newest',
      'base backup into a',
      'scratch cluster',
    ]);
    expect(wrapWords('a'.repeat(25), 10)).toEqual(['aaaaaaaaaa', 'aaaaaaaaaa', 'aaaaa']);
    expect(wrapWords('one\ntwo', 40)).toEqual(['one', 'two']);
  });
});

describe('list windows', () => {
  it('shows everything when it fits', () => {
    expect(windowAt(5, 3, 10)).toEqual({ start: 0, end: 5, above: 0, below: 0 });
  });

  it('clamps the offset so the window never runs past either end', () => {
    expect(windowAt(100, 0, 10)).toEqual({ start: 0, end: 10, above: 0, below: 90 });
    expect(windowAt(100, 45, 10)).toEqual({ start: 45, end: 55, above: 45, below: 45 });
    expect(windowAt(100, 500, 10)).toEqual({ start: 90, end: 100, above: 90, below: 0 });
    expect(windowAt(100, -3, 10)).toEqual({ start: 0, end: 10, above: 0, below: 90 });
    expect(lastOffset(100, 10)).toBe(90);
    expect(lastOffset(5, 10)).toBe(0);
  });
});

describe('theme', () => {
  it('turns every colour off under NO_COLOR, keeping the selection glyph', () => {
    const plain = themeFor({ NO_COLOR: '1' });
    expect([plain.accent, plain.selected, plain.muted, plain.ok, plain.warning, plain.danger]).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
    expect(plain.pointer).toBe('›');
  });

  it('uses colours otherwise (an empty NO_COLOR does not count, per no-color.org)', () => {
    expect(themeFor({}).danger).toBe('red');
    expect(themeFor({ NO_COLOR: '' }).selected).toBe('blue');
  });
});

describe('fitText', () => {
  it('pads to the width, or cuts with an ellipsis so the result is exactly the width', () => {
    expect(fitText('abc', 6)).toBe('abc   ');
    expect(fitText('abcdefgh', 6)).toBe('abcde…');
    expect(fitText('abcdef', 6)).toBe('abcdef');
    expect(fitText('anything', 0)).toBe('');
    expect(fitText('naïve café', 5)).toBe('naïv…');
  });
});

describe('fitText with an ASCII ellipsis', () => {
  it('cuts to exactly the width with the given mark', () => {
    expect(fitText('Restore Postgres into a new cluster', 12, '...')).toBe('Restore P...');
    expect(fitText('abcdef', 2, '...')).toBe('..');
  });
});
