/**
 * Validation that survives files with a hundred thousand mistakes. zod gathers a child's issues
 * into its parent with `push(...issues)`, and an argument list that long overflows the call
 * stack ("Maximum call stack size exceeded"). So a value that weighs too much is validated in
 * pieces: list items in runs light enough for zod, each record entry and nested mapping on its
 * own, the mapping itself without them. The issues are the same ones zod reports for the whole,
 * paths included, and they are handed on a piece at a time.
 *
 * The split happens before zod sees the value whole, not after it overflowed: an overflow is
 * found only once all the work below it is done, and finding it again at every level of a
 * runbook's nesting validated fifty thousand steps six times over. An overflow that happens all
 * the same (a schema finding more missing fields than the weight allows for) splits further.
 */
import type { z } from 'zod';
import { defOf } from './zod-def.js';
import type { PathSegment } from './yaml-positions.js';

type Issue = z.core.$ZodIssue;


/** Receives issues as they are found, a piece of the value at a time, paths from the value's root. */
type IssueSink = (issues: readonly Issue[]) => void;

/**
 * `schema.safeParse(data)`, its issues (however many) handed to `found` a piece at a time, so a
 * hundred thousand of them never have to be held at once; the parsed value when there are none.
 */
export function validate<T extends z.ZodType>(schema: T, data: unknown, found: IssueSink): { readonly valid: boolean; readonly value?: z.output<T> } {
  let valid = true;
  const counted: IssueSink = (issues) => {
    if (issues.length === 0) return;
    valid = false;
    found(issues);
  };
  if (isLarge(data)) {
    inPieces(schema, data, [], counted);
    return { valid };
  }
  try {
    const parsed = schema.safeParse(data, PARSE_OPTIONS);
    if (parsed.success) return { valid: true, value: parsed.data };
    counted(parsed.error.issues);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    inPieces(schema, data, [], counted);
  }
  return { valid };
}

function issuesAt(schema: z.ZodType, data: unknown, base: readonly PathSegment[], found: IssueSink): void {
  if (isLarge(data)) inPieces(schema, data, base, found);
  else whole(schema, data, base, found, () => inPieces(schema, data, base, found));
}

/** zod on the whole value; `overflowed` when that ran out of stack. */
function whole(schema: z.ZodType, data: unknown, base: readonly PathSegment[], found: IssueSink, overflowed: () => void): void {
  try {
    const parsed = schema.safeParse(data, PARSE_OPTIONS);
    if (parsed.success) return;
    const issues = parsed.error.issues as Issue[];
    if (base.length > 0) for (const issue of issues) (issue as { path: PropertyKey[] }).path = [...base, ...issue.path];
    found(issues);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    overflowed();
  }
}

function inPieces(schema: z.ZodType, data: unknown, base: readonly PathSegment[], found: IssueSink): void {
  const def = defOf(schema);
  if (def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(def.type) && data !== undefined && data !== null) {
    return inPieces(def.innerType, data, base, found);
  }
  if (def.type === 'object' && def.shape && isRecord(data)) {
    const apart = Object.keys(def.shape).filter((key) => typeof data[key] === 'object' && data[key] !== null);
    const rest: Record<string, unknown> = { ...data };
    for (const key of apart) delete rest[key];
    let without: z.ZodType;
    try {
      without = (schema as unknown as z.ZodObject).omit(Object.fromEntries(apart.map((key) => [key, true])) as never);
    } catch {
      // An object with checks of its own cannot be taken apart.
      return whole(schema, data, base, found, () => found([tooMany(base)]));
    }
    issuesAt(without, rest, base, found);
    for (const key of apart) issuesAt(def.shape[key]!, data[key], [...base, key], found);
    return;
  }
  // A list or record long enough to overflow passes its own length checks; its items are what fail.
  if (def.type === 'array' && def.element && Array.isArray(data)) {
    // Runs of items that weigh little enough together to be validated whole (few calls), an item
    // on its own when it weighs more, or when a run overflowed all the same.
    const list = listOf(def.element);
    const element = def.element;
    const item = (index: number) => issuesAt(element, data[index], [...base, 0], renumbered(base, index, found));
    for (let start = 0; start < data.length; ) {
      let end = start + 1;
      let weight = weightOf(data[start]);
      while (end < data.length) {
        weight += weightOf(data[end]);
        if (weight > WHOLE_WEIGHT) break;
        end++;
      }
      if (end - start === 1) item(start);
      else {
        const first = start;
        const last = end;
        whole(list, data.slice(first, last), base, renumbered(base, first, found), () => {
          for (let index = first; index < last; index++) item(index);
        });
      }
      start = end;
    }
    return;
  }
  if (def.type === 'record' && isRecord(data)) {
    for (const [key, value] of Object.entries(data)) {
      const entry = { [key]: value };
      // An entry too large for zod whole: its name checked apart and, as zod does, its value
      // (in pieces) only under a valid name.
      const apart = () => {
        const name = def.keyType?.safeParse(key, PARSE_OPTIONS);
        if (name && !name.success) found([{ code: 'invalid_key', origin: 'record', issues: name.error.issues, input: key, path: [...base, key], message: 'Invalid key in record' } as unknown as Issue]);
        else if (def.valueType) issuesAt(def.valueType, value, [...base, key], found);
      };
      if (isLarge(entry)) apart();
      else whole(schema, entry, base, found, apart);
    }
    return;
  }
  if (def.type === 'union' && def.discriminator && isRecord(data)) {
    const chosen = def.options?.find((option) => defOf(option).shape?.[def.discriminator!]?.safeParse(data[def.discriminator!]).success);
    if (chosen) return inPieces(chosen, data, base, found);
  }
  // Nothing to take apart: zod whole after all, which may well manage.
  whole(schema, data, base, found, () => found([tooMany(base)]));
}

/**
 * Lint words these issues itself (src/runbooks/zod-issues.ts), so zod's English for them is
 * never read: skipping it saves a tenth of the time on a file with 200,000 of them. A schema's
 * own message still wins over this map.
 */
const PARSE_OPTIONS = {
  error: (issue: { readonly code?: string }) => (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'unrecognized_keys' ? '' : undefined),
};

/**
 * Values (a mapping counted as the fields its schema may find missing) up to which zod sees a
 * value whole. zod's `push(...issues)` overflows somewhere past 100,000 issues; this stays far below.
 */
const WHOLE_WEIGHT = 20_000;
const MAPPING_WEIGHT = 16;

/** Whether `data` weighs more than WHOLE_WEIGHT. */
function isLarge(data: unknown): boolean {
  return weightOf(data) > WHOLE_WEIGHT;
}

/** What `data` weighs, counted only until it passes WHOLE_WEIGHT. */
function weightOf(data: unknown): number {
  let weight = 0;
  const pending: unknown[] = [data];
  while (pending.length > 0 && weight <= WHOLE_WEIGHT) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) {
      weight += 1;
      continue;
    }
    const children = Array.isArray(value) ? value : Object.values(value);
    weight += Array.isArray(value) ? 1 : MAPPING_WEIGHT;
    if (weight + children.length > WHOLE_WEIGHT) return weight + children.length;
    for (const child of children) pending.push(child);
  }
  return weight;
}

/** Issues of a run of list items that starts at `start`, numbered as items of the whole list. */
function renumbered(base: readonly PathSegment[], start: number, found: IssueSink): IssueSink {
  return (issues) => {
    for (const issue of issues) (issue.path as PathSegment[])[base.length] = ((issue.path as PathSegment[])[base.length] as number) + start;
    found(issues);
  };
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
