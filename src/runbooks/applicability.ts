/**
 * `when:` on a step: it applies only where each path into the environment holds one of the
 * listed values (e.g. `backup.tool: [pgbackrest]`). Steps that do not apply are skipped with a
 * recorded reason, never silently.
 */
import type { Environment, Step } from './schema.js';

/** Reads a dotted path (`backup.tool`, `vars.region`, `name`) from an environment. */
function environmentValue(environment: Environment & { name?: string }, path: string): unknown {
  let current: unknown = environment;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Undefined when the step applies; otherwise the reason it does not, for the skip event. */
export function notApplicableReason(step: Step, environment: Environment, envName: string): string | undefined {
  if (!step.when) return undefined;
  const named = { ...environment, name: envName };
  for (const [path, allowed] of Object.entries(step.when)) {
    const actual = environmentValue(named, path);
    if (!allowed.some((value) => value === actual)) {
      return `not applicable in environment "${envName}": ${path} is ${JSON.stringify(actual ?? null)}, the step is for ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
    }
  }
  return undefined;
}
