/**
 * The cache of validated runbooks files: a built binary keeps a file that validated, keyed by its
 * build and the file's exact text, and reads it back instead of validating again; any other build
 * or text misses; a broken file is never kept; run from the sources nothing is cached.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseRunbooksText } from '../../src/runbooks/load.js';

const text = readFileSync(join(import.meta.dirname, '..', '..', 'runbooks.yaml'), 'utf8');
let cacheHome: string;
const saved = { build: process.env.RUNBOOK_BUILD_ID, cache: process.env.XDG_CACHE_HOME };

beforeEach(() => {
  cacheHome = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
  process.env.XDG_CACHE_HOME = cacheHome;
  process.env.RUNBOOK_BUILD_ID = 'build-one';
});
afterEach(() => {
  for (const [name, value] of [['RUNBOOK_BUILD_ID', saved.build], ['XDG_CACHE_HOME', saved.cache]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const entries = () => {
  try {
    return readdirSync(join(cacheHome, 'runbook', 'validated'));
  } catch {
    return [];
  }
};

describe('validated runbooks files', () => {
  it('keeps a valid file and reads it back for the same build and text, and only then', () => {
    const first = parseRunbooksText(text, '/srv/runbooks.yaml');
    expect(entries()).toHaveLength(1);
    const entry = join(cacheHome, 'runbook', 'validated', entries()[0]!);
    expect(JSON.parse(readFileSync(entry, 'utf8')).runbooks).toEqual(JSON.parse(JSON.stringify(first.file.runbooks)));

    // Marked by hand: a load that shows the mark read the entry rather than the YAML.
    const marked = JSON.parse(readFileSync(entry, 'utf8'));
    marked.runbooks[0].title = 'read from the cache';
    writeFileSync(entry, JSON.stringify(marked));
    expect(parseRunbooksText(text, '/srv/runbooks.yaml').file.runbooks[0]!.title).toBe('read from the cache');

    // Another build, or one changed byte, validates again.
    process.env.RUNBOOK_BUILD_ID = 'build-two';
    expect(parseRunbooksText(text, '/srv/runbooks.yaml').file.runbooks[0]!.title).toBe(first.file.runbooks[0]!.title);
    process.env.RUNBOOK_BUILD_ID = 'build-one';
    expect(parseRunbooksText(`${text}\n`, '/srv/runbooks.yaml').file.runbooks[0]!.title).toBe(first.file.runbooks[0]!.title);
    expect(entries()).toHaveLength(3);
  });

  it('never keeps a broken file, and keeps nothing when run from the sources', () => {
    expect(() => parseRunbooksText(text.replace('version: 1', 'version: 7'), '/srv/runbooks.yaml')).toThrow(ConfigError);
    expect(entries()).toEqual([]);
    delete process.env.RUNBOOK_BUILD_ID;
    parseRunbooksText(text, '/srv/runbooks.yaml');
    expect(entries()).toEqual([]);
  });

  it('an unreadable entry is a miss, not an error', () => {
    parseRunbooksText(text, '/srv/runbooks.yaml');
    writeFileSync(join(cacheHome, 'runbook', 'validated', entries()[0]!), '{ not json');
    expect(parseRunbooksText(text, '/srv/runbooks.yaml').file.runbooks.length).toBeGreaterThan(0);
  });
});
