import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';

const fixture = readFileSync(new URL('../cli/fixtures/manual.yaml', import.meta.url), 'utf8');
const directory = mkdtempSync(join(tmpdir(), 'runbook-load-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(directory, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRunbooksFile', () => {
  test('returns the validated file, its text and its sha256 hash', () => {
    const path = write('ops/runbooks.yaml', fixture);
    const loaded = loadRunbooksFile(path);
    expect(loaded.path).toBe(path);
    expect(loaded.text).toBe(fixture);
    expect(loaded.hash).toBe(`sha256:${createHash('sha256').update(fixture).digest('hex')}`);
    expect(loaded.file.runbooks.map((runbook) => runbook.id)).toEqual(['restore-config', 'key-rotation']);
  });

  test('resolves relative environment paths against the file directory, leaving absolute ones', () => {
    const sandbox = loadRunbooksFile(write('ops/runbooks.yaml', fixture)).file.environments.sandbox!;
    expect(sandbox.postgres.live?.dataDir).toBe(join(directory, 'ops', '.runbook-sandbox/pg-live'));
    expect(sandbox.postgres.live?.binDir).toBe('/usr/lib/postgresql/15/bin');
    expect(sandbox.backup).toEqual({
      tool: 'pg_basebackup',
      baseBackupDir: join(directory, 'ops', '.runbook-sandbox/base-backups'),
      walArchiveDir: '/var/backups/wal',
    });
  });

  test('a missing file is a ConfigError that says how to point at one', () => {
    const error = thrown(() => loadRunbooksFile(join(directory, 'nope.yaml'), 'nope.yaml'));
    expect(error.message).toBe('runbooks file not found: nope.yaml; pass --file or set RUNBOOK_FILE');
    expect(error.exitCode).toBe(2);
  });

  test('a broken file is a ConfigError whose details are every lint line', () => {
    const path = write('broken.yaml', fixture.replace('kind: input', 'kind: inptu').replace('link: restore-config#apply', 'link: restore-config#deploy'));
    const error = thrown(() => loadRunbooksFile(path, 'broken.yaml'));
    expect(error.message).toBe('runbooks file broken.yaml has 2 problems; fix them (runbook lint broken.yaml lists them)');
    expect(error.details).toEqual([
      'broken.yaml:30:19 runbooks.0.sections.0.steps.1.kind: expected one of "manual", "check", "wait", "action", "input", got "inptu"',
      'broken.yaml:56:11 alerts.0.link: alert links to unknown section "deploy" of runbook "restore-config" (its sections: prepare, apply)',
    ]);
  });

  test('a YAML syntax error is a ConfigError, not an exception from the parser', () => {
    const error = thrown(() => loadRunbooksFile(write('syntax.yaml', 'version: 1\nrunbooks: [\n'), 'syntax.yaml'));
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatch(/^syntax\.yaml:3:1 \(syntax\): /);
  });
});
