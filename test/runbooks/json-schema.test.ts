/**
 * The JSON Schema of the runbooks file, held to lint by an independent validator (ajv): the
 * bundled file passes, the lint corpus's base file passes, and every corpus mistake that is about
 * the file's shape fails it too.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { lintRunbooksText } from '../../src/runbooks/lint.js';
import { RUNBOOKS_SCHEMA_FILE, runbooksJsonSchema, runbooksJsonSchemaText } from '../../src/runbooks/json-schema.js';
import { providerDefinitions } from '../../src/steps/catalog.js';
import { testProviders } from './fixtures/providers.js';
import { corpus } from './lint-corpus.cases.js';
import { fakeIO } from '../cli/support/fake-io.js';

// ajv-formats is CommonJS: under ESM its plugin may arrive as the default export's own default.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

const root = fileURLToPath(new URL('../../', import.meta.url));
const bundledText = readFileSync(`${root}runbooks.yaml`, 'utf8');
const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');

function validator(schema: object): ValidateFunction {
  // strict: a keyword ajv does not know is an error, not a shrug (a "required" inside if/then
  // names properties declared beside it, and a union of types is meant, so those two checks are off).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const builtIn = validator(runbooksJsonSchema());
const forCorpus = validator(runbooksJsonSchema(testProviders));

function errorsOf(validate: ValidateFunction, data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'} ${error.message}`);
}

/** The smallest file around one step. */
function step(fields: Record<string, unknown>): unknown {
  return {
    version: 1,
    environments: { staging: { postgres: { main: { url: 'postgres://app@db/control' } } } },
    runbooks: [{ id: 'probe', title: 'Probe', summary: 'One step.', sections: [{ id: 'only', title: 'Only', steps: [{ id: 'probe', title: 'Probe', do: 'Probe it.', ...fields }] }] }],
  };
}

describe('runbooks.schema.json', () => {
  test('is the generator\'s output (regenerate: npm run build && node dist/runbook.js schema > runbooks.schema.json)', () => {
    expect(readFileSync(`${root}${RUNBOOKS_SCHEMA_FILE}`, 'utf8')).toBe(runbooksJsonSchemaText());
  });

  test('"runbook schema" prints the same bytes', async () => {
    const io = fakeIO({ cwd: root });
    expect(await main(['schema'], io)).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toBe(readFileSync(`${root}${RUNBOOKS_SCHEMA_FILE}`, 'utf8'));
  });

  test('ships with the package and is named on the first line of the bundled runbooks.yaml', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(RUNBOOKS_SCHEMA_FILE);
    expect(bundledText.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${RUNBOOKS_SCHEMA_FILE}`);
  });

  test('gives each provider that steps may name its with: parameters through if/then', () => {
    const schema = runbooksJsonSchema() as any;
    const stepSchema = schema.properties.runbooks.items.properties.sections.items.properties.steps.items;
    const branches = new Map<string, any>(
      stepSchema.allOf.filter((rule: any) => rule.if.properties.uses).map((rule: any) => [rule.if.properties.uses.const, rule.then]),
    );
    const usable = [...providerDefinitions.values()].filter((definition) => definition.kinds.some((kind) => kind !== 'input'));
    expect([...branches.keys()]).toEqual(usable.map((definition) => definition.name));
    expect(stepSchema.properties.uses.enum).toEqual(usable.map((definition) => definition.name));
    for (const definition of usable) {
      const ref = branches.get(definition.name).properties.with.$ref as string;
      expect(ref).toBe(`#/definitions/with:${definition.name}`);
      expect(schema.definitions[`with:${definition.name}`].description).toBe(definition.summary);
    }
  });
});

describe('an independent validator (ajv) agrees with lint', () => {
  test('the bundled runbooks.yaml lints clean and passes the schema', () => {
    expect(lintRunbooksText(bundledText, 'runbooks.yaml')).toEqual([]);
    expect(errorsOf(builtIn, yaml.load(bundledText))).toEqual([]);
  });

  test('the lint corpus base file passes the schema made from the corpus providers', () => {
    expect(errorsOf(forCorpus, yaml.load(base))).toEqual([]);
  });

  /**
   * Corpus mistakes that are not about the file's shape, so JSON Schema cannot catch them; each
   * is shown to pass the schema, so none is claimed. Every other case must fail it.
   */
  const notForJsonSchema: Record<string, string> = {
    'YAML syntax: unclosed quote': 'YAML syntax: there is no data to validate',
    'YAML: duplicate key': 'YAML syntax: a parser keeps one of the keys, so the data has none twice',
    'duplicate step id': 'uniqueness of a value across list items: JSON Schema has uniqueItems for whole items only',
    'duplicate section id': 'uniqueness of a value across list items',
    'duplicate runbook id': 'uniqueness of a value across list items (and the alert link that follows from it)',
    'unknown input': 'a template names an input declared elsewhere in the runbook',
    'unknown step in a template': 'a template names a step elsewhere in the runbook',
    'step that comes later': 'a template names a step by its order in the runbook',
    'unknown output in a block scalar': "a template names an output of another step's provider",
    'unknown output in a quoted scalar': 'a template names an output of another step',
    'environment field missing in one environment': 'a template names a field that every environment must have',
    'unknown session field': 'inside a template string (the template language is lint\'s)',
    'unknown template namespace': 'inside a template string (the template language is lint\'s)',
    'template inside SQL': 'where a template sits inside SQL text',
    'unknown connection': "a connection name must be defined in each environment the step applies to",
    'when path no environment has': 'a when: path must exist in some environment',
    'unknown alert on a step': 'an id defined elsewhere in the file (alerts:)',
    'unknown asset on a signal': 'an id defined elsewhere in the file (assets:)',
    'alert linking to an unknown section': 'a link to a runbook and section defined elsewhere in the file',
    'restore test that is not a restore test': 'a property (cadence) of the runbook an id names',
    'literal Postgres password': 'finding a password inside a libpq URL or conninfo string takes parsing, which a pattern would only approximate',
  };
  const syntax = new Set(['YAML syntax: unclosed quote', 'YAML: duplicate key']);

  test('every excluded case is a corpus case', () => {
    const names = new Set(corpus.map((entry) => entry.name));
    expect(Object.keys(notForJsonSchema).filter((name) => !names.has(name))).toEqual([]);
  });

  test.each(corpus.filter((entry) => !(entry.name in notForJsonSchema)).map((entry) => [entry.name, entry] as const))(
    'lint and the schema both refuse: %s',
    (_name, entry) => {
      const text = base.replace(entry.from, entry.to);
      const problems = lintRunbooksText(text, 'broken.yaml', { providers: testProviders });
      expect(problems.length).toBeGreaterThan(0);
      const errors = errorsOf(forCorpus, yaml.load(text));
      expect(errors).not.toEqual([]);
      // Refused for the same place: an error at the problem's path, inside it, or at a mapping holding it.
      for (const problem of problems) {
        const path = problem.path === '(root)' ? [] : problem.path.split('.');
        const near = errors.some((error) => {
          const at = error.split(' ')[0]!.split('/').filter(Boolean);
          return at.every((segment, index) => segment === path[index]) || path.every((segment, index) => segment === at[index]);
        });
        expect(near, `no schema error near ${problem.path}: ${errors.join('; ')}`).toBe(true);
      }
    },
  );

  test.each(corpus.filter((entry) => entry.name in notForJsonSchema && !syntax.has(entry.name)).map((entry) => [entry.name, entry] as const))(
    'lint alone refuses: %s',
    (_name, entry) => {
      const text = base.replace(entry.from, entry.to);
      expect(lintRunbooksText(text, 'broken.yaml', { providers: testProviders }).length).toBeGreaterThan(0);
      expect(errorsOf(forCorpus, yaml.load(text))).toEqual([]);
    },
  );
});

describe('templates where lint takes them', () => {
  const archiver = (maxAge: unknown) => step({ kind: 'check', uses: 'postgres.archiver', with: { database: 'main', maxAge } });

  test('a duration parameter takes a duration, a number of seconds or a template, and nothing else', () => {
    expect(errorsOf(builtIn, archiver('26h'))).toEqual([]);
    expect(errorsOf(builtIn, archiver(90))).toEqual([]);
    expect(errorsOf(builtIn, archiver('${{ inputs.max_age }}'))).toEqual([]);
    expect(errorsOf(builtIn, archiver('soon'))).not.toEqual([]);
    expect(errorsOf(builtIn, archiver(true))).not.toEqual([]);
  });

  test('a number, a boolean, a list and a choice of words each take a template', () => {
    const query = (withs: Record<string, unknown>) => step({ kind: 'check', uses: 'postgres.query', with: { database: 'main', sql: 'select 1', ...withs } });
    expect(errorsOf(builtIn, query({ expect: { rows: { min: '${{ inputs.rows }}' } } }))).toEqual([]);
    expect(errorsOf(builtIn, query({ expect: { rows: { min: 'many' } } }))).not.toEqual([]);
    expect(errorsOf(builtIn, query({ expect: { rows: { min: '12' } } }))).toEqual([]);
    expect(errorsOf(builtIn, query({ params: '${{ inputs.params }}' }))).toEqual([]);
    expect(errorsOf(builtIn, query({ params: 'x' }))).not.toEqual([]);
    const migration = (preset: unknown) => step({ kind: 'check', uses: 'postgres.migrationVersion', with: { database: 'main', preset } });
    expect(errorsOf(builtIn, migration('${{ env.vars.preset }}'))).toEqual([]);
    expect(errorsOf(builtIn, migration('liquibase'))).not.toEqual([]);
  });

  test('a provider a step may not name is refused, as lint refuses it', () => {
    expect(errorsOf(builtIn, step({ kind: 'check', uses: 'postgres.query', with: { database: 'main', sql: 'select 1' } }))).toEqual([]);
    expect(errorsOf(builtIn, step({ kind: 'action', uses: 'postgres.query', with: { database: 'main', sql: 'select 1' } }))).not.toEqual([]);
    expect(errorsOf(builtIn, step({ kind: 'check', uses: 'postgres.nothing' }))).not.toEqual([]);
  });
});
