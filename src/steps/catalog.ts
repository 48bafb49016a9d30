/**
 * Every built-in provider: definitions (cheap, for lint, list and validation) and a lazy
 * loader for implementations, so pg and the AWS SDK load only when a step that needs them runs.
 */
import type { ProviderDefinition } from './definition.js';
import type { Provider } from './provider.js';
import { definitions as backup } from './backup/definitions.js';
import { definitions as ec2 } from './ec2/definitions.js';
import { definitions as http } from './http/definitions.js';
import { definitions as metadata } from './metadata/definitions.js';
import { definitions as postgres } from './postgres/definitions.js';
import { definitions as s3 } from './s3/definitions.js';
import { definitions as shell } from './shell/definitions.js';

/** All provider definitions, by name. */
export const providerDefinitions: ReadonlyMap<string, ProviderDefinition> = new Map(
  [...postgres, ...s3, ...ec2, ...metadata, ...backup, ...shell, ...http].map((definition) => [definition.name, definition]),
);

const families: Record<string, () => Promise<{ providers: Readonly<Record<string, Provider<any>>> }>> = {
  postgres: () => import('./postgres/index.js'),
  s3: () => import('./s3/index.js'),
  ec2: () => import('./ec2/index.js'),
  metadata: () => import('./metadata/index.js'),
  backup: () => import('./backup/index.js'),
  shell: () => import('./shell/index.js'),
  http: () => import('./http/index.js'),
};

/** Loads a provider's implementation; throws when the name is unknown or not implemented. */
export async function loadProvider(name: string): Promise<Provider<unknown>> {
  const family = families[name.split('.')[0] ?? ''];
  const provider = family ? (await family()).providers[name] : undefined;
  if (!provider) throw new Error(`provider "${name}" has no implementation`);
  return provider;
}
