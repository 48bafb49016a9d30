/**
 * Loads a runbooks file's YAML as plain data, fast. The `yaml` package keeps node positions but
 * takes over a second on a large file; js-yaml builds the same data (YAML 1.2 core schema, as
 * `yaml` does by default) ten times faster. Lint asks SourceMap for positions only when it has a
 * problem to report, and falls back to `yaml` for anything js-yaml refuses.
 */
import jsYaml from 'js-yaml';

/** The document's data, or undefined when js-yaml refuses the text (syntax, duplicate keys). */
export function loadYamlData(text: string): { readonly data: unknown } | undefined {
  try {
    return { data: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }) };
  } catch {
    return undefined;
  }
}
