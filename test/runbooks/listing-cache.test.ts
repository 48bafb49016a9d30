import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { listingCacheDirectory, loadFileListing } from '../../src/runbooks/listing-cache.js';

const fixture = readFileSync(join(import.meta.dirname, '..', 'e2e', 'fixtures', 'runbooks.yaml'), 'utf8');

describe('loadFileListing (the home screen listing, cached by content)', () => {
  let directory: string;
  let file: string;
  let cache: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'runbook-listing-cache-'));
    file = join(directory, 'runbooks.yaml');
    cache = join(directory, 'cache');
    writeFileSync(file, fixture);
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const cacheEntry = () => {
    const [name, ...others] = readdirSync(cache);
    expect(others).toEqual([]);
    return join(cache, name!);
  };

  it('lists runbooks and environments from the full loader, then caches them', async () => {
    const first = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(first.runbooks.map((runbook) => [runbook.id, runbook.sectionCount, runbook.stepCount])).toEqual([
      ['verify-backups', 1, 2],
      ['restore-drill', 2, 3],
    ]);
    expect(first.sections('restore-drill').map((section) => [section.id, section.steps.length])).toEqual([
      ['prepare', 1],
      ['verify', 2],
    ]);
    expect(first.environments).toEqual([
      { name: 'staging', protected: false },
      { name: 'production', protected: true },
    ]);
    expect(first.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(existsSync(cacheEntry())).toBe(true);
  });

  it('reads an unchanged file from the cache (proved by editing the cached copy), sections only when asked', async () => {
    const first = await loadFileListing(file, 'runbooks.yaml', cache);
    const entry = cacheEntry();
    // Two JSON lines: summaries (what the list shows), then every runbook's sections in order.
    const [headLine, sectionsLine, ...rest] = readFileSync(entry, 'utf8').split('\n');
    expect(rest).toEqual([]);
    const head = JSON.parse(headLine!);
    expect(head.runbooks[1]).toEqual({
      id: 'restore-drill',
      title: first.runbooks[1]!.title,
      summary: first.runbooks[1]!.summary,
      cadence: 'weekly',
      sectionCount: 2,
      stepCount: 3,
    });
    head.runbooks[0].title = 'Title from the cache';
    const sections = JSON.parse(sectionsLine!);
    sections[1][0].title = 'Section title from the cache';
    writeFileSync(entry, `${JSON.stringify(head)}\n${JSON.stringify(sections)}`);
    const second = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(second.runbooks[0]!.title).toBe('Title from the cache');
    expect(second.sections('restore-drill')[0]!.title).toBe('Section title from the cache');
    expect(second.sections('verify-backups').map((section) => section.id)).toEqual(['database']);
    expect(second.sections('no-such-runbook')).toEqual([]);
  });

  it('validates again when the file changes, and refuses a broken file even though an old listing is cached', async () => {
    await loadFileListing(file, 'runbooks.yaml', cache);
    writeFileSync(file, fixture.replace('title: Verify the nightly backups', 'title: Verify last night’s backups'));
    const changed = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(changed.runbooks[0]!.title).toBe('Verify last night’s backups');

    writeFileSync(file, fixture.replace('kind: manual', 'kind: manul'));
    await expect(loadFileListing(file, 'runbooks.yaml', cache)).rejects.toBeInstanceOf(ConfigError);
  });

  it('says what to do when the file is missing', async () => {
    await expect(loadFileListing(join(directory, 'missing.yaml'), 'missing.yaml', cache)).rejects.toThrow(
      'runbooks file not found: missing.yaml; pass --file or set RUNBOOK_FILE',
    );
  });

  it('still lists when the cache cannot be written', async () => {
    writeFileSync(cache, 'a file where the cache directory should be');
    const listing = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(listing.runbooks).toHaveLength(2);
    expect(listing.sections('restore-drill')).toHaveLength(2);
  });

  it('keeps the cache under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(listingCacheDirectory({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/a' })).toBe('/x/cache/runbook');
    expect(listingCacheDirectory({ HOME: '/home/a' })).toBe('/home/a/.cache/runbook');
  });
});
