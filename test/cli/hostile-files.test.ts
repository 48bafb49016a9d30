/**
 * Hostile runbooks files through the built binary (dist/runbook.js, from `npm run build`):
 * `runbook lint FILE` and `runbook list --file FILE` each end with exit 2 and located one-line
 * messages, a bounded amount of output, and no stack trace, well inside a 10 s bound per run.
 * (`runbook start` reads the file through the same loader: test/runbooks/hostile-files.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeHostileFiles } from '../runbooks/fixtures/hostile.js';

const binary = fileURLToPath(new URL('../../dist/runbook.js', import.meta.url));
const OUTPUT_BOUND = 64 * 1024;
let cwd: string;

beforeAll(() => {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run "npm run build" first`);
  cwd = mkdtempSync(join(tmpdir(), 'runbook-hostile-bin-'));
  writeHostileFiles(cwd);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function runbook(...args: string[]) {
  const result = spawnSync(process.execPath, [binary, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: cwd, XDG_CACHE_HOME: join(cwd, 'cache'), XDG_STATE_HOME: join(cwd, 'state') },
    timeout: 10_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(result.error, `runbook ${args.join(' ')} did not end within 10 s`).toBeUndefined();
  expect(result.stdout.length + result.stderr.length, 'output stays small').toBeLessThan(OUTPUT_BOUND);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/internal error|\n\s+at /);
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Every stdout line is `FILE:LINE:COL path: message`, but the last may be the count of the rest. */
function expectLocatedLines(out: string, file: string, count: number) {
  const lines = out.trimEnd().split('\n');
  const shown = Math.min(count, 100);
  expect(lines).toHaveLength(count > 100 ? 101 : count);
  for (const line of lines.slice(0, shown)) expect(line).toMatch(new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+ \\S+: `));
  if (count > 100) expect(lines[100]).toBe(`… and ${(count - 100).toLocaleString('en-US')} more problems (${count.toLocaleString('en-US')} in all)`);
}

/** Files whose problems are lint's: each located at FILE:LINE:COL; list names the count and the first hundred. */
const problemFiles: ReadonlyArray<readonly [string, number, string]> = [
  ['alias-bomb.yaml', 1, 'alias-bomb.yaml:14:282 runbooks.0.sections.0.steps.0.do.4.7: alias *a3 makes the file stand for more than 101,218 values'],
  ['alias-cycle.yaml', 1, 'alias-cycle.yaml:14:30 runbooks.0.sections.0.steps.0.do.1: alias *loop is inside its own anchor'],
  ['templates.yaml', 100_000, 'templates.yaml:14:18 runbooks.0.sections.0.steps.0.do: unknown input "x" in ${{ inputs.x }}'],
  ['broken-steps.yaml', 50_000, 'broken-steps.yaml:11:13 runbooks.0.sections.0.steps.0: missing required fields "id", "kind", "title" and "do"'],
  ['long-key.yaml', 2, `long-key.yaml:4:1 ${'k'.repeat(80)}…: unknown field "${'k'.repeat(80)}…" (5,000,000 characters)`],
  ['cr-only.yaml', 2, 'cr-only.yaml:4:11 runbooks: define at least one runbook'],
];

describe('lint and list --file on files with hostile content', () => {
  test.each(problemFiles)('%s', (file, count, first) => {
    const lint = runbook('lint', file);
    expect(lint.code).toBe(2);
    expectLocatedLines(lint.out, file, count);
    expect(lint.out.split('\n').some((line) => line.startsWith(first))).toBe(true);
    expect(lint.err).toBe(`${count} problem${count === 1 ? '' : 's'} in ${file}\n`);

    const list = runbook('list', '--file', file);
    expect(list.code).toBe(2);
    expect(list.out).toBe('');
    const [summary, ...details] = list.err.trimEnd().split('\n');
    const counted = count === 1 ? '1 problem' : `${count.toLocaleString('en-US')} problems`;
    expect(summary).toBe(`runbook: runbooks file ${file} has ${counted}; fix ${count === 1 ? 'it' : 'them'} (runbook lint ${file} lists them)`);
    expectLocatedLines(details.join('\n'), file, count);
  });
});

/** Files refused before any YAML is read: one line on stderr naming the file, nothing on stdout. */
const refusedFiles: ReadonlyArray<readonly [string, string]> = [
  ['fifo.yaml', 'runbook: fifo.yaml is a named pipe (FIFO), not a runbooks file; pass --file with a regular YAML file'],
  ['/dev/zero', 'runbook: /dev/zero is a character device, not a runbooks file; pass --file with a regular YAML file'],
  ['/dev/urandom', 'runbook: /dev/urandom is a character device, not a runbooks file; pass --file with a regular YAML file'],
  ['too-large.yaml', 'runbook: runbooks file too-large.yaml is 9.0 MiB; the limit is 8 MiB (is it the right file?)'],
  ['utf16-bom.yaml', 'runbook: runbooks file utf16-bom.yaml looks like UTF-16 (BOM ff fe); save it as UTF-8'],
  ['utf16.yaml', 'runbook: runbooks file utf16.yaml looks like UTF-16 (little-endian, no BOM: every other byte is zero); save it as UTF-8'],
  ['latin1.yaml', 'runbook: runbooks file latin1.yaml is not UTF-8: invalid byte 0xe9 at offset 24 (line 3, column 6); save it as UTF-8'],
];

describe('lint and list --file on files that are not runbooks files', () => {
  test.each(refusedFiles)('%s', (file, message) => {
    for (const args of [['lint', file], ['list', '--file', file]]) {
      expect(runbook(...args)).toEqual({ code: 2, out: '', err: `${message}\n` });
    }
  });

  test('a UTF-8 byte-order mark is fine', () => {
    expect(runbook('lint', 'utf8-bom.yaml')).toEqual({ code: 0, out: 'utf8-bom.yaml: ok (2 runbooks, 4 steps)\n', err: '' });
  });
});
