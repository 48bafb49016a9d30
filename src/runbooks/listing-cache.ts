/**
 * The listing of a runbooks file (runbooks, sections, steps, environment names), cached by the
 * file's content hash so screens that only show it open fast: parsing and linting a file of 200
 * runbooks takes most of a second, reading a cached listing a few milliseconds.
 *
 * A listing is cached only after the full loader validated that exact text with this exact
 * build of the product (the key includes the content hash, the product version and the
 * modification time of this module's built file, which every build rewrites). On a miss, the
 * loader (yaml, zod, lint) is imported on demand, so a hit never loads it.
 *
 * The home list needs each runbook's counts, not its sections and steps, which are nine tenths of
 * the listing: the entry is two JSON lines, summaries first, and the sections line is parsed only
 * when a runbook is opened. Parsing all of it cost the first frame 2 to 15 ms.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { productVersion } from '../product.js';
import { readRunbooksBytes } from './file-bytes.js';
import type { RunbooksListing, SectionListing } from './list.js';

/** Bump when the cached shape changes. */
const cacheFormat = 3;

export interface EnvironmentListing {
  readonly name: string;
  readonly protected: boolean;
}

/** A runbook as a list shows it: its sections counted, not listed. */
export interface RunbookSummary {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly cadence: string | null;
  readonly sectionCount: number;
  readonly stepCount: number;
}

/** What the home screen needs of a runbooks file. */
export interface FileListing {
  /** The runbooks in file order. */
  readonly runbooks: readonly RunbookSummary[];
  /** The sections and steps of runbook `id` (none for an unknown id), read on first use. */
  sections(id: string): readonly SectionListing[];
  readonly environments: readonly EnvironmentListing[];
  /** `sha256:<hex>` of the file's text. */
  readonly hash: string;
  /** Where `runbook sandbox up` writes its marker (sandbox.json) for this file; absent without a usable sandbox environment. */
  readonly sandboxMarker?: string | undefined;
}

/** The first line of a cache entry; the second is every runbook's sections, in the same order. */
interface CacheHead {
  readonly key: string;
  readonly runbooks: readonly RunbookSummary[];
  readonly environments: readonly EnvironmentListing[];
  readonly hash: string;
  readonly sandboxMarker?: string | undefined;
}

type Fresh = Omit<FileListing, 'runbooks' | 'sections'> & { readonly listing: RunbooksListing };

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
    const cached = readEntry(entryPath, key);
    if (cached) return cached;
    const fresh = await loadFresh(absolute, label);
    // The loader hashes the decoded text; equal hashes also prove it read the bytes we hashed.
    if (fresh.hash === hash) writeEntry(cacheDirectory, entryPath, key, fresh);
    return fromFresh(fresh);
  }
  // Unreadable: let the loader say why, in its words.
  return fromFresh(await loadFresh(absolute, label));
}

function summaryOf(runbook: RunbooksListing['runbooks'][number]): RunbookSummary {
  return {
    id: runbook.id,
    title: runbook.title,
    summary: runbook.summary,
    cadence: runbook.cadence,
    sectionCount: runbook.sections.length,
    stepCount: runbook.sections.reduce((total, section) => total + section.steps.length, 0),
  };
}

function fromFresh({ listing, ...rest }: Fresh): FileListing {
  return {
    ...rest,
    runbooks: listing.runbooks.map(summaryOf),
    sections: (id) => listing.runbooks.find((runbook) => runbook.id === id)?.sections ?? [],
  };
}

async function loadFresh(path: string, label: string): Promise<Fresh> {
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

/** The bytes, read as the loader reads them (regular files within the size limit only), or undefined. */
function readBytesOrUndefined(path: string): Buffer | undefined {
  try {
    return readRunbooksBytes(path, path);
  } catch {
    return undefined;
  }
}

/** The cached listing under `key`, or undefined when there is none (or it is unreadable, or stale). */
function readEntry(path: string, key: string): FileListing | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const end = text.indexOf('\n');
    const head = JSON.parse(text.slice(0, end)) as CacheHead;
    if (head.key !== key) return undefined;
    let sections: ReadonlyMap<string, readonly SectionListing[]> | undefined;
    return {
      runbooks: head.runbooks,
      environments: head.environments,
      hash: head.hash,
      sandboxMarker: head.sandboxMarker,
      sections(id) {
        if (!sections) {
          let all: (readonly SectionListing[])[] = [];
          try {
            all = JSON.parse(text.slice(end + 1)) as (readonly SectionListing[])[];
          } catch {
            // Only a hand-edited entry gets here (entries are written whole, then renamed).
          }
          sections = new Map(head.runbooks.map((runbook, index) => [runbook.id, all[index] ?? []]));
        }
        return sections.get(id) ?? [];
      },
    };
  } catch {
    return undefined;
  }
}

/** Best effort: a read-only or full disk only costs the next start its speed. */
function writeEntry(directory: string, path: string, key: string, { listing, ...rest }: Fresh): void {
  try {
    mkdirSync(directory, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    const head: CacheHead = { key, ...rest, runbooks: listing.runbooks.map(summaryOf) };
    // JSON.stringify escapes newlines inside strings: the only raw newline is the separator.
    writeFileSync(temporary, `${JSON.stringify(head)}\n${JSON.stringify(listing.runbooks.map((runbook) => runbook.sections))}`);
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
