import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { formatProblem, lintRunbooksText } from '../../src/runbooks/lint.js';
import { testProviders } from './fixtures/providers.js';
import { corpus } from './lint-corpus.cases.js';

const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');
const lint = (text: string) => lintRunbooksText(text, 'fixtures/broken.yaml', { providers: testProviders });

describe('the lint corpus', () => {
  test('the base file is clean', () => {
    expect(lint(base)).toEqual([]);
  });

  test('has at least 20 cases, each a different mistake', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(new Set(corpus.map((entry) => entry.name)).size).toBe(corpus.length);
    expect(new Set(corpus.map((entry) => entry.expected.join('\n'))).size).toBe(corpus.length);
  });

  test.each(corpus.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    expect(base.split(entry.from).length, `"${entry.from}" must occur once in base.yaml`).toBe(2);
    const problems = lint(base.replace(entry.from, entry.to));
    expect(problems.map((problem) => `${problem.line}:${problem.col} ${problem.path}: ${problem.message}`)).toEqual(entry.expected);
    expect(problems.map(formatProblem)).toEqual(entry.expected.map((line) => `fixtures/broken.yaml:${line}`));
  });
});
