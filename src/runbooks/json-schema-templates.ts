/**
 * Templates in provider parameters, for the JSON Schema. Lint checks `with:` before templates
 * resolve and lets any value holding `${{` stand where the parameter expects something else (a
 * number, a list, one of a few words): the value is checked again once it resolves. So wherever
 * a parameter's schema would refuse some string holding a template, the JSON Schema offers a
 * template string as the alternative.
 *
 * Lint is more lenient still: a list or mapping holding a template anywhere inside is excused
 * from its own checks (its length, its required keys). The JSON Schema does not go that far; it
 * accepts a template in place of a value, not a value that merely contains one.
 */

/** A JSON Schema node (draft-07), as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/** Name of the template's entry under `definitions`. */
export const TEMPLATE_DEFINITION = 'template';

/** The template string: lint's `containsTemplate` says yes to any string holding `${{`. */
export const templateSchema: JsonSchema = {
  type: 'string',
  pattern: String.raw`\$\{\{`,
  description:
    'a template such as ${{ inputs.name }}, ${{ steps.ID.outputs.NAME }}, ${{ env.vars.NAME }} or ${{ session.id }}; its value is checked once it resolves',
};

const TEMPLATE_REF: JsonSchema = { $ref: `#/definitions/${TEMPLATE_DEFINITION}` };

/** Keywords that describe a value without constraining it. */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$comment']);
/** Keywords that never apply to a string (JSON Schema ignores them for other types). */
const NOT_FOR_STRINGS = new Set([
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'items', 'minItems', 'maxItems', 'uniqueItems', 'contains',
  'properties', 'required', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties',
]);
/** The shortest string holding a template: `${{` itself. */
const SHORTEST_TEMPLATE = 3;

/**
 * A parameter schema that also takes a template string at every value inside it. The root (the
 * `with:` mapping itself) stays a mapping: lint refuses a template there.
 */
export function acceptTemplates(root: JsonSchema): JsonSchema {
  return withTemplates(root, false);
}

function withTemplates(node: JsonSchema, isValue: boolean): JsonSchema {
  const result: JsonSchema = { ...node };
  const properties = record(node.properties);
  if (properties) result.properties = mapValues(properties, (child) => withTemplates(child, true));
  const additional = record(node.additionalProperties);
  if (additional) result.additionalProperties = withTemplates(additional, true);
  if (Array.isArray(node.items)) result.items = node.items.map((child: JsonSchema) => withTemplates(child, true));
  else if (record(node.items)) result.items = withTemplates(node.items as JsonSchema, true);
  // The members of a union stand for the same value: the union as a whole takes the template.
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const members = node[keyword];
    if (Array.isArray(members)) result[keyword] = members.map((member: JsonSchema) => withTemplates(member, false));
  }
  if (!isValue || acceptsEveryTemplate(result)) return result;
  const outer: JsonSchema = {};
  const inner: JsonSchema = {};
  for (const [keyword, value] of Object.entries(result)) (ANNOTATIONS.has(keyword) ? outer : inner)[keyword] = value;
  const alternatives = Object.keys(inner).length === 1 && Array.isArray(inner.anyOf) ? inner.anyOf : [inner];
  return { ...outer, anyOf: [TEMPLATE_REF, ...alternatives] };
}

/** True when every string holding `${{` passes `node` already (a plain string, `{}`, a union with one). */
function acceptsEveryTemplate(node: JsonSchema): boolean {
  const constraints = Object.keys(node).filter((keyword) => !ANNOTATIONS.has(keyword));
  if (constraints.length === 0) return true;
  if (Array.isArray(node.anyOf) && constraints.length === 1) return node.anyOf.some((member: JsonSchema) => acceptsEveryTemplate(member));
  const types = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type : [];
  if (!types.includes('string')) return false;
  return constraints.every(
    (keyword) =>
      keyword === 'type' ||
      NOT_FOR_STRINGS.has(keyword) ||
      (keyword === 'minLength' && typeof node.minLength === 'number' && node.minLength <= SHORTEST_TEMPLATE),
  );
}

function record(value: unknown): Record<string, JsonSchema> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, JsonSchema>) : undefined;
}

function mapValues(object: Record<string, JsonSchema>, map: (value: JsonSchema) => JsonSchema): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}
