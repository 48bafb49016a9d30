/** Quoting text into the completion scripts, each shell its own way. */
import type { ValueSource } from './model.js';

/** A single-quoted word for bash and zsh: `it's` becomes `'it'\''s'`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A single-quoted word for fish, where only `\` and `'` are escaped inside quotes. */
export function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** How a value completes, as the scripts spell it: `words:a b`, `list:sessions`, `list:sessions:files`, `files`, `dirs`, `none`. */
export function sourceWord(source: ValueSource): string {
  switch (source.kind) {
    case 'words':
      return `words:${source.words.join(' ')}`;
    case 'list':
      return `list:${source.list}${source.orFiles ? ':files' : ''}`;
    case 'files':
      return 'files';
    case 'directories':
      return 'dirs';
    case 'none':
      return 'none';
  }
}
