import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './support/fake-io.js';

const fixture = new URL('./fixtures/manual.yaml', import.meta.url);
let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'runbook-cli-'));
  cpSync(fixture, join(cwd, 'runbooks.yaml'));
  cpSync(fixture, join(cwd, 'other.yaml'));
  writeFileSync(join(cwd, 'broken.yaml'), 'version: 1\nenvironments: {}\nrunbooks: []\nextra: true\n');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = fakeIO({ cwd, env });
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('runbook lint', () => {
  test('a clean file: one line with counts, exit 0', async () => {
    expect(await run(['lint'])).toEqual({ code: 0, out: 'runbooks.yaml: ok (2 runbooks, 4 steps)\n', err: '' });
    expect(await run(['lint', 'other.yaml'])).toEqual({ code: 0, out: 'other.yaml: ok (2 runbooks, 4 steps)\n', err: '' });
  });

  test('problems on stdout as FILE:LINE:COL path: message, the count on stderr, exit 2', async () => {
    expect(await run(['lint', 'broken.yaml'])).toEqual({
      code: 2,
      out: [
        'broken.yaml:2:15 environments: define at least one environment',
        'broken.yaml:3:11 runbooks: define at least one runbook',
        'broken.yaml:4:1 extra: unknown field "extra"; allowed here: version, environments, runbooks, alerts, assets',
        '',
      ].join('\n'),
      err: '3 problems in broken.yaml\n',
    });
  });

  test('names the file the way --file or RUNBOOK_FILE gave it', async () => {
    expect((await run(['lint', '--file', './broken.yaml'])).out).toMatch(/^\.\/broken\.yaml:2:15 environments: /);
    expect((await run(['lint'], { RUNBOOK_FILE: 'broken.yaml' })).err).toBe('3 problems in broken.yaml\n');
  });

  test('a missing file: one line, exit 2', async () => {
    expect(await run(['lint', 'missing.yaml'])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: runbooks file not found: missing.yaml; pass --file or set RUNBOOK_FILE\n',
    });
  });

  test('prints the first 100 problems, then how many more there are', async () => {
    writeFileSync(join(cwd, 'many.yaml'), `version: 1\nenvironments: {staging: {}}\nrunbooks: []\n${Array.from({ length: 150 }, (_, index) => `extra${index}: 1`).join('\n')}\n`);
    const { code, out, err } = await run(['lint', 'many.yaml']);
    const lines = out.trimEnd().split('\n');
    expect({ code, err, count: lines.length }).toEqual({ code: 2, err: '151 problems in many.yaml\n', count: 101 });
    expect(lines[0]).toBe('many.yaml:3:11 runbooks: define at least one runbook');
    expect(lines[99]).toBe('many.yaml:102:1 extra98: unknown field "extra98"; allowed here: version, environments, runbooks, alerts, assets');
    expect(lines[100]).toBe('… and 51 more problems (151 in all)');
  });

  test('two files is a usage error', async () => {
    expect(await run(['lint', 'a.yaml', 'b.yaml'])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: unexpected argument "b.yaml": usage: runbook lint [FILE]\n',
    });
  });
});

describe('runbook list', () => {
  test('--json prints the shape scripts rely on', async () => {
    const { code, out, err } = await run(['list', '--json']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual({
      runbooks: [
        {
          id: 'restore-config',
          title: 'Restore configuration',
          summary: 'Re-apply configuration from the infrastructure repository.',
          cadence: 'quarterly',
          sections: [
            {
              id: 'prepare',
              title: 'Prepare',
              steps: [
                { id: 'announce', kind: 'manual', title: 'Announce', uses: null },
                { id: 'pick-ref', kind: 'input', title: 'Pick the git ref', uses: null },
              ],
            },
            { id: 'apply', title: 'Apply', steps: [{ id: 'apply-config', kind: 'manual', title: 'Apply ${{ steps.pick-ref.outputs.value }}', uses: null }] },
          ],
        },
        {
          id: 'key-rotation',
          title: 'Key rotation check',
          summary: 'Confirm the encryption keys are backed up.',
          cadence: null,
          sections: [{ id: 'keys', title: 'Keys', steps: [{ id: 'confirm-keys', kind: 'manual', title: 'Confirm key backup', uses: null }] }],
        },
      ],
      alerts: [{ id: 'config-drift', name: 'Configuration drift', runbook: 'restore-config', section: 'apply' }],
    });
  });

  test('human output: one block per runbook with sections and step counts', async () => {
    expect(await run(['list'])).toEqual({
      code: 0,
      err: '',
      out: [
        'restore-config  Restore configuration  [restore test, quarterly]',
        '  Re-apply configuration from the infrastructure repository.',
        '    prepare  Prepare (2 steps)',
        '    apply    Apply (1 step)',
        '  2 sections, 3 steps',
        '',
        'key-rotation  Key rotation check',
        '  Confirm the encryption keys are backed up.',
        '    keys  Keys (1 step)',
        '  1 section, 1 step',
        '',
        'Alerts:',
        '  Configuration drift  →  restore-config#apply',
        '',
      ].join('\n'),
    });
  });

  test('a broken file: exit 2 with every problem, no stack trace', async () => {
    expect(await run(['list', '--file', 'broken.yaml'])).toEqual({
      code: 2,
      out: '',
      err: [
        'runbook: runbooks file broken.yaml has 3 problems; fix them (runbook lint broken.yaml lists them)',
        'broken.yaml:2:15 environments: define at least one environment',
        'broken.yaml:3:11 runbooks: define at least one runbook',
        'broken.yaml:4:1 extra: unknown field "extra"; allowed here: version, environments, runbooks, alerts, assets',
        '',
      ].join('\n'),
    });
  });

  test('a missing --file: one line, exit 2', async () => {
    expect(await run(['list', '--file', 'nowhere.yaml'])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: runbooks file not found: nowhere.yaml; pass --file or set RUNBOOK_FILE\n',
    });
  });
});

describe('the command line', () => {
  test('an unknown command: one line naming the help, exit 2', async () => {
    expect(await run(['frobnicate'])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: unknown command "frobnicate"; run "runbook --help" for the list of commands\n',
    });
  });

  test('an unknown flag: one line with the usage, exit 2', async () => {
    const { code, out, err } = await run(['list', '--yaml']);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toBe('runbook: Unknown option \'--yaml\'; usage: runbook list [--json] (see "runbook list --help")\n');
  });

  test('interactive commands without a terminal refuse and name the headless alternative', async () => {
    expect(await run([])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: "runbook" needs an interactive terminal; without one use "runbook list"\n',
    });
    expect(await run(['start', 'restore-config', '--env', 'sandbox'])).toEqual({
      code: 2,
      out: '',
      err: 'runbook: "runbook start" needs an interactive terminal; without one use "runbook run <runbook> --env E --answers FILE"\n',
    });
  });

  test('--help for lint and list prints the usage, exit 0', async () => {
    const lint = await run(['lint', '--help']);
    expect(lint.code).toBe(0);
    expect(lint.out.split('\n')[0]).toBe('usage: runbook lint [FILE]');
    const list = await run(['list', '--help']);
    expect(list.out).toContain('  --json                       print JSON for scripts');
  });
});
