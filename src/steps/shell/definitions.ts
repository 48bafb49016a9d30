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
const jsonPath = () =>
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
const envMap = () =>
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

/** A pgBackRest repo key (repo1 is 1). */
const repoKey = () => num().refine((value) => Number.isInteger(value) && value >= 1 && value <= 256, { message: 'expected a repo number (1 for repo1)' });

/** `with:` of shell.pgbackrestInfo. */
export const pgbackrestInfoParams = z.strictObject({
  stanza: text().optional(),
  argv: argv().optional(),
  env: envMap().optional(),
  /** Only this repo; by default every repo must hold what is asked. */
  repo: repoKey().optional(),
  maxAge: duration().optional(),
  minFull: num().optional(),
  window: duration().optional(),
});

/** `with:` of shell.pgbackrestRepos. */
export const pgbackrestReposParams = z.strictObject({
  stanza: text().optional(),
  argv: argv().optional(),
  env: envMap().optional(),
  repo: repoKey().optional(),
});

/** `with:` of shell.pgbackrestCheck. */
export const pgbackrestCheckParams = z.strictObject({
  stanza: text().optional(),
  argv: argv().optional(),
  env: envMap().optional(),
  /** pgBackRest's --archive-timeout: how long check waits for the switched segment to reach the repos. */
  archiveTimeout: duration().optional(),
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
export type PgbackrestReposParams = z.output<typeof pgbackrestReposParams>;
export type PgbackrestCheckParams = z.output<typeof pgbackrestCheckParams>;
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
    summary: 'Age of the last successful pgBackRest backup and the count of full ones, in each repo (pgbackrest info)',
    kinds: ['check'],
    mutates: false,
    params: pgbackrestInfoParams,
    outputs: [...backupOutputs, 'lastBackupLabel', 'lastBackupRepo', 'repos'],
  }),
  defineProvider({
    name: 'shell.pgbackrestRepos',
    summary: 'Every pgBackRest repo readable with a backup, and no backup flagged with errors (page checksum failures) left unsuperseded',
    kinds: ['check'],
    mutates: false,
    params: pgbackrestReposParams,
    outputs: ['repos', 'erroredBackups', 'supersededErrored', 'unusableRepos'],
  }),
  defineProvider({
    name: 'shell.pgbackrestCheck',
    summary: 'pgbackrest check: each repo configured, and a WAL segment switched on the live server reaches every repo through archive-push',
    kinds: ['check', 'wait'],
    // It makes the server switch WAL, which any archiving server does by itself; nothing is changed.
    mutates: false,
    params: pgbackrestCheckParams,
    outputs: ['walSegment', 'archivedTo', 'exitCode', 'seconds'],
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
