/**
 * Templates: `${{ inputs.x }}`, `${{ steps.id.outputs.y }}`, `${{ env.path.to.field }}`,
 * `${{ session.id }}`. One parser serves lint (positions, references) and the session engine
 * (resolution). A resolved value is data for a parameter, never text for SQL or a shell.
 */

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
}

export interface TemplateSyntaxError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

const TEMPLATE = /\$\{\{([^}]*)\}\}/g;
const UNCLOSED = /\$\{\{(?![^}]*\}\})/g;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const NAMESPACES: readonly string[] = ['inputs', 'steps', 'env', 'session'];

/** Finds every template in `text`, with syntax errors (unclosed, empty, unknown namespace, bad path). */
export function findTemplates(text: string): { references: TemplateReference[]; errors: TemplateSyntaxError[] } {
  const references: TemplateReference[] = [];
  const errors: TemplateSyntaxError[] = [];
  for (const match of text.matchAll(TEMPLATE)) {
    const start = match.index;
    const end = start + match[0].length;
    const expression = match[1]!.trim();
    const segments = expression.split('.');
    const [namespace, ...path] = segments;
    if (expression === '') {
      errors.push({ message: 'empty template "${{ }}"', start, end });
    } else if (!NAMESPACES.includes(namespace!)) {
      errors.push({ message: `unknown template namespace "${namespace}" in "${match[0]}": use inputs, steps, env or session`, start, end });
    } else if (path.length === 0 || !segments.every((segment) => SEGMENT.test(segment))) {
      errors.push({ message: `malformed template "${match[0]}": expected a dotted path such as "${namespace}.name"`, start, end });
    } else {
      references.push({ text: match[0], namespace: namespace as TemplateNamespace, path, start, end });
    }
  }
  for (const match of text.matchAll(UNCLOSED)) {
    errors.push({ message: 'unclosed template: "${{" without "}}"', start: match.index, end: text.length });
  }
  return { references, errors };
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
