import { describe, expect, it } from 'vitest';
import { jsonExpectation } from '../../../src/steps/shell/definitions.js';
import { checkExitCode, checkJson, checkPattern, combineChecks, parseJson } from '../../../src/steps/shell/expect.js';
import { evaluateJsonPath, parseJsonPath } from '../../../src/steps/shell/json-path.js';

const document = { a: { b: [10, { c: 'x' }] }, backup: [{ info: { size: 2048 }, label: '20240301-010002F' }], 'key.with.dots': 1 };

describe('JSON paths', () => {
  it('parses dotted, indexed and quoted forms', () => {
    expect(parseJsonPath('backup.0.info.size')).toEqual(['backup', 0, 'info', 'size']);
    expect(parseJsonPath('$.a.b[0]')).toEqual(['a', 'b', 0]);
    expect(parseJsonPath('$[0].name')).toEqual([0, 'name']);
    expect(parseJsonPath('$["key.with.dots"]')).toEqual(['key.with.dots']);
    expect(parseJsonPath('$')).toEqual([]);
    expect(() => parseJsonPath('a..b')).toThrow('malformed JSON path "a..b"');
  });

  it('finds values and reports missing ones', () => {
    expect(evaluateJsonPath(document, 'backup.0.info.size')).toEqual({ found: true, value: 2048 });
    expect(evaluateJsonPath(document, '$.a.b[1].c')).toEqual({ found: true, value: 'x' });
    expect(evaluateJsonPath(document, '$["key.with.dots"]')).toEqual({ found: true, value: 1 });
    expect(evaluateJsonPath(document, 'a.b.5')).toEqual({ found: false });
    expect(evaluateJsonPath(document, 'a.b.0.deeper')).toEqual({ found: false });
    expect(evaluateJsonPath(document, 'backup.first')).toEqual({ found: false });
  });
});

describe('expectations', () => {
  const json = (raw: Record<string, unknown>) => checkJson(jsonExpectation().parse(raw), { ok: true, value: document });

  it('compares scalars by text so a template value "2048" equals 2048', () => {
    expect(json({ path: 'backup.0.info.size', equals: '2048' })).toEqual([
      { ok: true, expected: 'json backup.0.info.size = "2048"', observed: 'json backup.0.info.size = 2048' },
    ]);
    expect(json({ path: 'a.b', equals: [10, { c: 'x' }] })[0]!.ok).toBe(true);
    expect(json({ path: 'a.b', equals: [10] })[0]!.ok).toBe(false);
  });

  it('checks min, max and matches', () => {
    expect(json({ path: 'backup.0.info.size', min: 2049 })[0]).toMatchObject({ ok: false, expected: 'json backup.0.info.size >= 2049' });
    expect(json({ path: 'backup.0.info.size', max: '2048' })[0]!.ok).toBe(true);
    expect(json({ path: 'backup.0.label', matches: 'F$' })[0]!.ok).toBe(true);
    expect(json({ path: 'backup.0.label', min: 1 })[0]!.ok).toBe(false);
  });

  it('fails on output that is not JSON, saying so', () => {
    const parsed = parseJson('not json');
    expect(parsed.ok).toBe(false);
    expect(checkJson(jsonExpectation().parse({ path: 'a' }), parsed)[0]!.observed).toMatch(/^output is not JSON/);
  });

  it('checks exit codes, signals and patterns', () => {
    expect(checkExitCode([0], 0, null)).toEqual({ ok: true, expected: 'exit code 0', observed: 'exit code 0' });
    expect(checkExitCode([0, 2], 1, null)).toEqual({ ok: false, expected: 'exit code in [0, 2]', observed: 'exit code 1' });
    expect(checkExitCode([0], null, 'SIGSEGV')).toEqual({ ok: false, expected: 'exit code 0', observed: 'terminated by SIGSEGV' });
    expect(checkPattern('stdout', '/ready/i', 'Server READY\n')).toEqual({ ok: true, expected: 'stdout matches /ready/i', observed: 'stdout matched "READY"' });
    expect(checkPattern('stdout', 'ready', 'starting\nstill starting\n')).toEqual({
      ok: false,
      expected: 'stdout matches /ready/',
      observed: 'stdout did not match: "still starting"',
    });
  });

  it('combines checks into expected/observed lines and the failed ones', () => {
    const combined = combineChecks([checkExitCode([0], 0, null), checkPattern('stdout', 'ok', 'fail')]);
    expect(combined.ok).toBe(false);
    expect(combined.expected).toBe('exit code 0; stdout matches /ok/');
    expect(combined.failed.map((check) => check.expected)).toEqual(['stdout matches /ok/']);
  });
});
