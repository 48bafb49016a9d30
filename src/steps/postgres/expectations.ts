/** Comparisons used by query-like checks: numbers compare as numbers, everything else as text. */

export interface NumberBounds {
  readonly equals?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ValueExpectation extends NumberBounds {
  readonly equals?: any;
  readonly notEquals?: string | number | boolean;
  readonly matches?: string;
}

/** Problems with `actual` against the bounds, in words; empty when every bound holds. */
export function checkBounds(label: string, actual: number, bounds: NumberBounds | undefined): string[] {
  if (!bounds) return [];
  const problems: string[] = [];
  if (bounds.equals !== undefined && actual !== bounds.equals) problems.push(`${label} is ${actual}, expected ${bounds.equals}`);
  if (bounds.min !== undefined && actual < bounds.min) problems.push(`${label} is ${actual}, expected at least ${bounds.min}`);
  if (bounds.max !== undefined && actual > bounds.max) problems.push(`${label} is ${actual}, expected at most ${bounds.max}`);
  return problems;
}

/** The bounds in words, e.g. "rows >= 1, rows <= 10". */
export function describeBounds(label: string, bounds: NumberBounds | undefined): string[] {
  if (!bounds) return [];
  const parts: string[] = [];
  if (bounds.equals !== undefined) parts.push(`${label} = ${bounds.equals}`);
  if (bounds.min !== undefined) parts.push(`${label} >= ${bounds.min}`);
  if (bounds.max !== undefined) parts.push(`${label} <= ${bounds.max}`);
  return parts;
}

/** Text form used for comparison: booleans and numbers as Postgres prints them, dates as ISO. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** True when `actual` equals `expected`: numerically when both are numbers, else by text (t/true alike). */
export function valuesEqual(actual: unknown, expected: unknown): boolean {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    const norm = (v: unknown) => (v === true || v === 't' || v === 'true' ? 'true' : v === false || v === 'f' || v === 'false' ? 'false' : asText(v));
    return norm(actual) === norm(expected);
  }
  return asText(actual) === asText(expected);
}

/** Problems with a value against its expectation; empty when it holds. */
export function checkValue(actual: unknown, expectation: ValueExpectation | undefined): string[] {
  if (!expectation) return [];
  const shown = JSON.stringify(actual instanceof Date ? actual.toISOString() : actual ?? null);
  const problems: string[] = [];
  if (expectation.equals !== undefined && !valuesEqual(actual, expectation.equals)) problems.push(`value is ${shown}, expected ${JSON.stringify(expectation.equals)}`);
  if (expectation.notEquals !== undefined && valuesEqual(actual, expectation.notEquals)) problems.push(`value is ${shown}, expected anything but that`);
  if (expectation.matches !== undefined && !new RegExp(expectation.matches).test(asText(actual))) problems.push(`value ${shown} does not match /${expectation.matches}/`);
  if (expectation.min !== undefined || expectation.max !== undefined) {
    const n = asNumber(actual);
    if (n === undefined) problems.push(`value ${shown} is not a number`);
    else problems.push(...checkBounds('value', n, { min: expectation.min, max: expectation.max }));
  }
  return problems;
}

/** The value expectation in words. */
export function describeValue(expectation: ValueExpectation | undefined): string[] {
  if (!expectation) return [];
  const parts: string[] = [];
  if (expectation.equals !== undefined) parts.push(`value = ${JSON.stringify(expectation.equals)}`);
  if (expectation.notEquals !== undefined) parts.push(`value != ${JSON.stringify(expectation.notEquals)}`);
  if (expectation.matches !== undefined) parts.push(`value matches /${expectation.matches}/`);
  parts.push(...describeBounds('value', { min: expectation.min, max: expectation.max }));
  return parts;
}

/** Compares version strings segment by segment ("1.10" > "1.9", "20240102" > "20231231"); <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => v.split(/[._\-\s]+/).filter(Boolean);
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? BigInt(x) : undefined;
    const ny = /^\d+$/.test(y) ? BigInt(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
