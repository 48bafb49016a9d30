/**
 * Validation in pieces must find exactly what zod finds on the whole value: a file large enough
 * to be split, but small enough for zod to take whole, is checked both ways.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { RunbooksFile } from '../../src/runbooks/schema.js';
import { validate } from '../../src/runbooks/zod-pieces.js';

/** Steps broken in every way zod reports: missing fields, wrong types, bad values, unknown keys. */
function brokenFile(steps: number): unknown {
  const kinds = [
    {},
    { id: 7, kind: 'manual', title: 'T', do: 'x' },
    { id: 'a', kind: 'nope', title: 'T', do: 'x' },
    { id: 'b', kind: 'manual', title: ['list'], do: 'x', extra: 1 },
    { id: 'c', kind: 'check', title: 'T', do: 'x', uses: 'postgres.query', with: { database: 'main' }, timeout: 'soon' },
    { id: 'Not A Slug', kind: 'manual', title: 'T', do: 'x' },
  ];
  return {
    version: 2,
    environments: { staging: {}, 'Bad Name': { protected: 'yes' } },
    runbooks: [
      { id: 'r', title: 'R', summary: 'S', sections: [{ id: 's', title: 'T', steps: Array.from({ length: steps }, (_, index) => structuredClone(kinds[index % kinds.length])) }] },
      { id: 'q', sections: 'none' },
    ],
    unknown: true,
  };
}

const key = (issue: z.core.$ZodIssue) => `${issue.path.map(String).join('.')} ${issue.code}`;

describe('validate', () => {
  test('a value split into pieces gives the issues zod gives the whole of it', () => {
    const data = brokenFile(3_000);
    const whole = RunbooksFile.safeParse(data);
    expect(whole.success).toBe(false);
    const pieces: z.core.$ZodIssue[] = [];
    let calls = 0;
    const result = validate(RunbooksFile, data, (issues) => {
      calls++;
      pieces.push(...issues);
    });
    expect(result.valid).toBe(false);
    expect(calls, 'validated in pieces').toBeGreaterThan(2);
    expect(pieces.length).toBeGreaterThan(4_000);
    expect(pieces.map(key).sort()).toEqual(whole.error!.issues.map(key).sort());
  });

  test('fifty thousand broken steps: every issue, a piece at a time, no overflow', () => {
    // zod itself, on the whole of a small file, says how many issues each six steps add.
    const issuesOf = (steps: number) => RunbooksFile.safeParse(brokenFile(steps)).error!.issues.length;
    const expected = issuesOf(6) + (issuesOf(12) - issuesOf(6)) * (49_998 / 6 - 1);
    let count = 0;
    let largest = 0;
    const result = validate(RunbooksFile, brokenFile(49_998), (issues) => {
      count += issues.length;
      largest = Math.max(largest, issues.length);
    });
    expect(result.valid).toBe(false);
    expect(count).toBe(expected);
    expect(count).toBeGreaterThan(70_000);
    expect(largest).toBeLessThan(20_000);
  });

  test('a record entry too large for zod whole: its name checked apart, its value in pieces', () => {
    const vars = Object.fromEntries(Array.from({ length: 25_000 }, (_, index) => [`v${index}`, index % 5_000 === 0 ? ['not', 'scalar'] : `value ${index}`]));
    const data = { version: 1, environments: { 'Bad Name': { vars }, staging: { vars } }, runbooks: [] };
    const whole = RunbooksFile.safeParse(data);
    const pieces: z.core.$ZodIssue[] = [];
    expect(validate(RunbooksFile, data, (issues) => pieces.push(...issues)).valid).toBe(false);
    expect(pieces.map(key).sort()).toEqual(whole.error!.issues.map(key).sort());
    expect(pieces.map(key)).toContain('environments.Bad Name invalid_key');
    expect(pieces.map(key)).toContain('environments.staging.vars.v5000 invalid_union');
  });

  test('what cannot be taken apart (a plain union) is given to zod whole, as before', () => {
    const schema = z.object({ list: z.union([z.string(), z.array(z.object({ a: z.string() }))]) });
    const data = { list: Array.from({ length: 3_000 }, (_, index) => ({ a: index === 7 ? 7 : 'x' })) };
    const pieces: z.core.$ZodIssue[] = [];
    expect(validate(schema, data, (issues) => pieces.push(...issues)).valid).toBe(false);
    expect(pieces.map(key)).toEqual(schema.safeParse(data).error!.issues.map(key));
    expect(pieces.map(key)).not.toContain('list custom');
  });

  test('a run of items whose issues overflow zod all the same is validated an item at a time', () => {
    const fields = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`f${index}`, z.string()]));
    const schema = z.object({ items: z.array(z.object(fields)) });
    let count = 0;
    const custom: string[] = [];
    const result = validate(schema, { items: Array.from({ length: 1_000 }, () => ({})) }, (issues) => {
      count += issues.length;
      custom.push(...issues.filter((issue) => issue.code === 'custom').map((issue) => issue.message));
    });
    expect(result.valid).toBe(false);
    expect(custom).toEqual([]);
    expect(count).toBe(200_000);
  });

  test('a valid value comes back parsed, with the schema defaults', () => {
    const data = { version: 1, environments: { staging: {} }, runbooks: [{ id: 'r', title: 'R', summary: 'S', sections: [{ id: 's', title: 'T', steps: [{ id: 'a', kind: 'manual', title: 'A', do: 'x' }] }] }] };
    const found: unknown[] = [];
    const result = validate(RunbooksFile, data, (issues) => found.push(...issues));
    expect(found).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.value?.runbooks[0]?.id).toBe('r');
  });
});
