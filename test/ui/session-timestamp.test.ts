import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/services/timestamp.js';

describe('parseTimestamp (zone always explicit)', () => {
  it.each([
    ['2026-11-25T03:10:00Z', '2026-11-25T03:10:00.000Z'],
    ['2026-11-25T03:10Z', '2026-11-25T03:10:00.000Z'],
    ['2026-11-25T04:10:00+01:00', '2026-11-25T03:10:00.000Z'],
    ['2026-11-25 04:10:30.250+0100', '2026-11-25T03:10:30.250Z'],
    ['2026-11-25 03:10 UTC', '2026-11-25T03:10:00.000Z'],
    ['2026-11-25 00:10 -03:00', '2026-11-25T03:10:00.000Z'],
    ['2026-11-25 04:10 Europe/Paris', '2026-11-25T03:10:00.000Z'],
    // Summer time: Paris is UTC+2.
    ['2026-07-01 12:00 Europe/Paris', '2026-07-01T10:00:00.000Z'],
    ['2026-11-24 22:10 America/New_York', '2026-11-25T03:10:00.000Z'],
  ])('%s is %s', (text, utc) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, utc });
  });

  it('refuses a local time without a zone, naming the forms it takes', () => {
    expect(parseTimestamp('2026-11-25 04:10')).toEqual({
      ok: false,
      error: 'the time zone must be explicit: write 2026-11-25T03:10:00Z, 2026-11-25T04:10+01:00 or "2026-11-25 04:10 Europe/Paris"',
    });
    expect(parseTimestamp('2026-11-25T04:10:00').ok).toBe(false);
  });

  it('refuses unknown zones, impossible dates and empty text', () => {
    expect(parseTimestamp('2026-11-25 04:10 Mars/Olympus')).toEqual({
      ok: false,
      error: 'unknown time zone "Mars/Olympus"; use UTC, an offset like +02:00, or a name like Europe/Paris',
    });
    expect(parseTimestamp('2026-02-30 04:10 UTC')).toEqual({ ok: false, error: '2026-02-30 04:10 UTC is not a real date and time' });
    expect(parseTimestamp('2026-02-30T04:10:00Z')).toEqual({ ok: false, error: '2026-02-30T04:10:00Z is not a real date and time' });
    expect(parseTimestamp('  ')).toEqual({ ok: false, error: 'type a time, e.g. 2026-11-25T03:10:00Z' });
  });
});
