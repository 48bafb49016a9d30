/**
 * The sandbox environment's settings file: `up` writes it when it set up pgBackRest, so the
 * runbooks' checks and restores use the stanza (the `backup:` pgBackRest reads, and the backup
 * bucket's layout under repo2 in `vars`); it removes it when it fell back to pg_basebackup, so
 * the environment is used as the runbooks file writes it. See src/runbooks/settings-file.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { EnvironmentSettings } from '../runbooks/settings-file.js';
import type { SandboxLayout } from './layout.js';
import type { PgbackrestProgram } from './pgbackrest-stanza.js';

/** The settings file's content for the pgBackRest stanza; `vars` follow the bucket layout pgBackRest writes in repo2. */
export function pgbackrestEnvironmentSettings(layout: SandboxLayout, program: PgbackrestProgram): EnvironmentSettings & { madeBy: string; note: string } {
  const { pgbackrest } = layout;
  const repo = pgbackrest.repo2Path.replace(/^\/+/, '');
  return {
    madeBy: 'runbook sandbox up',
    note: `pgBackRest ${program.version} is installed, so the sandbox's backups are its stanza ${pgbackrest.stanza}: repo1 posix, repo2 the S3 emulator over https. runbook sandbox up rewrites this file, and removes it when it falls back to pg_basebackup.`,
    backup: { tool: 'pgbackrest', stanza: pgbackrest.stanza, args: [`--config=${pgbackrest.configFile}`] },
    vars: {
      // pgBackRest writes backup.manifest when a backup completes; full sets are labelled ...F.
      base_backup_prefix: `${repo}/backup/${pgbackrest.stanza}/`,
      base_backup_marker: 'backup.manifest',
      full_backup_pattern: '\\d{8}-\\d{6}F/backup\\.manifest$',
      wal_prefix: `${repo}/archive/${pgbackrest.stanza}/`,
      backup_storage_prefix: `${repo}/`,
    },
  };
}

/** Writes the settings file when its content differs; true when it did. */
export async function writeEnvironmentSettings(path: string, settings: object): Promise<boolean> {
  const text = `${JSON.stringify(settings, null, 2)}\n`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  await writeFile(path, text);
  return true;
}

/** Removes the settings file; true when there was one. */
export async function removeEnvironmentSettings(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  await rm(path, { force: true });
  return true;
}
