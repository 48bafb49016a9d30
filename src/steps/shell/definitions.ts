/** Parameter schemas and outputs of the shell providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { argv, duration, num, text } from '../params.js';
import { isValidJsonPath } from './json-path.js';
import { patternProblem } from './pattern.js';

/** A regular expression (bare, or `/source/flags`), checked when the file is linted. */
export const pattern = () =>
  text().superRefine((value, ctx) => {
    const problem = patternProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${problem}` });
  });

/** A path into a JSON document: `backup.0.info.size`, `$.a.b[0]`. */
export const jsonPath = () =>
  text().refine(isValidJsonPath, { message: 'expected a JSON path like "backup.0.label" or "$.items[0].name"' });

/** Expectation on one value of a JSON document; every bound given must hold. */
export const jsonExpectation = () =>
  z.strictObject({
    path: jsonPath().default('$'),
    equals: z.unknown().optional(),
    min: num().optional(),
    max: num().optional(),
    matches: pattern().optional(),
  });

/** One accepted value or a list of them; yields a list. */
const oneOrMany = () =>
  z.union([num(), z.array(num()).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]));

/** Environment variables for the program, merged over runbook's own environment. */
export const envMap = () =>
  z.record(
    z.string().regex(/^[^=\0]+$/, 'an environment variable name must not be empty or contain "="'),
    z.union([z.string(), z.number(), z.boolean()]).transform(String),
  );

const outputExpectation = () =>
  z.strictObject({
    exitCode: oneOrMany().optional(),
    stdoutMatches: pattern().optional(),
    stderrMatches: pattern().optional(),
    json: jsonExpectation().optional(),
  });

/** `with:` of shell.run. */
export const shellRunParams = z.strictObject({
  argv: argv(),
  env: envMap().optional(),
  cwd: text().optional(),
  expect: outputExpectation().optional(),
  /** A read-only probe whose success means an interrupted action's effect exists. */
  reconcile: z
    .strictObject({
      argv: argv(),
      expect: outputExpectation().optional(),
    })
    .optional(),
});

/** `with:` of shell.pgbackrestInfo. */
export const pgbackrestInfoParams = z.strictObject({
  stanza: text().optional(),
  argv: argv().optional(),
  env: envMap().optional(),
  maxAge: duration().optional(),
  minFull: num().optional(),
  window: duration().optional(),
});

/** `with:` of shell.walgBackups. */
export const walgBackupsParams = z.strictObject({
  argv: argv().optional(),
  env: envMap().optional(),
  maxAge: duration().optional(),
  minFull: num().optional(),
  window: duration().optional(),
});

export type ShellRunParams = z.output<typeof shellRunParams>;
export type OutputExpectation = z.output<ReturnType<typeof outputExpectation>>;
export type JsonExpectation = z.output<ReturnType<typeof jsonExpectation>>;
export type PgbackrestInfoParams = z.output<typeof pgbackrestInfoParams>;
export type WalgBackupsParams = z.output<typeof walgBackupsParams>;

const backupOutputs = ['lastBackupAt', 'ageSeconds', 'fullCount', 'backupCount', 'failedCount'] as const;

/** Definitions of the shell providers. */
export const definitions: readonly ProviderDefinition[] = [
  defineProvider({
    name: 'shell.run',
    summary: 'Run a program from an argv list (no shell) and check its exit code and output',
    kinds: ['check', 'wait', 'action'],
    // As an action it may change anything; it is previewed, confirmed and recorded as an intent.
    mutates: true,
    params: shellRunParams,
    outputs: ['exitCode', 'stdout', 'stderr', 'json'],
  }),
  defineProvider({
    name: 'shell.pgbackrestInfo',
    summary: 'Age of the last successful pgBackRest backup and the count of full ones (pgbackrest info)',
    kinds: ['check'],
    mutates: false,
    params: pgbackrestInfoParams,
    outputs: [...backupOutputs, 'lastBackupLabel'],
  }),
  defineProvider({
    name: 'shell.walgBackups',
    summary: 'Age of the last WAL-G backup and the count of full ones (wal-g backup-list --detail --json)',
    kinds: ['check'],
    mutates: false,
    params: walgBackupsParams,
    outputs: [...backupOutputs, 'lastBackupName'],
  }),
];
