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
    expect(first.listing.runbooks.map((runbook) => [runbook.id, runbook.sections.length])).toEqual([
      ['verify-backups', 1],
      ['restore-drill', 2],
    ]);
    expect(first.environments).toEqual([
      { name: 'staging', protected: false },
      { name: 'production', protected: true },
    ]);
    expect(first.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(existsSync(cacheEntry())).toBe(true);
  });

  it('reads an unchanged file from the cache (proved by editing the cached copy)', async () => {
    await loadFileListing(file, 'runbooks.yaml', cache);
    const entry = cacheEntry();
    const cached = JSON.parse(readFileSync(entry, 'utf8'));
    cached.listing.runbooks[0].title = 'Title from the cache';
    writeFileSync(entry, JSON.stringify(cached));
    const second = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(second.listing.runbooks[0]!.title).toBe('Title from the cache');
  });

  it('validates again when the file changes, and refuses a broken file even though an old listing is cached', async () => {
    await loadFileListing(file, 'runbooks.yaml', cache);
    writeFileSync(file, fixture.replace('title: Verify the nightly backups', 'title: Verify last night’s backups'));
    const changed = await loadFileListing(file, 'runbooks.yaml', cache);
    expect(changed.listing.runbooks[0]!.title).toBe('Verify last night’s backups');

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
    expect(listing.listing.runbooks).toHaveLength(2);
  });

  it('keeps the cache under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(listingCacheDirectory({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/a' })).toBe('/x/cache/runbook');
    expect(listingCacheDirectory({ HOME: '/home/a' })).toBe('/home/a/.cache/runbook');
  });
});
