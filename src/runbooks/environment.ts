/**
 * Environments name their secrets as `${ENV_VAR}` references; they are resolved from the
 * process environment only when a step needs them, and every resolved value is remembered as a
 * secret so the log and exports can redact it.
 */
import { ConfigError } from '../errors.js';
import type { Environment } from './schema.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface ResolvedEnvironment extends Environment {
  readonly name: string;
  /** Values that came from `${ENV_VAR}` references: never logged, never exported. */
  readonly secrets: readonly string[];
}

/** Names of the `${ENV_VAR}` references in a string, in order. */
export function environmentReferences(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => match[1]!);
}

/**
 * Replaces `${ENV_VAR}` references throughout an environment.
 * A missing variable is a configuration error naming the variable and where it is used.
 */
export function resolveEnvironment(
  name: string,
  environment: Environment,
  processEnv: NodeJS.ProcessEnv = process.env,
): ResolvedEnvironment {
  const secrets = new Set<string>();
  const missing: string[] = [];

  const resolveValue = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      return value.replace(REFERENCE, (_whole, variable: string) => {
        const found = processEnv[variable];
        if (found === undefined) {
          missing.push(`${variable} (used at environments.${name}.${path})`);
          return '';
        }
        if (found !== '') secrets.add(found);
        return found;
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => resolveValue(item, `${path}.${index}`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, resolveValue(item, path ? `${path}.${key}` : key)]),
      );
    }
    return value;
  };

  const resolved = resolveValue(environment, '') as Environment;
  if (missing.length > 0) {
    throw new ConfigError(
      `environment "${name}" needs ${missing.length === 1 ? 'a variable that is' : 'variables that are'} not set: ${missing.join(', ')}; export ${missing.length === 1 ? 'it' : 'them'} and try again`,
    );
  }
  return { ...resolved, name, secrets: [...secrets] };
}
