/**
 * How a command is shown to the operator before it runs: the argv as a list (quoted for display
 * only: nothing here is ever handed to a shell), the environment with secret-looking values
 * redacted, and which executable argv[0] resolves to.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
export const REDACTED = '<redacted>';

/** `["pgbackrest", "--stanza=main", "info"]`: each element quoted, so spaces and quotes stay visible. */
export function formatArgv(argv: readonly string[], secrets: readonly string[] = []): string {
  return `[${argv.map((element) => JSON.stringify(redactKnown(element, secrets))).join(', ')}]`;
}

/** `NAME=value` pairs, values redacted when the name looks secret or the value is a known secret. */
export function formatEnv(env: Readonly<Record<string, string>>, secrets: readonly string[] = []): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${SECRET_NAME.test(name) ? REDACTED : redactKnown(value, secrets)}`)
    .join(', ');
}

/** Replaces every occurrence of a known secret (from the environment's `${ENV_VAR}` references). */
export function redactKnown(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** The executable argv[0] resolves to through PATH (from `env` when it sets PATH), or undefined. */
export function resolveProgram(program: string, env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    return executable(path) ? path : undefined;
  }
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, program);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}
