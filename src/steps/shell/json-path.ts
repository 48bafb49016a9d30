/**
 * A small JSON path: enough to point at one value in a tool's JSON output, no query language.
 * Accepted forms: `backup.0.info.size`, `$.a.b[0]`, `$[0].name`, `a["key.with.dots"]`.
 */

export type PathSegment = string | number;

/** Splits a path into keys and indexes; throws an Error with a readable message when malformed. */
export function parseJsonPath(path: string): PathSegment[] {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const segments: PathSegment[] = [];
  const token = /^(?:\.?([^.[\]]+)|\[(\d+)\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*'([^']*)'\s*\])/;
  while (rest.length > 0) {
    const match = token.exec(rest);
    if (!match || match[0] === '') throw new Error(`malformed JSON path "${path}" near "${rest}"`);
    if (match[1] !== undefined) segments.push(/^\d+$/.test(match[1]) ? Number(match[1]) : match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(`"${match[3]}"`) as string);
    else segments.push(match[4]!);
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/** The value at `path` in `document`, or `found: false` when any segment is missing. */
export function evaluateJsonPath(document: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of parseJsonPath(path)) {
    if (Array.isArray(current)) {
      const index = typeof segment === 'number' ? segment : Number.NaN;
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      const key = String(segment);
      if (!Object.prototype.hasOwnProperty.call(current, key)) return { found: false };
      current = (current as Record<string, unknown>)[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** True when `path` parses. */
export function isValidJsonPath(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}
