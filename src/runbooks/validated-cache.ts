/**
 * A cache of validated runbooks files, so that every command after the first does not parse the
 * YAML and validate every step again (a third of a headless run's start-up on the bundled file).
 * An entry is keyed by the SHA-256 of this build's identity (a hash of the sources it was built
 * from, scripts/build.mjs) and the file's exact text, so any change to either misses; it holds
 * only a file that validated without a problem, and only when it survives JSON unchanged. A
 * missing, unreadable or broken entry is a miss, never an error. Run from the sources (tests,
 * development) there is no build identity and nothing is cached.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { RunbooksFile } from './schema.js';

/** The validated file for exactly this text, when this build cached it before. */
export function cachedRunbooksFile(text: string): RunbooksFile | undefined {
  const path = entryPath(text);
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunbooksFile;
  } catch {
    return undefined;
  }
}

/** Keeps a file that validated, for the next command reading the same text. */
export function cacheRunbooksFile(text: string, file: RunbooksFile): void {
  const path = entryPath(text);
  if (!path) return;
  try {
    const json = JSON.stringify(file);
    // A value JSON would change (a YAML timestamp read as a Date) is not cached: the next load must see what this one saw.
    if (!isDeepStrictEqual(JSON.parse(json), file)) return;
    mkdirSync(cacheDirectory(), { recursive: true, mode: 0o700 });
    const partial = `${path}.${randomUUID()}.tmp`;
    writeFileSync(partial, json, { mode: 0o600 });
    renameSync(partial, path);
  } catch {
    // A read-only or full home: the next command validates again.
  }
}

function entryPath(text: string): string | undefined {
  const build = process.env.RUNBOOK_BUILD_ID;
  if (!build) return undefined;
  const key = createHash('sha256').update(build).update('\0').update(text).digest('hex');
  return join(cacheDirectory(), `${key}.json`);
}

function cacheDirectory(): string {
  const base = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
  return join(base, 'runbook', 'validated');
}
