/**
 * Reading the runbooks file before (or despite) schema validation: lint keeps checking
 * cross-references in a file that has other mistakes, so it reads plain values defensively.
 */
import type { PathSegment } from './yaml-positions.js';

/** The value as a mapping, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The value as a list, or an empty list. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value at `path` (its first `length` segments) inside `data`, or undefined. */
export function valueAt(data: unknown, path: readonly PathSegment[], length = path.length): unknown {
  let current = data;
  for (let index = 0; index < length && current !== undefined; index++) current = childAt(current, path[index]!);
  return current;
}

/** The list item or mapping field `segment` of `value`, or undefined. */
export function childAt(value: unknown, segment: PathSegment): unknown {
  if (Array.isArray(value) && typeof segment === 'number') return value[segment];
  if (asRecord(value) && Object.hasOwn(value as object, String(segment))) return (value as Record<string, unknown>)[String(segment)];
  return undefined;
}

/** True when `path` names something (even null or false) inside `data`. */
export function hasPath(data: unknown, path: readonly PathSegment[]): boolean {
  let current = data;
  for (const segment of path) {
    const record = asRecord(current);
    if (Array.isArray(current) && /^\d+$/.test(String(segment)) && Number(segment) < current.length) current = current[Number(segment)];
    else if (record && Object.hasOwn(record, String(segment))) current = record[String(segment)];
    else return false;
  }
  return true;
}
