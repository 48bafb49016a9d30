/**
 * The command contract (DESIGN.md, "Commands"): names, arguments, flags and help text.
 * Specs are static so `--help` and flag errors never load a command's implementation.
 */
import type { CliIO } from './io.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Shown in help: the value's name for string options. */
  readonly value?: string;
  readonly help: string;
}

export interface ParsedCommand {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** Global options, resolved with their environment variables and defaults. */
  readonly file: string;
  readonly db: string;
  /** The shared PostgreSQL store (`--store URL` or RUNBOOK_STORE), when one is named. */
  readonly store?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Longer help text, shown by `--help`. */
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** [min, max] number of positional arguments. */
  readonly positionals: readonly [number, number];
  /** Needs a terminal; without one it refuses, naming the headless alternative. */
  readonly interactive?: { readonly headless: string };
  readonly load: () => Promise<{ run(command: ParsedCommand, io: CliIO): Promise<number> }>;
}
