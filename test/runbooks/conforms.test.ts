/**
 * The quick conformance check lint asks before zod: on every value it must answer what
 * `schema.safeParse(value).success` answers (a yes zod would refuse would hide a problem).
 * Checked on the shipped file, the lint corpus, and thousands of random mutations of them,
 * for the file schema and for every built-in provider's parameters.
 */
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { conforms } from '../../src/runbooks/conforms.js';
import { RunbooksFile } from '../../src/runbooks/schema.js';
import { providerDefinitions } from '../../src/steps/catalog.js';
import { corpus } from './lint-corpus.cases.js';

const load = (text: string) => jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
const bundled = readFileSync(new URL('../../runbooks.yaml', import.meta.url), 'utf8');
const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');

function agree(schema: z.ZodType, value: unknown, what: string) {
  expect(conforms(schema, value), what).toBe(schema.safeParse(value).success);
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function randomFrom(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const replacements: readonly unknown[] = [
  null, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', 'Bad_Id', 'restore-volume', '15m', 'soon', '1', 'true',
  true, false, [], ['x'], [1], {}, { id: 'x' }, { unknown: 1 },
];

/** Copies `value` with one random change somewhere inside: a value replaced, a key dropped, or an unknown key added. */
function mutate(value: unknown, random: () => number): unknown {
  const copy = structuredClone(value);
  const containers: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((item, index) => (containers.push({ parent: node, key: index }), visit(item)));
    else if (node && typeof node === 'object') for (const [key, item] of Object.entries(node)) containers.push({ parent: node as Record<string, unknown>, key }), visit(item);
  };
  visit(copy);
  if (containers.length === 0) return replacements[Math.floor(random() * replacements.length)];
  const { parent, key } = containers[Math.floor(random() * containers.length)]!;
  const action = random();
  if (action < 0.2 && !Array.isArray(parent)) delete parent[key as string];
  else if (action < 0.3 && !Array.isArray(parent)) parent[`extra${Math.floor(random() * 3)}`] = 1;
  else (parent as Record<string | number, unknown>)[key] = replacements[Math.floor(random() * replacements.length)];
  return copy;
}

describe('conforms agrees with zod', () => {
  test('on the shipped runbooks file and the lint corpus', () => {
    agree(RunbooksFile, load(bundled), 'runbooks.yaml');
    agree(RunbooksFile, load(base), 'base.yaml');
    for (const entry of corpus) {
      let data: unknown;
      try {
        data = load(base.replace(entry.from, entry.to));
      } catch {
        continue; // a YAML syntax case: nothing to validate
      }
      agree(RunbooksFile, data, entry.name);
    }
  });

  test('on 3,000 random mutations of the runbooks files', () => {
    const random = randomFrom(42);
    const files = [load(bundled), load(base)];
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const mutated = mutate(files[round % 2], random);
      agree(RunbooksFile, mutated, `round ${round}`);
      if (!RunbooksFile.safeParse(mutated).success) refused++;
    }
    // The mutations must exercise both answers, or the test proves nothing.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(3000);
  });

  test("on every provider's parameters in the shipped file, and random mutations of them", () => {
    const random = randomFrom(7);
    const file = load(bundled) as { runbooks: Array<{ sections: Array<{ steps: Array<Record<string, unknown>> }> }> };
    const uses = file.runbooks.flatMap((runbook) => runbook.sections.flatMap((section) => section.steps)).filter((step) => typeof step.uses === 'string');
    expect(uses.length).toBeGreaterThan(50);
    let compared = 0;
    for (const step of uses) {
      const definition = providerDefinitions.get(step.uses as string);
      if (!definition) continue;
      const params = step.with ?? {};
      agree(definition.params, params, `${step.uses as string} ${step.id as string}`);
      for (let round = 0; round < 20; round++) agree(definition.params, mutate(params, random), `${step.uses as string} ${step.id as string} round ${round}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  test('on values zod alone decides: formats, transforms and refinements', () => {
    const environment = (RunbooksFile.shape.environments as unknown as { _zod: { def: { valueType: z.ZodType } } })._zod.def.valueType;
    for (const endpoint of ['http://127.0.0.1:4566', 'not a url', '', 42]) {
      agree(environment, { aws: { region: 'eu-west-1', endpoints: { s3: endpoint } } }, `endpoint ${String(endpoint)}`);
    }
    agree(RunbooksFile.shape.environments, {}, 'no environment (a refinement)');
  });
});
