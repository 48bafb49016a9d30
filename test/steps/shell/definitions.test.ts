import { describe, expect, it } from 'vitest';
import { loadProvider, providerDefinitions } from '../../../src/steps/catalog.js';
import { resolveEnvironment } from '../../../src/runbooks/environment.js';
import { emptyScope, providerStep, testRunner } from '../../support/step-runner.js';

const environment = resolveEnvironment('test', { title: 'test', protected: false, postgres: {}, vars: {} } as never, {});
const validateParams = (uses: string, params: unknown) => testRunner(environment).prepare(providerStep(uses, params), emptyScope(environment)).params;

describe('shell and http definitions', () => {
  it('are registered with their kinds and outputs, and load their implementations', async () => {
    expect(providerDefinitions.get('shell.run')?.kinds).toEqual(['check', 'wait', 'action']);
    expect(providerDefinitions.get('shell.pgbackrestInfo')?.outputs).toContain('lastBackupLabel');
    expect(providerDefinitions.get('shell.walgBackups')?.outputs).toContain('lastBackupName');
    expect(providerDefinitions.get('http.request')?.kinds).toEqual(['check', 'wait']);
    for (const name of ['shell.run', 'shell.pgbackrestInfo', 'shell.walgBackups', 'http.request']) {
      expect(typeof (await loadProvider(name)).run).toBe('function');
    }
  });

  it('accept resolved template strings for numbers and durations', () => {
    expect(validateParams('shell.run', { argv: ['true'], expect: { exitCode: '3' }, env: { N: 1 } })).toEqual({
      argv: ['true'],
      env: { N: '1' },
      expect: { exitCode: [3] },
    });
    expect(validateParams('shell.pgbackrestInfo', { maxAge: '26h', minFull: '2' })).toEqual({ maxAge: 93_600, minFull: 2 });
    expect(validateParams('http.request', { url: 'http://127.0.0.1:1/x', method: 'head', expect: { status: [200, '204'], maxLatency: '500ms' } })).toEqual({
      url: 'http://127.0.0.1:1/x',
      method: 'HEAD',
      expect: { status: [200, 204], maxLatency: 0.5 },
    });
  });

  it('refuse bad parameters with the path and the problem', () => {
    expect(() => validateParams('shell.run', { argv: [] })).toThrow('with.argv: argv needs at least the program');
    expect(() => validateParams('shell.run', { argv: ['x'], expect: { stdoutMatches: '(' } })).toThrow(/with\.expect\.stdoutMatches: invalid regular expression/);
    expect(() => validateParams('shell.run', { argv: ['x'], expect: { json: { path: 'a..b' } } })).toThrow('with.expect.json.path: expected a JSON path');
    expect(() => validateParams('shell.run', { argv: ['x'], shell: true })).toThrow(/with: Unrecognized key/);
    expect(() => validateParams('http.request', { url: 'ftp://127.0.0.1/' })).toThrow('with.url: expected an absolute http:// or https:// URL');
  });
});
