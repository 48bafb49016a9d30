/**
 * Templates: `${{ inputs.x }}`, `${{ steps.id.outputs.y }}`, `${{ env.path.to.field }}`,
 * `${{ session.id }}`. One parser serves lint (positions, references) and the session engine
 * (resolution). A resolved value is data for a parameter, never text for SQL or a shell.
 */
import { cutShort, quote } from './echo.js';

export type TemplateNamespace = 'inputs' | 'steps' | 'env' | 'session';

/** Fields of the `session` namespace. */
export const sessionFields = ['id', 'incident', 'operator', 'env', 'drill', 'startedAt'] as const;

export interface TemplateReference {
  /** The whole `${{ … }}` text. */
  readonly text: string;
  readonly namespace: TemplateNamespace;
  /** Segments after the namespace: ["target_time"], ["create-volume", "outputs", "volumeId"], ["vars", "bucket"]. */
  readonly path: readonly string[];
  /** Offsets of the template inside the string. */
  readonly start: number;
  readonly end: number;
  /** How many `${{` come before it in the string (the source map finds the template by it). */
  readonly occurrence: number;
}

export interface TemplateSyntaxError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** How many `${{` come before it in the string. */
  readonly occurrence: number;
}

const OPEN = '${{';
/** A namespace and at least one more segment, each of letters, digits, `_` and `-`. */
const DOTTED_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/;
const NAMESPACES: readonly string[] = ['inputs', 'steps', 'env', 'session'];

/**
 * Finds every template in `text`, with syntax errors (unclosed, empty, unknown namespace, bad path).
 * A template is `${{`, then anything but `}`, then `}}`; a `${{` with no such end is unclosed.
 * One pass over the text: the next `}` is looked up once per stretch of text, never once per
 * `${{`, so a string of a hundred thousand templates takes as long as reading it.
 */
export function findTemplates(text: string): { references: TemplateReference[]; errors: TemplateSyntaxError[] } {
  const references: TemplateReference[] = [];
  const errors: TemplateSyntaxError[] = [];
  const unclosed: TemplateSyntaxError[] = [];
  let occurrence = 0;
  let brace = -2; // the first `}` at or after the current search point; -1 when there is none
  let consumedUntil = 0; // a `${{` before this offset lies inside a template already found
  for (let start = text.indexOf(OPEN); start !== -1; start = text.indexOf(OPEN, start + OPEN.length), occurrence++) {
    if (brace !== -1 && brace < start + OPEN.length) brace = text.indexOf('}', start + OPEN.length);
    const closed = brace !== -1 && text.charCodeAt(brace + 1) === 125; // `}}`
    if (!closed) {
      unclosed.push({ message: 'unclosed template: "${{" without "}}"', start, end: text.length, occurrence });
      continue;
    }
    if (start < consumedUntil) continue;
    const end = brace + 2;
    consumedUntil = end;
    const whole = text.slice(start, end);
    const problem = templateProblem(whole, text.slice(start + OPEN.length, brace).trim());
    if (typeof problem === 'string') errors.push({ message: problem, start, end, occurrence });
    else references.push({ text: whole, namespace: problem.namespace, path: problem.path, start, end, occurrence });
  }
  for (const error of unclosed) errors.push(error);
  return { references, errors };
}

function templateProblem(whole: string, expression: string): string | { namespace: TemplateNamespace; path: string[] } {
  if (expression === '') return 'empty template "${{ }}"';
  const dot = expression.indexOf('.');
  const namespace = dot === -1 ? expression : expression.slice(0, dot);
  if (!NAMESPACES.includes(namespace)) return `unknown template namespace ${quote(namespace)} in ${quote(whole)}: use inputs, steps, env or session`;
  if (dot === -1 || !DOTTED_PATH.test(expression)) {
    return `malformed template ${quote(whole)}: expected a dotted path such as "${cutShort(namespace)}.name"`;
  }
  return { namespace: namespace as TemplateNamespace, path: expression.slice(dot + 1).split('.') };
}

/** True when any string inside `value` holds a template. */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${{');
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}

/** What templates resolve against. */
export interface TemplateScope {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly steps: Readonly<Record<string, { readonly outputs: Readonly<Record<string, unknown>> }>>;
  readonly env: Readonly<Record<string, unknown>>;
  readonly session: Readonly<Record<string, unknown>>;
}

/** A template that cannot be resolved now (e.g. a step that has not produced its output). */
export class TemplateResolutionError extends Error {
  constructor(
    readonly template: string,
    readonly location: string,
    reason: string,
  ) {
    super(`${location}: cannot resolve ${template}: ${reason}`);
    this.name = 'TemplateResolutionError';
  }
}

/**
 * Resolves every template inside `value` (strings, arrays, objects). A string that is exactly one
 * template takes the referenced value as it is (number, boolean, list); otherwise the referenced
 * values are written into the string. `location` names the field in errors (e.g. "with.sql").
 */
export function resolveTemplates(value: unknown, scope: TemplateScope, location = 'value'): unknown {
  if (typeof value === 'string') return resolveString(value, scope, location);
  if (Array.isArray(value)) return value.map((item, index) => resolveTemplates(item, scope, `${location}.${index}`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveTemplates(item, scope, `${location}.${key}`)]),
    );
  }
  return value;
}

function resolveString(text: string, scope: TemplateScope, location: string): unknown {
  if (!text.includes('${{')) return text;
  const { references, errors } = findTemplates(text);
  if (errors.length > 0) throw new TemplateResolutionError(text, location, errors[0]!.message);
  const only = references.length === 1 ? references[0]! : undefined;
  if (only && only.start === 0 && only.end === text.length) return lookup(only, scope, location);
  let result = '';
  let cursor = 0;
  for (const reference of references) {
    result += text.slice(cursor, reference.start) + stringify(lookup(reference, scope, location));
    cursor = reference.end;
  }
  return result + text.slice(cursor);
}

function lookup(reference: TemplateReference, scope: TemplateScope, location: string): unknown {
  let current: unknown = scope[reference.namespace];
  for (const segment of reference.path) {
    if (current === null || typeof current !== 'object' || !(segment in current)) {
      throw new TemplateResolutionError(reference.text, location, `"${segment}" is not there yet (has the step that produces it run?)`);
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined) {
    throw new TemplateResolutionError(reference.text, location, 'the value is not set');
  }
  return current;
}

function stringify(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
