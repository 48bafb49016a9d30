/**
 * Building blocks for provider parameter schemas.
 *
 * `with:` values are written in YAML and may hold templates that resolve at run time, so the
 * scalar helpers accept both their native form and a string form (`"30"`, `"true"`, `"26h"`),
 * and yield the native value. Lint validates `with:` before resolution and ignores issues on
 * values that still contain a template (see src/runbooks/lint.ts).
 */
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * The text that parseDurationSeconds reads (it trims), as a JSON Schema pattern: metadata only,
 * so editors flag "5 minutes" while zod's own messages stay those of the transforms below.
 */
export const DURATION_PATTERN = String.raw`^\s*` + DURATION.source.slice(1, -1) + String.raw`\s*$`;
/** The text that `Number(text.trim())` reads as a finite number, as a JSON Schema pattern (metadata only). */
const NUMBER_PATTERN = String.raw`^\s*(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)\s*$`;

/** Parses "90s", "30m", "26h", "7d", "2w", "250ms" to seconds; undefined when malformed. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** A duration written as "26h", "7d", "90s" (or a number of seconds); yields seconds. */
export const duration = () =>
  z.union([z.number().nonnegative(), z.string().meta({ pattern: DURATION_PATTERN })]).transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "90s", "30m", "26h" or "7d", got "${value}"` });
      return z.NEVER;
    }
    return seconds;
  });

/** A number, also accepted as a numeric string (a resolved template). */
export const num = () =>
  z.union([z.number(), z.string().meta({ pattern: NUMBER_PATTERN })]).transform((value, ctx) => {
    const n = typeof value === 'number' ? value : Number(value.trim());
    if (typeof value === 'string' && (value.trim() === '' || !Number.isFinite(n))) {
      ctx.addIssue({ code: 'custom', message: `expected a number, got "${value}"` });
      return z.NEVER;
    }
    return n;
  });

/** A boolean, also accepted as "true"/"false" (a resolved template). */
export const bool = () =>
  z.union([z.boolean(), z.enum(['true', 'false'])]).transform((value) => value === true || value === 'true');

/** A non-empty string. */
export const text = () => z.string().min(1, 'must not be empty');

/** The name of a Postgres connection in the environment's `postgres:` map (lint checks it exists). */
export const databaseRef = () => text().describe('postgres-connection');

/** An argv array: each element is passed as-is to the program, never through a shell. */
export const argv = () => z.array(z.string()).min(1, 'argv needs at least the program');

