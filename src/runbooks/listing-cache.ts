/**
 * The listing of a runbooks file (runbooks, sections, steps, environment names), cached by the
 * file's content hash so screens that only show it open fast: parsing and linting a file of 200
 * runbooks takes most of a second, reading a cached listing a few milliseconds.
 *
 * A listing is cached only after the full loader validated that exact text with this exact
 * build of the product (the key includes the content hash, the product version and the
 * modification time of this module's built file, which every build rewrites). On a miss, the
 * loader (yaml, zod, lint) is imported on demand, so a hit never loads it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { productVersion } from '../product.js';
import type { RunbooksListing } from './list.js';

/** Bump when the cached shape changes. */
const cacheFormat = 2;

export interface EnvironmentListing {
  readonly name: string;
  readonly protected: boolean;
}

/** What the home screen needs of a runbooks file. */
export interface FileListing {
  readonly listing: RunbooksListing;
  readonly environments: readonly EnvironmentListing[];
  /** `sha256:<hex>` of the file's text. */
  readonly hash: string;
  /** Where `runbook sandbox up` writes its marker (sandbox.json) for this file; absent without a usable sandbox environment. */
  readonly sandboxMarker?: string | undefined;
}

interface CacheEntry extends FileListing {
  readonly key: string;
}

/** `$XDG_CACHE_HOME/runbook` (default `~/.cache/runbook`). */
export function listingCacheDirectory(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'runbook');
}

/**
 * The listing of the runbooks file at `path`, from the cache when the file is unchanged, else
 * from the full loader (which throws ConfigError, naming the file as `label`, when it is broken).
 */
export async function loadFileListing(path: string, label: string, cacheDirectory: string): Promise<FileListing> {
  const absolute = resolve(path);
  // Bytes, not text: hashing needs no UTF-8 decoding, which costs more than the hash for a large file.
  const bytes = readBytesOrUndefined(absolute);
  if (bytes !== undefined) {
    const hash = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const key = `${cacheFormat}|${productVersion()}|${buildStamp()}|${hash}`;
    const entryPath = join(cacheDirectory, `listing-${createHash('sha256').update(absolute).digest('hex').slice(0, 32)}.json`);
    const cached = readEntry(entryPath);
    if (cached?.key === key) return { listing: cached.listing, environments: cached.environments, hash: cached.hash, sandboxMarker: cached.sandboxMarker };
    const fresh = await loadFresh(absolute, label);
    // The loader hashes the decoded text; equal hashes also prove it read the bytes we hashed.
    if (fresh.hash === hash) writeEntry(cacheDirectory, entryPath, { key, ...fresh });
    return fresh;
  }
  // Unreadable: let the loader say why, in its words.
  return loadFresh(absolute, label);
}

async function loadFresh(path: string, label: string): Promise<FileListing> {
  const [{ loadRunbooksFile }, { listRunbooks }, { sandboxLayout }] = await Promise.all([import('./load.js'), import('./list.js'), import('../sandbox/layout.js')]);
  const loaded = loadRunbooksFile(path, label);
  let sandboxMarker: string | undefined;
  try {
    sandboxMarker = loaded.file.environments.sandbox ? sandboxLayout(loaded, label).marker : undefined;
  } catch {
    // A sandbox environment `runbook sandbox up` cannot use: home invites nobody to it.
  }
  return {
    listing: listRunbooks(loaded.file),
    environments: Object.entries(loaded.file.environments).map(([name, environment]) => ({ name, protected: environment.protected })),
    hash: loaded.hash,
    sandboxMarker,
  };
}

function readBytesOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function readEntry(path: string): CacheEntry | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only or full disk only costs the next start its speed. */
function writeEntry(directory: string, path: string, entry: CacheEntry): void {
  try {
    mkdirSync(directory, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, path);
  } catch {
    // Nothing to do: the listing is still correct, only not cached.
  }
}

let stamp: string | undefined;

/** Changes with every build (dist/ is rewritten), so a new build never trusts an old validation. */
function buildStamp(): string {
  if (stamp === undefined) {
    try {
      stamp = String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
    } catch {
      stamp = 'unknown';
    }
  }
  return stamp;
}
