/**
 * Runbook inputs given before a session starts: `--set name=value` and, so that secrets stay out
 * of `ps` and shell history, the environment variable RUNBOOK_INPUT_<NAME>. A secret given with
 * `--set` still works, with a warning saying how to give it safely.
 */
import type { Runbook } from '../../runbooks/schema.js';

/** The environment variable that gives runbook input `name`: RUNBOOK_INPUT_ and the name in upper case, other characters as "_". */
export function inputVariable(name: string): string {
  return `RUNBOOK_INPUT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface GatheredInputs {
  /** Values by input name: `--set` wins over the environment. */
  readonly inputs: Readonly<Record<string, string>>;
  /** One line each, for standard error before anything runs. */
  readonly warnings: readonly string[];
}

/** Merges `--set` values with RUNBOOK_INPUT_* variables for the inputs the runbook declares. */
export function gatherInputs(runbook: Pick<Runbook, 'inputs'>, sets: Readonly<Record<string, string>>, processEnv: NodeJS.ProcessEnv): GatheredInputs {
  const inputs: Record<string, string> = {};
  const warnings: string[] = [];
  for (const name of Object.keys(runbook.inputs ?? {})) {
    const fromEnvironment = processEnv[inputVariable(name)];
    if (fromEnvironment !== undefined && fromEnvironment !== '') inputs[name] = fromEnvironment;
  }
  for (const [name, value] of Object.entries(sets)) {
    inputs[name] = value;
    if (runbook.inputs?.[name]?.secret) {
      warnings.push(
        `warning: --set ${name}=… puts a secret where ps and your shell history show it; give it as ${inputVariable(name)}=… in the environment, or leave it out and type it when asked`,
      );
    }
  }
  return { inputs, warnings };
}
