/**
 * An environment's `settingsFile`: settings a program writes for that environment because they
 * are only known where it runs (`runbook sandbox up` writes which backup tool it set up:
 * pgBackRest when it is installed, pg_basebackup otherwise). While the file exists, its `backup`
 * replaces the environment's and its `vars` replace those of the same name; without it the
 * environment is used as written. A file that is there but unreadable or invalid is a
 * ConfigError naming it, never a silent fallback.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { BackupSettings, Identifier, Scalar, type Environment, type RunbooksFile } from './schema.js';

/** What a settings file may set; other top-level keys (e.g. who wrote it, and why) are ignored. */
export const EnvironmentSettingsFile = z.object({
  backup: BackupSettings.optional(),
  vars: z.record(Identifier, Scalar).optional(),
});

export type EnvironmentSettings = z.output<typeof EnvironmentSettingsFile>;

/** The settings in `path`, or undefined when there is no such file. */
function readEnvironmentSettings(path: string, environmentName: string): EnvironmentSettings | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${path} (settingsFile of environment "${environmentName}"): ${(error as Error).message}`);
  }
  const fix = `fix or remove it (it replaces environments.${environmentName}.backup and vars while it exists)`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} (settingsFile of environment "${environmentName}") is not JSON: ${(error as Error).message}; ${fix}`);
  }
  const parsed = EnvironmentSettingsFile.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new ConfigError(`${path} (settingsFile of environment "${environmentName}") is not valid: ${issues.join('; ')}; ${fix}`);
  }
  return parsed.data;
}

/**
 * The file with every environment's settings file applied (paths in `settingsFile` already
 * absolute). Returns the same object when no environment has a settings file present.
 */
export function applySettingsFiles(file: RunbooksFile): RunbooksFile {
  let changed = false;
  const environments: Record<string, Environment> = {};
  for (const [name, environment] of Object.entries(file.environments)) {
    const settings = environment.settingsFile ? readEnvironmentSettings(environment.settingsFile, name) : undefined;
    if (!settings) {
      environments[name] = environment;
      continue;
    }
    changed = true;
    environments[name] = {
      ...environment,
      ...(settings.backup ? { backup: settings.backup } : {}),
      vars: { ...environment.vars, ...settings.vars },
    };
  }
  return changed ? { ...file, environments } : file;
}
