/**
 * An environment's settingsFile (written by `runbook sandbox up`): while it exists its `backup`
 * and `vars` replace the environment's; without it the environment is used as written; a broken
 * one is a ConfigError naming it.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';

const fixture = readFileSync(new URL('../cli/fixtures/manual.yaml', import.meta.url), 'utf8');
const directory = mkdtempSync(join(tmpdir(), 'runbook-settings-file-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The fixture with `settingsFile: generated/settings.json` in its sandbox environment, in its own directory. */
function fileWithSettings(name: string, settings?: string): string {
  const dir = join(directory, name);
  mkdirSync(join(dir, 'generated'), { recursive: true });
  const text = fixture.replace(/^( {2}sandbox:\n)/m, '$1    settingsFile: generated/settings.json\n');
  expect(text).not.toBe(fixture);
  writeFileSync(join(dir, 'runbooks.yaml'), text);
  if (settings !== undefined) writeFileSync(join(dir, 'generated', 'settings.json'), settings);
  return join(dir, 'runbooks.yaml');
}

describe('settingsFile', () => {
  test('absent: the environment as written, its settingsFile resolved against the runbooks file', () => {
    const path = fileWithSettings('absent');
    const loaded = loadRunbooksFile(path);
    const sandbox = loaded.file.environments.sandbox!;
    expect(sandbox.settingsFile).toBe(join(directory, 'absent', 'generated', 'settings.json'));
    expect(sandbox.backup?.tool).toBe('pg_basebackup');
    expect(loaded.declared).toBeUndefined();
  });

  test('present: its backup replaces the environment\'s, its vars replace those of the same name, the rest is kept', () => {
    const settings = {
      madeBy: 'a test',
      backup: { tool: 'pgbackrest', stanza: 'sandbox', args: ['--config=/somewhere/pgbackrest.conf'] },
      vars: { written_by_settings: 'yes' },
    };
    const path = fileWithSettings('present', JSON.stringify(settings));
    const loaded = loadRunbooksFile(path);
    const sandbox = loaded.file.environments.sandbox!;
    const declared = loaded.declared!.environments.sandbox!;
    expect(sandbox.backup).toEqual(settings.backup);
    expect(declared.backup?.tool).toBe('pg_basebackup');
    expect(sandbox.vars).toEqual({ ...declared.vars, written_by_settings: 'yes' });
    expect(sandbox.postgres).toEqual(declared.postgres);
    // Other environments are untouched.
    expect(loaded.file.environments.staging).toEqual(loaded.declared!.environments.staging);
  });

  test('a settings file that is not valid is a ConfigError naming the file and the field', () => {
    const path = fileWithSettings('invalid', JSON.stringify({ backup: { tool: 'pgbackrest' } }));
    let error: unknown;
    try {
      loadRunbooksFile(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`${join(directory, 'invalid', 'generated', 'settings.json')} (settingsFile of environment "sandbox") is not valid: backup.stanza:`);
    expect(message).toContain('fix or remove it');
  });

  test('a settings file that is not JSON is a ConfigError, not a parser exception', () => {
    const path = fileWithSettings('not-json', '{ "backup": ');
    expect(() => loadRunbooksFile(path)).toThrow(/settings\.json \(settingsFile of environment "sandbox"\) is not JSON: /);
  });
});
