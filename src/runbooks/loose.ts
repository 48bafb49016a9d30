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

/** The value at `path` inside `data`, or undefined. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (asRecord(current) && Object.hasOwn(current as object, String(segment))) current = (current as Record<string, unknown>)[String(segment)];
    else return undefined;
  }
  return current;
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
