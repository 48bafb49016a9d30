/**
 * The runbooks file (DESIGN.md, "The runbooks file"), as zod schemas.
 *
 * Structure only: cross-references (template targets, alert links, provider parameters,
 * environment connection names) are checked by src/runbooks/lint.ts, which maps every issue
 * back to a line and column of the YAML source.
 */
import { z } from 'zod';

/** Stable identifiers: lower-case, digits and dashes; alerts and `--at` refer to them. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes (e.g. "restore-volume")');

/** Names used in templates (inputs, vars): letters, digits and underscores. */
export const Identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and underscores (e.g. "target_time")');

export const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const PostgresConnection = z.strictObject({
  /** libpq URL; a password only as a `${ENV_VAR}` reference (or from PGPASSWORD / ~/.pgpass). */
  url: z.string().min(1),
  /** A local cluster the product may create or start (sandbox, restore target). */
  dataDir: z.string().optional(),
  /** Directory of the PostgreSQL server binaries for local clusters. */
  binDir: z.string().optional(),
  /** OS user that owns local cluster files (`runuser -u` when running as root). */
  runAs: z.string().optional(),
  description: z.string().optional(),
});

export const AwsSettings = z.strictObject({
  region: z.string().min(1),
  /** Named profile from ~/.aws/config; credentials otherwise come from the standard chain. */
  profile: z.string().optional(),
  /** Custom endpoints (S3-compatible stores, emulators). */
  endpoints: z
    .strictObject({ ec2: z.url().optional(), s3: z.url().optional() })
    .optional(),
  /** Path-style S3 addressing for S3-compatible stores. */
  forcePathStyle: z.boolean().optional(),
  /** A local emulator (the sandbox): fixed dummy credentials, loopback endpoints only. */
  emulated: z.boolean().optional(),
  /** Static credentials, only as `${ENV_VAR}` references. */
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
});

/** The environment's backup tooling: the same runbook serves pgBackRest, WAL-G and plain pg_basebackup. */
export const BackupSettings = z.discriminatedUnion('tool', [
  z.strictObject({
    tool: z.literal('pgbackrest'),
    stanza: z.string().min(1),
    /** Extra argv for every pgbackrest call, e.g. ["--config=/etc/pgbackrest/pgbackrest.conf"]. */
    args: z.array(z.string()).default([]),
  }),
  z.strictObject({
    tool: z.literal('walg'),
    /** Environment for wal-g (WALG_S3_PREFIX…); values may be `${ENV_VAR}` references. */
    env: z.record(z.string(), z.string()).default({}),
  }),
  z.strictObject({
    tool: z.literal('pg_basebackup'),
    /** Where base backups are kept (one directory per backup, each holding base.tar / base.tar.gz or a plain copy). */
    baseBackupDir: z.string().min(1),
    /** The WAL archive that archive_command writes to. */
    walArchiveDir: z.string().min(1),
  }),
]);

/**
 * Four-eyes approval of actions on an environment: before an action runs, `required` operators
 * other than the one driving approve its exact preview (resolved parameters and dry run).
 * Without `steps` or `providers` every action needs it; with them, only the steps named or the
 * steps using the providers named.
 */
export const Approvals = z.strictObject({
  required: z.number().int('how many other operators must approve: a whole number of at least 1').min(1, 'how many other operators must approve: a whole number of at least 1'),
  /** How long an approval stays valid, e.g. "30m" or "2h" (default "1h"). */
  expires: z.string().optional(),
  /** Only these action steps (by id, in any runbook). */
  steps: z.array(Slug).min(1).optional(),
  /** Only the action steps using these providers (e.g. ec2.createVolumeFromSnapshot). */
  providers: z.array(z.string().min(1)).min(1).optional(),
});

export const Environment = z.strictObject({
  title: z.string().optional(),
  /** Production: starting needs an incident reference, each action needs `confirm` typed, drills are refused. */
  protected: z.boolean().default(false),
  /** The name the operator types to confirm an action on a protected environment. */
  confirm: z.string().min(1).optional(),
  postgres: z.record(Identifier, PostgresConnection).default({}),
  aws: AwsSettings.optional(),
  backup: BackupSettings.optional(),
  /** Free values for templates: `${{ env.vars.name }}`. */
  vars: z.record(Identifier, Scalar).default({}),
  /**
   * A JSON file that a program writes for this environment (`runbook sandbox up` does, naming the
   * backup tool it set up): while it exists, its `backup` replaces the one here and its `vars`
   * replace those of the same name. Relative to the runbooks file.
   */
  settingsFile: z.string().min(1).optional(),
  /** Actions here need another operator's approval of their exact preview. */
  approvals: Approvals.optional(),
});

export const InputType = z.enum(['text', 'timestamp', 'number', 'choice']);

export const RunbookInput = z.strictObject({
  type: InputType.default('text'),
  description: z.string().optional(),
  required: z.boolean().default(true),
  default: Scalar.optional(),
  /** Never written to the log or an export. */
  secret: z.boolean().default(false),
  /** For `type: choice`. */
  choices: z.array(z.string()).optional(),
});

/** Live list for an input step: a provider's `choices`. */
export const ChoiceSource = z.strictObject({
  uses: z.string().min(1),
  with: z.record(z.string(), z.unknown()).default({}),
});

export const StepInput = z.strictObject({
  type: InputType,
  /** Fixed choices (type: choice). */
  choices: z.array(z.string()).optional(),
  /** Live choices (type: choice), e.g. a volume's snapshots. */
  from: ChoiceSource.optional(),
  secret: z.boolean().default(false),
  default: Scalar.optional(),
});

export const StepKind = z.enum(['manual', 'check', 'wait', 'action', 'input']);

export const Step = z.strictObject({
  id: Slug,
  kind: StepKind,
  title: z.string().min(1),
  /** The instructions, as text. */
  do: z.string().min(1),
  /** Built-in provider for check / wait / action steps. */
  uses: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  /** Input steps: what to ask for. */
  input: StepInput.optional(),
  /** Manual steps: a note is required as evidence when marking done. */
  note: z.enum(['required', 'optional']).optional(),
  /** Only in environments where each path (into the environment) has one of the listed values. */
  when: z.record(z.string(), z.array(Scalar).min(1)).optional(),
  /** Skipping (always with a recorded reason) may be forbidden for critical steps. */
  skippable: z.boolean().default(true),
  /** Action steps: another operator approves the exact preview before it runs, in every environment. */
  approval: z.enum(['required']).optional(),
  /** Bound for the call (check, action) or for the whole wait. */
  timeout: z.string().optional(),
  /** Wait steps: how often to poll. */
  interval: z.string().optional(),
  /** The alert (by id) whose condition this check detects; `runbook check` names it on failure. */
  alert: Slug.optional(),
  /** Evidence: the asset whose signal this check measures (success, freshness). */
  signal: z
    .strictObject({ asset: Slug, kind: z.enum(['success', 'freshness', 'restore-test']) })
    .optional(),
  /** Drills: this step ends the restore (RTO end) and/or reports the recovery point reached. */
  drill: z
    .strictObject({
      restoreEnds: z.boolean().optional(),
      /** Template naming the recovery point reached (e.g. an output of a recovery-point check). */
      recoveryPoint: z.string().optional(),
      /** Template naming the recovery target asked for. */
      recoveryTarget: z.string().optional(),
    })
    .optional(),
});

export const Section = z.strictObject({
  id: Slug,
  title: z.string().min(1),
  /** Optional text shown when the section opens. */
  do: z.string().optional(),
  steps: z.array(Step).min(1, 'a section needs at least one step'),
});

export const Cadence = z.enum(['daily', 'weekly', 'monthly', 'quarterly']);

export const Runbook = z.strictObject({
  id: Slug,
  title: z.string().min(1),
  summary: z.string().min(1),
  /** Restore tests only: how often a passing drill is due. */
  cadence: Cadence.optional(),
  /** Where it comes from in the seed document. */
  source: z.string().optional(),
  inputs: z.record(Identifier, RunbookInput).default({}),
  sections: z.array(Section).min(1, 'a runbook needs at least one section'),
});

export const Alert = z.strictObject({
  id: Slug,
  name: z.string().min(1),
  /** `runbook-id#section-id`. */
  link: z.string().regex(/^[a-z0-9-]+#[a-z0-9-]+$/, 'write the link as "runbook-id#section-id"'),
  summary: z.string().optional(),
});

/** A backed-up asset of the seed, for evidence (success, freshness, restore test). */
export const Asset = z.strictObject({
  id: Slug,
  name: z.string().min(1),
  /** How often a success is expected, e.g. "1d"; and how old the newest may be. */
  frequency: z.string().optional(),
  retention: z.string().optional(),
  /** The restore-test runbook that proves it can be restored. */
  restoreTest: Slug.optional(),
});

export const RunbooksFile = z.strictObject({
  version: z.literal(1),
  environments: z.record(Slug, Environment).refine((envs) => Object.keys(envs).length > 0, 'define at least one environment'),
  runbooks: z.array(Runbook).min(1, 'define at least one runbook'),
  alerts: z.array(Alert).default([]),
  assets: z.array(Asset).default([]),
});

export type RunbooksFile = z.infer<typeof RunbooksFile>;
export type Environment = z.infer<typeof Environment>;
export type Approvals = z.infer<typeof Approvals>;
export type Runbook = z.infer<typeof Runbook>;
export type Section = z.infer<typeof Section>;
export type Step = z.infer<typeof Step>;
export type StepKind = z.infer<typeof StepKind>;
export type RunbookInput = z.infer<typeof RunbookInput>;
export type Alert = z.infer<typeof Alert>;
export type Asset = z.infer<typeof Asset>;
