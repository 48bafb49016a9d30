/**
 * The answers of a headless run (`runbook run --answers FILE`): a YAML or JSON mapping from step
 * id to what an operator would have given at the screen, a note for a manual step, a value for
 * an input step (for a choice, also `newest` or `last-known-good`), the typed value an action's
 * preview asks for (a row count). Read once, checked for shape, never executed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../errors.js';

/** Far more than any runbook's answers; a bigger file is the wrong file. */
const ANSWERS_LIMIT = 1024 * 1024;

export interface Answers {
  /** How the file is named in the log and the export (its base name: paths differ between hosts). */
  readonly name: string;
  /** `sha256:<hex>` of the file, so the export can tell which version answered. */
  readonly hash: string;
  readonly values: ReadonlyMap<string, string | number | boolean>;
}

/** Reads and checks an answers file; a ConfigError naming the file and the problem when it cannot be used. */
export function loadAnswers(path: string, label: string = path): Answers {
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new ConfigError(`answers file ${label} is not a regular file; pass --answers with a YAML or JSON file`);
    if (stats.size > ANSWERS_LIMIT) throw new ConfigError(`answers file ${label} is ${stats.size} bytes; the limit is ${ANSWERS_LIMIT} (is it the right file?)`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`answers file not found: ${label}; pass --answers with the file's path`);
    throw new ConfigError(`cannot read answers file ${label}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    // Answers are data: no aliases worth expanding, no custom tags.
    data = parse(text, { maxAliasCount: 16, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new ConfigError(`answers file ${label} is not valid YAML or JSON: ${message}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`answers file ${label} must be a mapping from step id to an answer, e.g. "confirm-target: checked with the owner"`);
  }
  const values = new Map<string, string | number | boolean>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ConfigError(`answers file ${label}: the answer to "${key}" must be text, a number or true, not ${Array.isArray(value) ? 'a list' : value === null ? 'empty' : 'a mapping'}`);
    }
    values.set(key, value);
  }
  return { name: basename(path), hash: `sha256:${createHash('sha256').update(text).digest('hex')}`, values };
}
