/**
 * Loads a runbooks file's YAML as plain data, fast. The `yaml` package keeps node positions but
 * takes over a second on a large file; js-yaml builds the same data (YAML 1.2 core schema, as
 * `yaml` does by default) ten times faster. Lint asks SourceMap for positions only when it has a
 * problem to report, and falls back to `yaml` for anything js-yaml refuses.
 */
import jsYaml from 'js-yaml';

/** Flow collections nested deeper than this are reported where they pass it. */
const NESTING_SHOWN = 1000;

/**
 * The document's data; `tooDeep` with where the nesting passes a thousand levels when js-yaml ran
 * out of stack on it; undefined when js-yaml refuses the text (syntax, duplicate keys).
 */
export function loadYamlData(text: string): { readonly data: unknown } | { readonly tooDeep: number } | undefined {
  try {
    return { data: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) };
  } catch (error) {
    return error instanceof RangeError ? { tooDeep: nestingOffset(text) } : undefined;
  }
}

/** Where `[` and `{` first nest a thousand deep (quoted text and comments skipped), else where the most indented line starts. */
function nestingOffset(text: string): number {
  let depth = 0;
  let quote = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (quote !== 0) {
      if (code === quote) quote = 0;
      else if (code === BACKSLASH && quote === DOUBLE_QUOTE) index++;
      continue;
    }
    const startsValue = index === 0 || ' \t\r\n[{,:'.includes(text[index - 1]!);
    if ((code === DOUBLE_QUOTE || code === SINGLE_QUOTE) && startsValue) quote = code;
    else if (code === HASH && startsValue) while (index + 1 < text.length && !'\r\n'.includes(text[index + 1]!)) index++;
    else if (code === 91 || code === 123) {
      if (++depth > NESTING_SHOWN) return index;
    } else if (code === 93 || code === 125) depth = Math.max(0, depth - 1);
  }
  let deepest = 0;
  let widest = -1;
  for (const match of text.matchAll(/^( *)\S/gm)) {
    if (match[1]!.length > widest) {
      widest = match[1]!.length;
      deepest = match.index + widest;
    }
  }
  return deepest;
}

const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const HASH = 35;
