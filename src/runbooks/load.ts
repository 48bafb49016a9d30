/**
 * Loads the runbooks file every command works from: read, lint, validate, and resolve the
 * environment's relative paths against the file's directory. Anything wrong is a ConfigError
 * listing the lint problems, never a YAML or zod exception.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { readRunbooksBytes } from './file-bytes.js';
import { analyzeRunbooksText, problemLines } from './lint.js';
import { decodeRunbooksText } from './text-encoding.js';
import type { Environment, RunbooksFile } from './schema.js';
import { applySettingsFiles } from './settings-file.js';
import { cachedRunbooksFile, cacheRunbooksFile } from './validated-cache.js';

/** A validated runbooks file with the text and hash a session pins itself to. */
export interface LoadedRunbooks {
  readonly file: RunbooksFile;
  /** The environments as the file writes them, before any `settingsFile` was applied; only when one was. */
  readonly declared?: RunbooksFile;
  /** Absolute path of the file. */
  readonly path: string;
  readonly text: string;
  /** `sha256:<hex>` of the text. */
  readonly hash: string;
}

/**
 * Reads the file's text. A missing file, anything but a regular file (a FIFO, /dev/zero), a file
 * over the size limit, or one that is not UTF-8 is a ConfigError saying what to do.
 */
export function readRunbooksText(path: string, label: string = path): string {
  return decodeRunbooksText(readRunbooksBytes(path, label), label);
}

/** `sha256:<hex>` of a runbooks file's text. */
function runbooksHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * Loads and validates the runbooks file at `path`. Throws ConfigError whose details are the lint
 * lines (`FILE:LINE:COL path: message`, the first hundred and a count). `label` is how to name the file in messages.
 */
export function loadRunbooksFile(path: string, label: string = path): LoadedRunbooks {
  const absolute = resolve(path);
  const text = readRunbooksText(absolute, label);
  return parseRunbooksText(text, absolute, label);
}

/** Validates runbooks text as if read from `path` (relative environment paths resolve against its directory). */
export function parseRunbooksText(text: string, path: string, label: string = path): LoadedRunbooks {
  const file = cachedRunbooksFile(text) ?? validate(text, label);
  const absolute = resolve(path);
  const declared = withAbsolutePaths(file, dirname(absolute));
  const applied = applySettingsFiles(declared);
  return {
    file: applied === declared ? declared : withAbsolutePaths(applied, dirname(absolute)),
    ...(applied === declared ? {} : { declared }),
    path: absolute,
    text,
    hash: runbooksHash(text),
  };
}

/** The file as its text declares it once lint finds nothing wrong (kept for the next command), else a ConfigError listing the problems. */
function validate(text: string, label: string): RunbooksFile {
  const { problems, file } = analyzeRunbooksText(text, label);
  if (!file) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length.toLocaleString('en-US')} problems`;
    throw new ConfigError(`runbooks file ${label} has ${count}; fix ${problems.length === 1 ? 'it' : 'them'} (runbook lint ${label} lists them)`, problemLines(problems));
  }
  cacheRunbooksFile(text, file);
  return file;
}

function withAbsolutePaths(file: RunbooksFile, directory: string): RunbooksFile {
  const absolute = (value: string | undefined) =>
    value === undefined || isAbsolute(value) || value.startsWith('${') || value.startsWith('~') ? value : resolve(directory, value);
  const environments: Record<string, Environment> = {};
  for (const [name, environment] of Object.entries(file.environments)) {
    const postgres = Object.fromEntries(
      Object.entries(environment.postgres).map(([connection, settings]) => [
        connection,
        { ...settings, ...defined('dataDir', absolute(settings.dataDir)), ...defined('binDir', absolute(settings.binDir)) },
      ]),
    );
    const backup =
      environment.backup?.tool === 'pg_basebackup'
        ? { ...environment.backup, baseBackupDir: absolute(environment.backup.baseBackupDir)!, walArchiveDir: absolute(environment.backup.walArchiveDir)! }
        : environment.backup;
    environments[name] = { ...environment, postgres, ...(backup ? { backup } : {}), ...defined('settingsFile', absolute(environment.settingsFile)) };
  }
  return { ...file, environments };
}

function defined<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
