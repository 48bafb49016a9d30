/**
 * Validation that survives files with a hundred thousand mistakes. zod gathers a child's issues
 * into its parent with `push(...issues)`, and an argument list that long overflows the call
 * stack ("Maximum call stack size exceeded"). When that happens, the value is validated again
 * in pieces: each list item, record entry and nested mapping on its own, the mapping itself
 * without them. The issues are the same ones zod would have reported, paths included.
 */
import type { z } from 'zod';
import type { PathSegment } from './yaml-positions.js';

type Issue = z.core.$ZodIssue;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly discriminator?: string;
}

/** `schema.safeParse(data)` as its issues (however many) and, when there are none, the parsed value. */
export function validate<T extends z.ZodType>(schema: T, data: unknown): { readonly issues: readonly Issue[]; readonly value?: z.output<T> } {
  try {
    const parsed = schema.safeParse(data);
    return parsed.success ? { issues: [], value: parsed.data } : { issues: parsed.error.issues };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { issues: inPieces(schema, data, []) };
  }
}

function issuesAt(schema: z.ZodType, data: unknown, base: readonly PathSegment[]): Issue[] {
  try {
    const parsed = schema.safeParse(data);
    if (parsed.success) return [];
    const issues = parsed.error.issues as Issue[];
    if (base.length > 0) for (const issue of issues) (issue as { path: PropertyKey[] }).path = [...base, ...issue.path];
    return issues;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return inPieces(schema, data, base);
  }
}

function inPieces(schema: z.ZodType, data: unknown, base: readonly PathSegment[]): Issue[] {
  const def = defOf(schema);
  const issues: Issue[] = [];
  const add = (more: readonly Issue[]) => {
    for (const issue of more) issues.push(issue);
  };
  if (def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(def.type) && data !== undefined && data !== null) {
    return inPieces(def.innerType, data, base);
  }
  if (def.type === 'object' && def.shape && isRecord(data)) {
    const apart = Object.keys(def.shape).filter((key) => typeof data[key] === 'object' && data[key] !== null);
    const rest: Record<string, unknown> = { ...data };
    for (const key of apart) delete rest[key];
    try {
      const without = (schema as unknown as z.ZodObject).omit(Object.fromEntries(apart.map((key) => [key, true])) as never);
      add(issuesAt(without, rest, base));
    } catch (error) {
      if (error instanceof RangeError) throw error;
      return [tooMany(base)];
    }
    for (const key of apart) add(issuesAt(def.shape[key]!, data[key], [...base, key]));
    return issues;
  }
  // A list or record long enough to overflow passes its own length checks; its items are what fail.
  if (def.type === 'array' && def.element && Array.isArray(data)) {
    // A thousand items at a time (few calls, few enough issues per call), or one at a time
    // when a thousand already overflowed.
    const list = listOf(def.element);
    const size = data.length > CHUNK ? CHUNK : 1;
    for (let start = 0; start < data.length; start += size) {
      const found = size === 1 ? issuesAt(def.element, data[start], [...base, 0]) : issuesAt(list, data.slice(start, start + size), base);
      for (const issue of found) (issue.path as PathSegment[])[base.length] = ((issue.path as PathSegment[])[base.length] as number) + start;
      add(found);
    }
    return issues;
  }
  if (def.type === 'record' && isRecord(data)) {
    for (const [key, value] of Object.entries(data)) add(issuesAt(schema, { [key]: value }, base));
    return issues;
  }
  if (def.type === 'union' && def.discriminator && isRecord(data)) {
    const chosen = def.options?.find((option) => defOf(option).shape?.[def.discriminator!]?.safeParse(data[def.discriminator!]).success);
    if (chosen) return inPieces(chosen, data, base);
  }
  return [tooMany(base)];
}

const CHUNK = 1000;
const lists = new WeakMap<z.ZodType, z.ZodType>();

/** A plain list of `element` (no length checks), made once per element schema. */
function listOf(element: z.ZodType): z.ZodType {
  let list = lists.get(element);
  if (!list) {
    // The schema that overflowed is an array schema, so its constructor makes plain lists too.
    list = (element as unknown as { array(): z.ZodType }).array();
    lists.set(element, list);
  }
  return list;
}

function tooMany(path: readonly PathSegment[]): Issue {
  return { code: 'custom', path: [...path], message: 'too many problems in this value to check it; fix the first ones and lint again', input: undefined } as Issue;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
