/**
 * Finding a runbook, an environment or a section by what the operator typed. Every command and
 * the session service refuse an unknown one with the same message naming what there is.
 */
import { ConfigError } from '../errors.js';
import type { Environment, Runbook, RunbooksFile, Section } from './schema.js';

/** The runbook with this id, or a ConfigError listing the ids there are. */
export function findRunbook(file: RunbooksFile, id: string): Runbook {
  const runbook = file.runbooks.find((candidate) => candidate.id === id);
  if (!runbook) {
    throw new ConfigError(`unknown runbook "${id}"; the runbooks are: ${file.runbooks.map((candidate) => candidate.id).join(', ')} (see "runbook list")`);
  }
  return runbook;
}

/** The environment with this name, or a ConfigError listing the names there are. */
export function findEnvironment(file: RunbooksFile, name: string): Environment {
  const environment = file.environments[name];
  if (!environment) {
    throw new ConfigError(`unknown environment "${name}"; the environments are: ${Object.keys(file.environments).join(', ')}`);
  }
  return environment;
}

/** The section with this id, or a ConfigError listing the runbook's sections. */
export function findSection(runbook: Runbook, id: string): Section {
  const section = runbook.sections.find((candidate) => candidate.id === id);
  if (!section) {
    throw new ConfigError(`runbook "${runbook.id}" has no section "${id}"; its sections are: ${runbook.sections.map((candidate) => candidate.id).join(', ')}`);
  }
  return section;
}
