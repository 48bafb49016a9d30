/**
 * "Would zod accept this?" answered without zod doing the work. Lint validates a whole runbooks
 * file and every step's parameters; zod builds a copy of the data and an issue object per
 * mistake, which costs more than parsing the YAML. Most files have no mistake, so lint asks this
 * first and asks zod for the issues only when the answer is no.
 *
 * Each schema is turned once into a plain checking function that follows zod's rules for the
 * kinds the runbooks file and the providers use (objects, strings, numbers, lists, records,
 * unions, optional and default values, and the length and pattern checks). Anything else (a
 * transform, a refinement, a format such as a URL) is handed to zod itself for that value, so a
 * yes always means zod says yes. A no may be wrong only when zod would accept something odd (an
 * own `__proto__` key): then lint asks zod, which answers with no issues.
 */
import type { z } from 'zod';

type Check = (value: unknown) => boolean;

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly inclusive?: boolean;
  readonly coerce?: boolean;
  readonly format?: string;
  readonly check?: string;
  readonly mode?: string;
}

interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly length?: number;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly value?: number | bigint;
  readonly inclusive?: boolean;
  /** When present, the check runs only if this says so (zod's own length checks guard against values without a length). */
  readonly when?: (payload: { value: unknown; issues: unknown[] }) => boolean;
}

interface Internals {
  readonly def: Def;
  readonly optin?: string;
  readonly optout?: string;
  readonly values?: ReadonlySet<unknown>;
}

const compiled = new WeakMap<z.ZodType, Check>();

/** True only when `schema.safeParse(value).success` is true. */
export function conforms(schema: z.ZodType, value: unknown): boolean {
  return checkFor(schema)(value);
}

function checkFor(schema: z.ZodType): Check {
  let check = compiled.get(schema);
  if (!check) {
    // A schema that contains itself meets this stand-in while it is being compiled.
    let built: Check | undefined;
    compiled.set(schema, (value) => built!(value));
    built = compile(schema);
    compiled.set(schema, built);
    check = built;
  }
  return check;
}

function compile(schema: z.ZodType): Check {
  const zod = internals(schema);
  const def = zod.def;
  const byZod = askZod(schema);
  if (def.coerce) return byZod;
  const own = ownChecks(def);
  if (own === undefined) return byZod;

  switch (def.type) {
    case 'string':
      // A string schema with a format (url, email…) is its own check: zod's to answer.
      if (def.format !== undefined || def.check !== undefined) return byZod;
      return withChecks((value) => typeof value === 'string', own);
    case 'number':
      if (def.format !== undefined || def.check !== undefined) return byZod;
      return withChecks((value) => typeof value === 'number' && Number.isFinite(value), own);
    case 'boolean':
      return withChecks((value) => typeof value === 'boolean', own);
    case 'null':
      return withChecks((value) => value === null, own);
    case 'unknown':
    case 'any':
      return withChecks(() => true, own);
    case 'never':
      return () => false;
    case 'literal':
    case 'enum': {
      const values = zod.values;
      if (!values) return byZod;
      return withChecks((value) => values.has(value), own);
    }
    case 'optional': {
      const inner = checkFor(def.innerType!);
      return withChecks((value) => value === undefined || inner(value), own);
    }
    case 'nullable': {
      const inner = checkFor(def.innerType!);
      return withChecks((value) => value === null || inner(value), own);
    }
    case 'default': {
      // zod puts the default in place of undefined without validating it.
      const inner = checkFor(def.innerType!);
      return withChecks((value) => value === undefined || inner(value), own);
    }
    case 'readonly': {
      const inner = checkFor(def.innerType!);
      return withChecks(inner, own);
    }
    case 'array': {
      const element = checkFor(def.element!);
      return withChecks((value) => {
        if (!Array.isArray(value)) return false;
        for (let index = 0; index < value.length; index++) if (!element(value[index])) return false;
        return true;
      }, own);
    }
    case 'union': {
      if (def.inclusive === false) return byZod;
      const options = def.options!.map(checkFor);
      return withChecks((value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      }, own);
    }
    case 'record':
      return compileRecord(def, own, byZod);
    case 'object':
      return compileObject(def, own);
    default:
      return byZod;
  }
}

/**
 * zod's answer for this schema. Answers for plain values are remembered: a file repeats its
 * durations and numbers ("15m", 1) in step after step, and a schema says the same of each.
 */
function askZod(schema: z.ZodType): Check {
  const answers = new Map<unknown, boolean>();
  return (value) => {
    const plain = value === null || (typeof value !== 'object' && typeof value !== 'function');
    if (!plain) return schema.safeParse(value).success;
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = schema.safeParse(value).success;
      if (answers.size < 10_000) answers.set(value, answer);
    }
    return answer;
  };
}

function compileRecord(def: Def, own: readonly Check[], byZod: Check): Check {
  // A key schema listing its keys (an enum) makes zod require every one of them.
  if (internals(def.keyType!).values || def.mode === 'loose') return byZod;
  const key = checkFor(def.keyType!);
  const item = checkFor(def.valueType!);
  return withChecks((value) => {
    if (!isPlainRecord(value)) return false;
    for (const name in value) {
      if (name === '__proto__' || !Object.hasOwn(value, name)) return false;
      if (!key(name) || !item(value[name])) return false;
    }
    return true;
  }, own);
}

function compileObject(def: Def, own: readonly Check[]): Check {
  const shape = def.shape!;
  const keys = Object.keys(shape);
  const fields = keys.map((name): Field => {
    const zod = internals(shape[name]!);
    // zod: an absent key is fine when its schema is optional in and out (whatever it says of
    // undefined); when it is not optional at all it is an issue; otherwise the schema decides.
    const absent = zod.optin !== undefined && zod.optout === 'optional' ? 'fine' : zod.optin === undefined ? 'missing' : 'check';
    return { name, check: checkFor(shape[name]!), absent };
  });
  const catchall = def.catchall;
  const extra = catchall === undefined ? 'ignored' : internals(catchall).def.type === 'never' ? 'refused' : 'checked';
  const extraCheck = catchall === undefined ? undefined : checkFor(catchall);

  // zod looks keys up with `in`, which sees Object.prototype: a field named like one of its
  // members is checked zod's way, field by field.
  if (keys.some((name) => name in Object.prototype)) return withChecks(fieldByField(fields, extra, extraCheck), own);

  // Otherwise walk the keys the mapping has (a step writes 5 of its 17 fields), then count the required ones seen.
  const byName = new Map(fields.map((field) => [field.name, field]));
  const required = fields.filter((field) => field.absent === 'missing').length;
  const decided = fields.filter((field) => field.absent === 'check');
  return withChecks((value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    let requiredSeen = 0;
    let decidedSeen = 0;
    for (const name in record) {
      const field = byName.get(name);
      if (field === undefined) {
        if (extra === 'ignored') continue;
        if (extra === 'refused' || name === '__proto__' || !extraCheck!(record[name])) return false;
        continue;
      }
      if (!field.check(record[name])) return false;
      if (field.absent === 'missing') requiredSeen++;
      else if (field.absent === 'check') decidedSeen++;
    }
    if (requiredSeen !== required) return false;
    if (decidedSeen !== decided.length) {
      for (const field of decided) if (!(field.name in record) && !field.check(undefined)) return false;
    }
    return true;
  }, own);
}

interface Field {
  readonly name: string;
  readonly check: Check;
  readonly absent: 'fine' | 'missing' | 'check';
}

function fieldByField(fields: readonly Field[], extra: 'ignored' | 'refused' | 'checked', extraCheck: Check | undefined): Check {
  const known = new Set(fields.map((field) => field.name));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    for (const field of fields) {
      if (!(field.name in record)) {
        if (field.absent === 'fine') continue;
        if (field.absent === 'missing' || !field.check(undefined)) return false;
        continue;
      }
      if (!field.check(record[field.name])) return false;
    }
    if (extra === 'ignored') return true;
    for (const name in record) {
      if (name === '__proto__') return false;
      if (known.has(name)) continue;
      if (extra === 'refused' || !extraCheck!(record[name])) return false;
    }
    return true;
  };
}

/** The schema's own checks as functions; undefined when one of them is zod's alone to run. */
function ownChecks(def: Def): Check[] | undefined {
  const checks: Check[] = [];
  for (const check of def.checks ?? []) {
    const spec = check._zod.def;
    const before = checks.length;
    switch (spec.check) {
      case 'min_length':
        checks.push((value) => (value as { length: number }).length >= spec.minimum!);
        break;
      case 'max_length':
        checks.push((value) => (value as { length: number }).length <= spec.maximum!);
        break;
      case 'length_equals':
        checks.push((value) => (value as { length: number }).length === spec.length!);
        break;
      case 'string_format':
        if (spec.format !== 'regex' || !spec.pattern) return undefined;
        checks.push((value) => {
          spec.pattern!.lastIndex = 0;
          return spec.pattern!.test(value as string);
        });
        break;
      case 'greater_than':
        if (typeof spec.value !== 'number') return undefined;
        checks.push((value) => (spec.inclusive ? (value as number) >= (spec.value as number) : (value as number) > (spec.value as number)));
        break;
      case 'less_than':
        if (typeof spec.value !== 'number') return undefined;
        checks.push((value) => (spec.inclusive ? (value as number) <= (spec.value as number) : (value as number) < (spec.value as number)));
        break;
      default:
        return undefined;
    }
    if (spec.when) {
      const guarded = checks[before]!;
      const when = spec.when;
      const payload: { value: unknown; issues: unknown[] } = { value: undefined, issues: [] };
      checks[before] = (value) => {
        payload.value = value;
        const applies = when(payload);
        payload.value = undefined;
        return !applies || guarded(value);
      };
    }
  }
  return checks;
}

function withChecks(base: Check, checks: readonly Check[]): Check {
  if (checks.length === 0) return base;
  return (value) => {
    if (!base(value)) return false;
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

function internals(schema: z.ZodType): Internals {
  return (schema as unknown as { _zod: Internals })._zod;
}

/** zod's test for a record: an object whose prototype is Object's (or none). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
