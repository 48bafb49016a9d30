/** Reading a parsed command's option values the same way in every command. */
import { UsageError } from '../errors.js';
import type { ParsedCommand } from './spec.js';

/** A string option's value; undefined when it is absent or empty. */
export function textOption(command: ParsedCommand, name: string): string | undefined {
  const value = command.options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `--set key=value` (repeatable) as a map; a value may itself contain "=". */
export function setOptions(option: ParsedCommand['options'][string]): Record<string, string> {
  const list = Array.isArray(option) ? option : typeof option === 'string' ? [option] : [];
  const inputs: Record<string, string> = {};
  for (const entry of list) {
    const index = entry.indexOf('=');
    if (index <= 0) throw new UsageError(`--set takes key=value, got "${entry}"`);
    inputs[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return inputs;
}
