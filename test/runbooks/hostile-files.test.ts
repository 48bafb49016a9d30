/**
 * Hostile runbooks files in-process: each one ends in located problems or one ConfigError line,
 * quickly (every test has a 10 s timeout; before these guards they hung for minutes, overflowed
 * the stack or printed megabytes). The same files through the built binary: test/cli/hostile-files.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { analyzeRunbooksText, lintRunbooksText, problemLines, type LintProblem } from '../../src/runbooks/lint.js';
import { listingCacheDirectory, loadFileListing } from '../../src/runbooks/listing-cache.js';
import { loadRunbooksFile, readRunbooksText } from '../../src/runbooks/load.js';
import { findTemplates } from '../../src/runbooks/templates.js';
import { hostileTexts, withDo, writeHostileFiles } from './fixtures/hostile.js';

const BOUND = { timeout: 10_000 };
let directory: string;
let paths: Record<string, string>;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-hostile-'));
  paths = writeHostileFiles(directory);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const lint = (text: string) => lintRunbooksText(text, 'h.yaml');
const short = (problem: LintProblem) => `${problem.line}:${problem.col} ${problem.path}: ${problem.message}`;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('YAML aliases', () => {
  test('an alias bomb in do: is one problem at the alias that passes the allowance', BOUND, () => {
    const text = hostileTexts['alias-bomb.yaml']();
    expect(text.length).toBeLessThan(1300);
    expect(lint(text).map(short)).toEqual([
      '14:282 runbooks.0.sections.0.steps.0.do.4.7: alias *a3 makes the file stand for more than 101,218 values; aliases may add at most 100,000: write the values out instead',
    ]);
  });

  test('an alias inside its own anchor is refused where it is', BOUND, () => {
    expect(lint(hostileTexts['alias-cycle.yaml']()).map(short)).toEqual([
      '14:30 runbooks.0.sections.0.steps.0.do.1: alias *loop is inside its own anchor, so the value never ends; write it out instead',
    ]);
  });

  test('aliases that only share a few values are fine', () => {
    const text = withDo('x').replace('environments: {staging: {}}', 'environments: {staging: &env {vars: {a: 1}}, production: *env}');
    expect(lint(text)).toEqual([]);
  });
});

describe('many problems', () => {
  test('a hundred thousand templates in one string: every one located, in linear time', BOUND, () => {
    const problems = lint(hostileTexts['templates.yaml']());
    expect(problems).toHaveLength(100_000);
    const message = 'unknown input "x" in ${{ inputs.x }}: declare it under the runbook\'s inputs:';
    expect(problems.slice(0, 2).map(short)).toEqual([
      `14:18 runbooks.0.sections.0.steps.0.do: ${message}`,
      `14:33 runbooks.0.sections.0.steps.0.do: ${message}`,
    ]);
    expect(short(problems[99_999]!)).toBe(`14:${17 + 99_999 * 15 + 1} runbooks.0.sections.0.steps.0.do: ${message}`);
  });

  test('fifty thousand broken steps: all counted, no stack overflow, the first hundred printed', BOUND, () => {
    const problems = lint(hostileTexts['broken-steps.yaml']());
    expect(problems).toHaveLength(50_000);
    const one = lint(withDo('x').replace(/ {10}- id: a[\s\S]*$/, '          - {}\n'));
    expect(problems.slice(0, 1).map(short)).toEqual(one.map(short));
    const lines = problemLines(problems);
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe('h.yaml:11:13 runbooks.0.sections.0.steps.0: missing required fields "id", "kind", "title" and "do"');
    expect(lines[99]).toBe('h.yaml:110:13 runbooks.0.sections.0.steps.99: missing required fields "id", "kind", "title" and "do"');
    expect(lines[100]).toBe('… and 49,900 more problems (50,000 in all)');
  });

  test('problemLines prints every problem when there are at most a hundred', () => {
    const problems = lint(withDo('x').replace('kind: manual', 'kind: manaul'));
    expect(problemLines(problems)).toEqual([
      'h.yaml:12:19 runbooks.0.sections.0.steps.0.kind: expected one of "manual", "check", "wait", "action", "input", got "manaul"',
    ]);
  });
});

describe('echoed values', () => {
  test('a five-megabyte unknown key is quoted by its first 80 characters and its length', BOUND, () => {
    const problems = lint(hostileTexts['long-key.yaml']());
    const k80 = 'k'.repeat(80);
    expect(problems.map(short)).toEqual([
      '3:11 runbooks: define at least one runbook',
      `4:1 ${k80}…: unknown field "${k80}…" (5,000,000 characters); allowed here: version, environments, runbooks, alerts, assets`,
    ]);
  });

  test('a long bad value, provider name or template is cut short too', () => {
    const long = 'x'.repeat(10_000);
    const [kind] = lint(withDo('x').replace('kind: manual', `kind: ${long}`));
    expect(kind!.message).toBe(`expected one of "manual", "check", "wait", "action", "input", got "${'x'.repeat(80)}…" (10,000 characters)`);
    const [template] = lint(withDo(`"\${{ ${long} }}"`));
    expect(template!.message.length).toBeLessThan(300);
    expect(template!.message).toContain(`in "\${{ ${'x'.repeat(76)}…" (10,007 characters): use inputs, steps, env or session`);
  });
});

describe('positions', () => {
  test('lone CR line breaks count as lines', () => {
    expect(lint(hostileTexts['cr-only.yaml']()).map(short)).toEqual([
      '4:11 runbooks: define at least one runbook',
      '5:1 extra: unknown field "extra"; allowed here: version, environments, runbooks, alerts, assets',
    ]);
  });

  test('YAML nested past what a parser can read is one located problem', BOUND, () => {
    const problems = lint(withDo(`${'['.repeat(50_000)}${']'.repeat(50_000)}`));
    expect(problems.map(short)).toEqual(['14:1017 (syntax): the YAML nests too deeply to read; flatten this value']);
  });
});

describe('findTemplates', () => {
  // The regular expressions it replaced (quadratic on a string of many "${{" without "}}").
  const reference = (text: string) => ({
    closed: [...text.matchAll(/\$\{\{([^}]*)\}\}/g)].map((match) => [match.index, match.index + match[0].length]),
    unclosed: [...text.matchAll(/\$\{\{(?![^}]*\}\})/g)].map((match) => match.index),
  });

  test('finds exactly what the regular expressions found, on every mix of the markers', () => {
    const pieces = ['${{', '}}', '}', '{', '$', ' inputs.a ', 'steps.x.outputs.y', '.', 'z'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const { references, errors } = findTemplates(text);
      const expected = reference(text);
      const found = [...references.map((reference) => [reference.start, reference.end]), ...errors.filter((error) => !error.message.startsWith('unclosed')).map((error) => [error.start, error.end])];
      expect(found.sort((a, b) => a[0]! - b[0]!), text).toEqual(expected.closed);
      expect(errors.filter((error) => error.message.startsWith('unclosed')).map((error) => error.start), text).toEqual(expected.unclosed);
      for (const item of [...references, ...errors]) expect(item.occurrence, text).toBe(text.slice(0, item.start).split('${{').length - 1);
    }
  });

  test('is linear on a million unclosed markers', BOUND, () => {
    expect(findTemplates('${{'.repeat(1_000_000)).errors).toHaveLength(1_000_000);
  });
});

describe('reading the file (lint, list, start and the home screen)', () => {
  const refused = (name: string) => configError(() => loadRunbooksFile(paths[name]!, name)).message;

  test('a FIFO, /dev/zero and /dev/urandom are refused without being read', BOUND, () => {
    expect(refused('fifo.yaml')).toBe('fifo.yaml is a named pipe (FIFO), not a runbooks file; pass --file with a regular YAML file');
    expect(configError(() => loadRunbooksFile('/dev/zero')).message).toBe('/dev/zero is a character device, not a runbooks file; pass --file with a regular YAML file');
    expect(configError(() => readRunbooksText('/dev/urandom')).message).toBe('/dev/urandom is a character device, not a runbooks file; pass --file with a regular YAML file');
  });

  test('a file over 8 MiB is refused by its size', () => {
    expect(refused('too-large.yaml')).toBe('runbooks file too-large.yaml is 9.0 MiB; the limit is 8 MiB (is it the right file?)');
  });

  test('UTF-16, with or without a byte-order mark, is named as such', () => {
    expect(refused('utf16-bom.yaml')).toBe('runbooks file utf16-bom.yaml looks like UTF-16 (BOM ff fe); save it as UTF-8');
    expect(refused('utf16.yaml')).toBe('runbooks file utf16.yaml looks like UTF-16 (little-endian, no BOM: every other byte is zero); save it as UTF-8');
  });

  test('a byte that is not UTF-8 is named with its offset, line and column', () => {
    expect(refused('latin1.yaml')).toBe('runbooks file latin1.yaml is not UTF-8: invalid byte 0xe9 at offset 24 (line 3, column 6); save it as UTF-8');
  });

  test('a UTF-8 byte-order mark is fine', () => {
    expect(loadRunbooksFile(paths['utf8-bom.yaml']!).file.runbooks.map((runbook) => runbook.id)).toEqual(['restore-config', 'key-rotation']);
  });

  test('start and list load through the same checks: problems are listed a hundred at most', BOUND, () => {
    const error = configError(() => loadRunbooksFile(paths['broken-steps.yaml']!, 'broken-steps.yaml'));
    expect(error.message).toBe('runbooks file broken-steps.yaml has 50,000 problems; fix them (runbook lint broken-steps.yaml lists them)');
    expect(error.details).toHaveLength(101);
    expect(error.details[100]).toBe('… and 49,900 more problems (50,000 in all)');
  });

  test('the home screen listing refuses a FIFO instead of waiting on it', BOUND, async () => {
    const cache = listingCacheDirectory({ XDG_CACHE_HOME: join(directory, 'cache') });
    await expect(loadFileListing(paths['fifo.yaml']!, 'fifo.yaml', cache)).rejects.toThrow('fifo.yaml is a named pipe (FIFO), not a runbooks file');
  });

  test('the text analysed is exactly the file', () => {
    const text = readRunbooksText(paths['cr-only.yaml']!);
    expect(text).toBe(hostileTexts['cr-only.yaml']());
    expect(analyzeRunbooksText(text, 'x').problems).toHaveLength(2);
  });
});
