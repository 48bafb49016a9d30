/**
 * What the shell completion scripts complete, read off the command contract (src/cli/commands.ts)
 * so the scripts never drift from it: the command names and summaries, each command's flags,
 * and where a value goes, what kind of value it is. A value's kind comes from the name the
 * contract gives it in help: `E` is an environment, `<runbook>` a runbook id, `md|json|html`
 * those words, `FILE` a file. Runbook ids, environments, sections and session ids are not known
 * until the shell asks: the scripts then run `runbook completion --list KIND` (src/cli/completion/lists.ts).
 */
import { commands as contract } from '../commands.js';
import { globalOptions } from '../main.js';
import type { CommandSpec, OptionSpec } from '../spec.js';

/** What `runbook completion --list` prints: one value a line. */
export const LIST_KINDS = ['runbooks', 'environments', 'sections', 'sessions', 'resumable'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Where the values of an argument come from. */
export type ValueSource =
  | { readonly kind: 'words'; readonly words: readonly string[] }
  /** `orFiles`: a file name is as good (`runbook verify <session | export.json>`). */
  | { readonly kind: 'list'; readonly list: ListKind; readonly orFiles?: boolean }
  | { readonly kind: 'files' }
  | { readonly kind: 'directories' }
  /** Free text (an incident reference, key=value): nothing to offer. */
  | { readonly kind: 'none' };

export interface CompletedOption {
  /** Without dashes: `env`. */
  readonly name: string;
  readonly short?: string;
  readonly help: string;
  /** May be given more than once (`--set a=1 --set b=2`). */
  readonly multiple?: boolean;
  /** Undefined for a flag that takes no value. */
  readonly value?: ValueSource;
}

export interface CompletedCommand {
  readonly name: string;
  readonly summary: string;
  /** The command's own options, then the global ones. */
  readonly options: readonly CompletedOption[];
  /** The first positional argument, when the command takes one. */
  readonly positional?: ValueSource;
}

export interface CompletionModel {
  readonly commands: readonly CompletedCommand[];
  readonly globalOptions: readonly CompletedOption[];
}

/** Names the contract gives values, and the values they stand for. */
const PLACEHOLDERS: Readonly<Record<string, ValueSource>> = {
  runbook: { kind: 'list', list: 'runbooks' },
  session: { kind: 'list', list: 'sessions' },
  SESSION: { kind: 'list', list: 'sessions' },
  E: { kind: 'list', list: 'environments' },
  SECTION: { kind: 'list', list: 'sections' },
  FILE: { kind: 'files' },
  DIR: { kind: 'directories' },
};

/** The completion model of the command contract. */
export function completionModel(commands: readonly CommandSpec[] = contract): CompletionModel {
  const global = Object.entries(globalOptions).map(([name, option]) => completedOption(name, option, undefined));
  return {
    globalOptions: global,
    commands: commands
      // The home screen is what `runbook` alone opens; "runbook home" is not a command.
      .filter((spec) => spec.name !== 'home')
      .map((spec) => {
        const positional = spec.positionals[1] > 0 ? positionalSource(spec) : undefined;
        return {
          name: spec.name,
          summary: spec.summary,
          options: [...Object.entries(spec.options).map(([name, option]) => completedOption(name, option, spec)), ...global],
          ...(positional ? { positional } : {}),
        };
      }),
  };
}

function completedOption(name: string, option: OptionSpec, spec: CommandSpec | undefined): CompletedOption {
  const base = { name, help: option.help, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) };
  if (option.type === 'boolean') return base;
  return { ...base, value: resumes(spec, name) ? RESUMABLE : valueSource(option.value ?? '') };
}

/** Resuming takes a session that is not finished: `runbook resume S`, `runbook run --resume S`. */
const RESUMABLE: ValueSource = { kind: 'list', list: 'resumable' };
function resumes(spec: CommandSpec | undefined, option?: string): boolean {
  return option === 'resume' || (option === undefined && spec?.name === 'resume');
}

/**
 * The first positional argument as the usage line writes it, after `runbook NAME`:
 * `<runbook>`, `[<session>]`, `<session | export.json>`, `[FILE]`, `up|down|status`.
 */
function positionalSource(spec: CommandSpec): ValueSource {
  if (resumes(spec)) return RESUMABLE;
  const rest = spec.usage.split(/ \| runbook /)[0]!.split(' ').slice(2).join(' ');
  const argument = /^\[?<([^>]*)>\]?|^\[?([^\s[\]-][^\s[\]]*)\]?/.exec(rest);
  const text = argument?.[1] ?? argument?.[2];
  if (text === undefined) return { kind: 'none' };
  const alternatives = text.split('|').map((alternative) => alternative.trim());
  const sources = alternatives.map((alternative) => PLACEHOLDERS[alternative]);
  const known = sources.find((source) => source !== undefined);
  const fileToo = alternatives.some((alternative) => alternative.includes('.'));
  if (known?.kind === 'list' && fileToo) return { ...known, orFiles: true };
  if (known) return known;
  if (alternatives.every(isWord)) return { kind: 'words', words: alternatives };
  return fileToo ? { kind: 'files' } : { kind: 'none' };
}

function valueSource(placeholder: string): ValueSource {
  const known = PLACEHOLDERS[placeholder];
  if (known) return known;
  // Lower-case words are the values themselves (`md|json|html`); other names (`REF`, `key=value`) are free text.
  const words = placeholder.split('|');
  return words.every(isWord) ? { kind: 'words', words } : { kind: 'none' };
}

function isWord(text: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(text);
}
