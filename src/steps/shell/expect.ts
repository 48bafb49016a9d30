/**
 * Expectations on what a program (or an HTTP endpoint) answered: exit code, output patterns,
 * one value of its JSON. Each check says what was expected and what was observed, so a failed
 * step shows both side by side.
 */
import type { JsonExpectation, OutputExpectation } from './definitions.js';
import { evaluateJsonPath } from './json-path.js';
import { compilePattern } from './pattern.js';

export interface ExpectationCheck {
  readonly ok: boolean;
  /** e.g. "exit code 0", "stdout matches /ok/", "json backup.0.size >= 10". */
  readonly expected: string;
  readonly observed: string;
}

/** The exit code is one of `accepted`; a program ended by a signal never passes. */
export function checkExitCode(accepted: readonly number[], exitCode: number | null, signal: string | null): ExpectationCheck {
  const expected = accepted.length === 1 ? `exit code ${accepted[0]}` : `exit code in [${accepted.join(', ')}]`;
  if (exitCode === null) return { ok: false, expected, observed: `terminated by ${signal ?? 'a signal'}` };
  return { ok: accepted.includes(exitCode), expected, observed: `exit code ${exitCode}` };
}

/** `text` matches the pattern somewhere. */
export function checkPattern(label: string, pattern: string, text: string): ExpectationCheck {
  const regex = compilePattern(pattern);
  const expected = `${label} matches ${regex}`;
  const match = regex.exec(text);
  return match
    ? { ok: true, expected, observed: `${label} matched "${clip(match[0])}"` }
    : { ok: false, expected, observed: text.trim() === '' ? `${label} was empty` : `${label} did not match: "${clip(lastLine(text))}"` };
}

/** Parses JSON text; the error message instead when it is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Every bound of a JSON expectation, on the document (undefined when the output was not JSON). */
export function checkJson(expectation: JsonExpectation, document: { ok: true; value: unknown } | { ok: false; error: string }): ExpectationCheck[] {
  const { path } = expectation;
  const bounds = describeBounds(expectation);
  const expected = `json ${path}${bounds ? ` ${bounds}` : ' present'}`;
  if (!document.ok) return [{ ok: false, expected, observed: `output is not JSON (${document.error})` }];
  const { found, value } = evaluateJsonPath(document.value, path);
  if (!found) return [{ ok: false, expected, observed: `json ${path} not found` }];
  const observed = `json ${path} = ${clip(display(value))}`;
  const checks: ExpectationCheck[] = [];
  if (expectation.equals !== undefined) {
    checks.push({ ok: sameValue(value, expectation.equals), expected: `json ${path} = ${display(expectation.equals)}`, observed });
  }
  if (expectation.min !== undefined) {
    checks.push({ ok: toNumber(value) !== undefined && toNumber(value)! >= expectation.min, expected: `json ${path} >= ${expectation.min}`, observed });
  }
  if (expectation.max !== undefined) {
    checks.push({ ok: toNumber(value) !== undefined && toNumber(value)! <= expectation.max, expected: `json ${path} <= ${expectation.max}`, observed });
  }
  if (expectation.matches !== undefined) {
    const regex = compilePattern(expectation.matches);
    checks.push({ ok: regex.test(typeof value === 'string' ? value : display(value)), expected: `json ${path} matches ${regex}`, observed });
  }
  return checks.length > 0 ? checks : [{ ok: true, expected, observed }];
}

/** All checks of a program's output expectation (exit code 0 when none is given). */
export function checkOutput(
  expectation: OutputExpectation | undefined,
  outcome: { exitCode: number | null; signal: string | null; stdout: string; stderr: string },
): ExpectationCheck[] {
  const checks = [checkExitCode(expectation?.exitCode ?? [0], outcome.exitCode, outcome.signal)];
  if (expectation?.stdoutMatches !== undefined) checks.push(checkPattern('stdout', expectation.stdoutMatches, outcome.stdout));
  if (expectation?.stderrMatches !== undefined) checks.push(checkPattern('stderr', expectation.stderrMatches, outcome.stderr));
  if (expectation?.json) checks.push(...checkJson(expectation.json, parseJson(outcome.stdout)));
  return checks;
}

/** Joins checks into the step's expected/observed lines and the failing ones. */
export function combineChecks(checks: readonly ExpectationCheck[]): { ok: boolean; expected: string; observed: string; failed: ExpectationCheck[] } {
  const failed = checks.filter((check) => !check.ok);
  return {
    ok: failed.length === 0,
    expected: checks.map((check) => check.expected).join('; '),
    observed: [...new Set(checks.map((check) => check.observed))].join('; '),
    failed,
  };
}

/** Scalars compare by their text (a template yields "3" where the JSON has 3); structures by JSON. */
function sameValue(actual: unknown, expected: unknown): boolean {
  const scalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);
  if (scalar(actual) && scalar(expected)) return String(actual) === String(expected);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function describeBounds(expectation: JsonExpectation): string {
  const parts: string[] = [];
  if (expectation.equals !== undefined) parts.push(`= ${display(expectation.equals)}`);
  if (expectation.min !== undefined) parts.push(`>= ${expectation.min}`);
  if (expectation.max !== undefined) parts.push(`<= ${expectation.max}`);
  if (expectation.matches !== undefined) parts.push(`matches ${compilePattern(expectation.matches)}`);
  return parts.join(' and ');
}

function display(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
