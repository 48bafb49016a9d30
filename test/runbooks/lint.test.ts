import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { literalPassword } from '../../src/runbooks/file-checks.js';
import { analyzeRunbooksText, formatProblem, lintRunbooksText } from '../../src/runbooks/lint.js';
import { SourceMap } from '../../src/runbooks/yaml-positions.js';
import { testProviders } from './fixtures/providers.js';

const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');
const lines = (text: string) =>
  lintRunbooksText(text, 'r.yaml', { providers: testProviders }).map((problem) => `${problem.line}:${problem.col} ${problem.path}: ${problem.message}`);

describe('lintRunbooksText', () => {
  test('reports every problem at once, sorted by position', () => {
    const broken = base
      .replace('kind: manual', 'kind: manaul')
      .replace('maxAge: 15m', 'maxAge: soon')
      .replace('    confirm: production\n', '')
      .replace('${{ session.id }}', '${{ session.user }}');
    expect(lines(broken)).toEqual([
      '17:16 environments.production: a protected environment needs "confirm:", the name the operator types before each action (e.g. confirm: production)',
      '44:19 runbooks.0.sections.0.steps.0.kind: expected one of "manual", "check", "wait", "action", "input", got "manaul"',
      '71:26 runbooks.0.sections.1.steps.0.with.tags.session: unknown session field in ${{ session.user }}: use one of id, incident, operator, env, drill, startedAt',
      '103:23 runbooks.1.sections.0.steps.0.with.maxAge: expected a duration like "90s", "30m", "26h" or "7d", got "soon"',
    ]);
  });

  test('formats a problem as FILE:LINE:COL path: message, keeping the file as given', () => {
    const [problem] = lintRunbooksText(base.replace('cadence: weekly', 'cadence: often'), '../ops/runbooks.yaml', { providers: testProviders });
    expect(formatProblem(problem!)).toBe(
      '../ops/runbooks.yaml:35:14 runbooks.0.cadence: expected one of "daily", "weekly", "monthly", "quarterly", got "often"',
    );
  });

  test('an empty file and a file that is not a mapping say what is expected', () => {
    expect(lines('')).toEqual(['1:1 (root): the file is empty: expected "version: 1", "environments:" and "runbooks:"']);
    expect(lines('# only a comment\n- a\n- b\n')).toEqual(['2:1 (root): the file is not a mapping: expected "version: 1", "environments:" and "runbooks:"']);
  });

  test('a parameter holding a template is not type-checked before resolution', () => {
    const templated = base.replace('maxAge: 15m', 'maxAge: ${{ env.vars.bucket }}');
    expect(lines(templated)).toEqual([]);
  });

  test('an unclosed template is reported where it starts', () => {
    expect(lines(base.replace('instanceId: ${{ inputs.instance_id }}', 'instanceId: x-${{ inputs.instance_id'))).toEqual([
      '69:29 runbooks.0.sections.1.steps.0.with.instanceId: unclosed template: "${{" without "}}"',
    ]);
  });

  test('a step may not use its own outputs', () => {
    expect(lines(base.replace('params: ["${{ steps.create-volume.outputs.volumeId }}"]', 'params: ["${{ steps.check-rows.outputs.value }}"]'))).toEqual([
      '85:25 runbooks.0.sections.1.steps.1.with.params.0: ${{ steps.check-rows.outputs.value }}: a step cannot use its own outputs',
    ]);
  });

  test('manual steps have no outputs', () => {
    const text = base.replace('session: ${{ session.id }}', 'session: ${{ steps.announce.outputs.note }}');
    expect(lines(text)).toEqual([
      '72:26 runbooks.0.sections.1.steps.0.with.tags.session: step "announce" is a manual step and has no outputs (used by ${{ steps.announce.outputs.note }})',
    ]);
  });

  test('connections and env fields are required only where the step applies (when:)', () => {
    const stagingOnly = base
      .replace('aws.region: [eu-west-1]', 'name: [staging]')
      .replace('              database: main\n              maxAge', '              database: restore\n              maxAge');
    expect(lines(stagingOnly)).toEqual([]);
    const production = stagingOnly.replace('      restore:\n        url: postgres://postgres@10.0.0.9', '      other:\n        url: postgres://postgres@10.0.0.9');
    const everywhere = production.replace('name: [staging]', 'name: [staging, production]');
    expect(lines(everywhere)).toEqual([
      '103:25 runbooks.1.sections.0.steps.0.with.database: connection "restore" is not defined in environment "production"; add it under environments.production.postgres',
    ]);
  });

  test('returns the validated file, with schema defaults, only when clean', () => {
    const clean = analyzeRunbooksText(base, 'r.yaml', { providers: testProviders });
    expect(clean.problems).toEqual([]);
    expect(clean.file?.environments.staging?.protected).toBe(false);
    expect(clean.file?.runbooks[0]?.inputs.volume_id).toEqual({ type: 'text', required: true, secret: false, description: 'The volume to restore' });
    const broken = analyzeRunbooksText(base.replace('cadence: weekly', 'cadence: often'), 'r.yaml', { providers: testProviders });
    expect(broken.file).toBeUndefined();
  });

  test('with the built-in catalog, postgres.query needs database and sql (docs/providers.md)', () => {
    const text = base.replace('              database: main\n              sql: select count(*) from volumes where id = $1\n', '');
    const problems = lintRunbooksText(text, 'r.yaml').filter((problem) => problem.path.startsWith('runbooks.0.sections.1.steps.1.with'));
    expect(problems.map((problem) => `${problem.line}:${problem.col} ${problem.path}: ${problem.message}`)).toEqual([
      '83:15 runbooks.0.sections.1.steps.1.with: missing required fields "database" and "sql"',
    ]);
  });
});

describe('literalPassword', () => {
  test('finds a password written in a URL or conninfo, never a ${ENV_VAR} reference', () => {
    expect(literalPassword('postgres://u:hunter2@h/db')).toBe('hunter2');
    expect(literalPassword('postgresql://u@h/db?sslmode=require&password=s3cret')).toBe('s3cret');
    expect(literalPassword("host=h user=u password='p w'")).toBe('p w');
    expect(literalPassword('postgres://u:${PGPASSWORD}@h/db')).toBeUndefined();
    expect(literalPassword('postgres://u@h:5432/db')).toBeUndefined();
    expect(literalPassword('postgres://h:5432/db')).toBeUndefined();
  });
});

describe('SourceMap', () => {
  const text = [
    'a:',
    '  plain: x ${{ inputs.p }} and ${{ inputs.q }}',
    '  quoted: "say \\"hi\\" ${{ inputs.q }}"',
    '  block: >',
    '    folded text',
    '    ${{ env.name }}',
    '  empty:',
    '  list: [1, { k: v }]',
  ].join('\n');
  const source = new SourceMap(text);

  test('finds each template in plain, quoted and folded scalars', () => {
    expect(source.template(['a', 'plain'], 0)).toEqual({ line: 2, col: 12 });
    expect(source.template(['a', 'plain'], 1)).toEqual({ line: 2, col: 32 });
    expect(source.template(['a', 'quoted'], 0)).toEqual({ line: 3, col: 23 });
    expect(source.template(['a', 'block'], 0)).toEqual({ line: 6, col: 5 });
  });

  test('points at keys, values, and the nearest existing node', () => {
    expect(source.key(['a', 'list'])).toEqual({ line: 8, col: 3 });
    expect(source.value(['a', 'list', 1, 'k'])).toEqual({ line: 8, col: 18 });
    expect(source.value(['a', 'empty'])).toEqual({ line: 7, col: 3 });
    expect(source.value(['a', 'missing', 'deeper'])).toEqual({ line: 2, col: 3 });
    expect(source.parent(['a', 'list', 1, 'absent'])).toEqual({ line: 8, col: 13 });
  });
});
