/** Ages and durations as checks print them. */
import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration } from '../../src/steps/aws/time.js';

describe('formatDuration and formatAge', () => {
  it('formatDuration writes a bound in its exact unit', () => {
    expect([formatDuration(93_600), formatDuration(604_800), formatDuration(90), formatDuration(108_013)]).toEqual(['26h', '1w', '90s', '108013s']);
  });

  it('formatAge keeps round ages exact and gives the two largest units otherwise', () => {
    expect([formatAge(45), formatAge(93_600), formatAge(7_200), formatAge(90), formatAge(3_599)]).toEqual(['45s', '26h', '2h', '1m 30s', '59m 59s']);
    // The sandbox's stale snapshot: a day and six hours, written the way people read it.
    expect(formatAge(108_013)).toBe('30h 0m');
    expect(formatAge(5 * 86_400 + 4 * 3_600 + 17)).toBe('5d 4h');
  });
});
