import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { formatProblem, lintRunbooksText } from '../../src/runbooks/lint.js';

const bundled = fileURLToPath(new URL('../../runbooks.yaml', import.meta.url));

test('the bundled runbooks.yaml lints clean against the built-in providers', () => {
  expect(existsSync(bundled), `${bundled} is missing`).toBe(true);
  const problems = lintRunbooksText(readFileSync(bundled, 'utf8'), 'runbooks.yaml');
  expect(problems.map(formatProblem)).toEqual([]);
});
