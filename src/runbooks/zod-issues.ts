/**
 * Turns zod issues into lint problems phrased for someone editing YAML: each points at the
 * offending key or value, and a missing field points at the mapping that should hold it.
 */
import { ECHO_LIMIT, quote, quoteList } from './echo.js';
import type { z } from 'zod';
import { defOf } from './zod-def.js';
import { formatPath, type PathSegment, type Position, type SourceMap } from './yaml-positions.js';
import { childAt, valueAt } from './loose.js';

/** A problem found in the runbooks file, before the file name is attached. */
export interface FoundProblem {
  readonly position: Position;
  /** The path, or already formatted as lint prints it. */
  readonly path: readonly PathSegment[] | string;
  readonly message: string;
}

/**
 * Problems for the issues of `schema.safeParse(data)`, where `data` sits at `base` inside the
 * document. `ignore` drops issues whose value is not known yet (e.g. it holds a template).
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  data: unknown,
  base: readonly PathSegment[],
  source: SourceMap,
  ignore: (issue: z.core.$ZodIssue) => boolean = () => false,
): FoundProblem[] {
  const problems: FoundProblem[] = [];
  const at = (position: Position, where: readonly PathSegment[] | string, message: string) => problems.push({ position, path: where, message });
  // A mapping's missing fields are one problem, named together where the mapping starts: a
  // step written as `{}` is one line of output, not four. Mappings are told apart by their path
  // (one value can sit at two paths through a YAML alias), compared only when the value repeats.
  const missing = new Map<unknown, Array<{ readonly path: readonly PathSegment[]; readonly problem: { position: Position; path: string; message: string }; readonly names: string[] }>>();
  const missingField = (mapping: unknown, path: readonly PathSegment[]) => {
    const field = String(path[path.length - 1]);
    const entries = missing.get(mapping);
    const known = entries?.find((entry) => isParentOf(entry.path, path));
    if (known) {
      known.names.push(field);
      return;
    }
    const parentPath = path.slice(0, -1);
    const problem = { position: source.parent(path), path: formatPath(parentPath), message: '' };
    const entry = { path: parentPath, problem, names: [field] };
    if (entries) entries.push(entry);
    else missing.set(mapping, [entry]);
    problems.push(problem);
  };
  for (const issue of issues) {
    if (ignore(issue)) continue;
    const local = issue.path.some((segment) => typeof segment === 'symbol')
      ? issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol')
      : (issue.path as PathSegment[]);
    const path = base.length === 0 ? local : [...base, ...local];
    const holder = local.length > 0 ? valueAt(data, local, local.length - 1) : undefined;
    const value = local.length > 0 ? childAt(holder, local[local.length - 1]!) : data;

    if (value === undefined && holder !== undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) {
      missingField(holder, path);
      continue;
    }

    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, data, local);
        for (const key of issue.keys) {
          at(source.key([...path, key]), [...path, key], `unknown field ${quote(key)}${suggestion(key, known)}`);
        }
        break;
      }
      case 'invalid_type':
        at(source.value(path), path, `expected ${describeExpected(issue.expected)}, got ${describeValue(value)}`);
        break;
      case 'invalid_value':
        at(source.value(path), path, `expected ${oneOf(issue.values)}, got ${describeValue(value)}`);
        break;
      case 'invalid_union':
        if ('discriminator' in issue && issue.discriminator !== undefined) {
          const options = (issue as { options?: readonly unknown[] }).options ?? [];
          at(source.value(path), path, `expected ${oneOf(options)}, got ${describeValue(value)}`);
        } else {
          const expected = [...new Set(issue.errors.flatMap((branch) => branch.map((inner) => expectedOf(inner))))].filter(Boolean);
          at(source.value(path), path, `expected ${expected.length > 0 ? expected.join(' or ') : 'another value'}, got ${describeValue(value)}`);
        }
        break;
      case 'invalid_key':
        at(source.key(path), path, `invalid name ${quote(String(path[path.length - 1]))}: ${issue.issues[0]?.message || issue.message}`);
        break;
      case 'invalid_format':
        at(source.value(path), path, `${issue.message}${typeof value === 'string' ? `, got ${quote(value)}` : ''}`);
        break;
      default:
        at(source.value(path), path, issue.message);
    }
  }
  for (const entries of missing.values()) {
    for (const { problem, names } of entries) {
      problem.message = names.length === 1 ? `missing required field ${quote(names[0]!)}` : `missing required fields ${quoteList(names)}`;
    }
  }
  return problems;
}

/** Whether `path` is `parent` and one segment more. */
function isParentOf(parent: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  if (parent.length !== path.length - 1) return false;
  for (let index = 0; index < parent.length; index++) if (parent[index] !== path[index]) return false;
  return true;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return describeExpected(issue.expected);
  if (issue.code === 'invalid_value') return oneOf(issue.values);
  return '';
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

/** A value as the YAML author wrote it, for "got …". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quote(value);
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? `"${value}"` : String(value)));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

/** Suggestions by field list and key: a file that misspells one field fifty thousand times is compared once. */
const suggestions = new WeakMap<readonly string[], Map<string, string>>();

function suggestion(key: string, known: readonly string[]): string {
  let byKey = suggestions.get(known);
  if (!byKey) suggestions.set(known, (byKey = new Map()));
  let found = byKey.get(key);
  if (found === undefined) {
    found = suggestionFor(key, known);
    byKey.set(key, found);
  }
  return found;
}

function suggestionFor(key: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  // No field name is this long, and the edit distance of a megabyte key would take seconds.
  if (key.length > ECHO_LIMIT) return `; allowed here: ${known.join(', ')}`;
  const close = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= Math.max(1, Math.floor(key.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  return close ? ` (did you mean "${close.candidate}"?)` : `; allowed here: ${known.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}


/** The field names the schema allows for the mapping at `path` of `data` (for "did you mean"). */
function knownKeys(schema: z.ZodType, data: unknown, path: readonly PathSegment[]): readonly string[] {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth <= path.length; depth++) {
    current = unwrap(current, valueAt(data, path.slice(0, depth)));
    if (!current || depth === path.length) break;
    const def = defOf(current);
    const segment = path[depth]!;
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else current = undefined;
  }
  if (!current) return NO_KEYS;
  const def = defOf(current);
  if (def.type !== 'object' || !def.shape) return NO_KEYS;
  let keys = shapeKeys.get(def.shape);
  if (!keys) shapeKeys.set(def.shape, (keys = Object.keys(def.shape)));
  return keys;
}

const NO_KEYS: readonly string[] = [];
/** One list per shape, so suggestions are remembered per shape. */
const shapeKeys = new WeakMap<object, readonly string[]>();

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let guard = 0; current && guard < 20; guard++) {
    const def = defOf(current);
    if (def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else if (def.type === 'union' && def.options) {
      const objects = def.options.filter((option) => defOf(unwrap(option, value) ?? option).type === 'object');
      const chosen = def.discriminator
        ? objects.find((option) => matchesDiscriminator(option, def.discriminator!, value))
        : objects.length === 1
          ? objects[0]
          : undefined;
      return chosen ? unwrap(chosen, value) : undefined;
    } else {
      return current;
    }
  }
  return current;
}

function matchesDiscriminator(option: z.ZodType, discriminator: string, value: unknown): boolean {
  const field = defOf(option).shape?.[discriminator];
  if (!field || typeof value !== 'object' || value === null) return false;
  const values = (field as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
  return values?.has((value as Record<string, unknown>)[discriminator]) ?? false;
}
