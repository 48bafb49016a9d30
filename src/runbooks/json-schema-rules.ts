/**
 * Lint's rules that a JSON Schema can state, added to the parts zod emits: which provider a step
 * may name and with which `with:` (if/then per provider), which fields each step kind needs or
 * refuses, the confirmation name of a protected environment, AWS keys only as references, and
 * durations. Each mirrors a check of src/runbooks/step-checks.ts or file-checks.ts; the JSON
 * Schema tests hold every one of them to lint's corpus.
 */
import type { ProviderDefinition } from '../steps/definition.js';
import { DURATION_PATTERN } from '../steps/params.js';
import { ENV_REFERENCE } from './file-checks.js';
import type { JsonSchema } from './json-schema-templates.js';

/** Step kinds that name a provider with `uses:` (input steps name theirs under `input.from`). */
const USES_KINDS = ['check', 'wait', 'action'] as const;
/** Step fields that lint reads as durations. */
const DURATION_FIELDS = ['timeout', 'interval'];

/** The step kinds (of check, wait, action) that may name this provider in `uses:`. */
export function providerKinds(definition: ProviderDefinition): string[] {
  return USES_KINDS.filter((kind) => (definition.kinds as readonly string[]).includes(kind));
}

/** Where a provider's `with:` schema lives under `definitions`. */
export function withDefinition(name: string): string {
  return `with:${name}`;
}

const withRef = (name: string): JsonSchema => ({ $ref: `#/definitions/${withDefinition(name)}` });

const fieldIs = (field: string, values: readonly unknown[]): JsonSchema => ({
  properties: { [field]: values.length === 1 ? { const: values[0] } : { enum: [...values] } },
  required: [field],
});

/** A step: its provider and that provider's parameters, and the fields its kind needs or refuses. */
export function stepRules(step: JsonSchema, providers: readonly ProviderDefinition[]): void {
  const usable = providers.filter((definition) => providerKinds(definition).length > 0);
  const properties = step.properties as Record<string, JsonSchema>;
  properties.uses = {
    type: 'string',
    description: 'the built-in provider this step runs; its parameters go under with: (see docs/providers.md)',
    enum: usable.map((definition) => definition.name),
  };
  for (const field of DURATION_FIELDS) {
    properties[field] = { ...properties[field], pattern: DURATION_PATTERN, description: 'a duration such as "90s", "30m", "26h" or "7d"' };
  }
  step.allOf = [
    { if: fieldIs('kind', USES_KINDS), then: { required: ['uses'] } },
    { if: fieldIs('kind', ['manual', 'input']), then: { properties: { uses: false } } },
    { if: fieldIs('kind', ['input']), then: { required: ['input'] } },
    { if: fieldIs('kind', ['manual', ...USES_KINDS]), then: { properties: { input: false } } },
    ...usable.map((definition) => ({
      if: fieldIs('uses', [definition.name]),
      then: {
        properties: {
          kind: { enum: providerKinds(definition) },
          uses: { description: definition.summary },
          with: withRef(definition.name),
        },
      },
    })),
  ];
}

/** An input step's live list: a provider that offers choices, with its parameters. */
export function choiceSourceRules(source: JsonSchema, providers: readonly ProviderDefinition[]): void {
  const lists = providers.filter((definition) => definition.kinds.includes('input'));
  const properties = source.properties as Record<string, JsonSchema>;
  properties.uses = {
    type: 'string',
    description: 'the built-in provider that lists the choices (see docs/providers.md)',
    enum: lists.map((definition) => definition.name),
  };
  // As lint does, the parameters are those of the provider named, even one that offers no list.
  source.allOf = providers.map((definition) => ({
    if: fieldIs('uses', [definition.name]),
    then: { properties: { uses: { description: definition.summary }, with: withRef(definition.name) } },
  }));
}

/** What an input step asks for: a choice needs its choices, fixed or live. */
export function inputRules(input: JsonSchema): void {
  input.allOf = [{ if: fieldIs('type', ['choice']), then: { anyOf: [{ required: ['choices'] }, { required: ['from'] }] } }];
}

/** A protected environment names what the operator types to confirm each action. */
export function environmentRules(environment: JsonSchema): void {
  environment.allOf = [{ if: fieldIs('protected', [true]), then: { required: ['confirm'] } }];
}

/** AWS keys only as `${ENV_VAR}` references. */
export function awsRules(aws: JsonSchema): void {
  const properties = aws.properties as Record<string, JsonSchema>;
  for (const key of ['accessKeyId', 'secretAccessKey']) {
    properties[key] = { ...properties[key], pattern: ENV_REFERENCE.source, description: 'a reference such as "${AWS_ACCESS_KEY_ID}", never the key itself' };
  }
}
