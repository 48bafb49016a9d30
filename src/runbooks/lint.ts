/**
 * Lint of a runbooks file: YAML syntax, the schema (src/runbooks/schema.ts), then everything that
 * refers to something else (providers, templates, connections, alerts, assets). Every problem
 * carries the line and column of the offending text and the path inside the document.
 *
 * Paths use dots and array indexes (`runbooks.0.sections.1.steps.2.with.sql`), the same way zod
 * and the YAML library count, so a path can be followed in any editor with a YAML outline.
 * The document itself is `(root)`; YAML syntax errors have the path `(syntax)`.
 */
import type { ProviderDefinition } from '../steps/definition.js';
import { providerDefinitions } from '../steps/catalog.js';
import { checkFile } from './file-checks.js';
import { asList, asRecord, asString } from './loose.js';
import { readEnvironments, readRunbooks, type LintContext } from './lint-context.js';
import { checkRunbookTemplates } from './references.js';
import { RunbooksFile } from './schema.js';
import { checkRunbookSteps } from './step-checks.js';
import { formatPath, SourceMap, type PathSegment, type Position } from './yaml-positions.js';
import { loadYamlData } from './yaml-data.js';
import { issueProblems } from './zod-issues.js';

/** One problem in a runbooks file. */
export interface LintProblem {
  /** The file as the user named it. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** `runbooks.0.sections.1.steps.2.with.sql`, `(root)` or `(syntax)`. */
  readonly path: string;
  readonly message: string;
}

export interface LintOptions {
  /** Provider definitions to check `uses:` against; the built-in catalog by default. */
  readonly providers?: ReadonlyMap<string, ProviderDefinition>;
}

/** The problems, and the validated file when there are none. */
export interface LintResult {
  readonly problems: readonly LintProblem[];
  readonly file?: RunbooksFile;
}

/** `FILE:LINE:COL path: message`, the one line lint prints per problem. */
export function formatProblem(problem: LintProblem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.path}: ${problem.message}`;
}

/** Every problem of a runbooks file's text, sorted by position. */
export function lintRunbooksText(text: string, fileLabel: string, options: LintOptions = {}): LintProblem[] {
  return [...analyzeRunbooksText(text, fileLabel, options).problems];
}

/** Lints the text and, when it is clean, returns the validated file (schema defaults applied). */
export function analyzeRunbooksText(text: string, fileLabel: string, options: LintOptions = {}): LintResult {
  const found: Array<{ position: Position; path: string; message: string }> = [];
  const report = (position: Position, path: readonly PathSegment[] | string, message: string) =>
    found.push({ position, path: typeof path === 'string' ? path : formatPath(path), message });
  const finish = (file?: RunbooksFile): LintResult => {
    const problems = sortProblems(found).map(({ position, path, message }) => ({ file: fileLabel, line: position.line, col: position.col, path, message }));
    return problems.length === 0 && file ? { problems, file } : { problems };
  };

  const source = new SourceMap(text);
  let data = loadYamlData(text)?.data;
  if (data === undefined) {
    // js-yaml refused the text (or it is empty): let the position-keeping parser say where and why.
    for (const error of source.document.errors) {
      const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim();
      const message = error.code === 'DUPLICATE_KEY' ? `duplicate key "${key}": each key may appear once in a mapping` : lowerFirst(error.message);
      report(source.position(error.pos[0]), '(syntax)', message);
    }
    if (source.document.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return finish();
    try {
      data = source.document.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      report(source.position(0), '(syntax)', lowerFirst((error as Error).message));
      return finish();
    }
  }
  if (asRecord(data) === undefined) {
    const what = data === null || data === undefined ? 'the file is empty' : 'the file is not a mapping';
    report(source.value([]), [], `${what}: expected "version: 1", "environments:" and "runbooks:"`);
    return finish();
  }

  const parsed = RunbooksFile.safeParse(data);
  if (!parsed.success) {
    for (const problem of issueProblems(parsed.error.issues, RunbooksFile, data, [], source)) {
      report(problem.position, problem.path, problem.message);
    }
  }

  const context: LintContext = {
    source,
    data,
    providers: options.providers ?? providerDefinitions,
    environments: readEnvironments(data),
    report,
  };
  const runbooks = readRunbooks(data);
  const root = asRecord(data)!;
  const ids = {
    alerts: new Set(asList(root.alerts).map((alert) => asString(asRecord(alert)?.id)).filter((id): id is string => id !== undefined)),
    assets: new Set(asList(root.assets).map((asset) => asString(asRecord(asset)?.id)).filter((id): id is string => id !== undefined)),
  };
  checkFile(context, runbooks);
  for (const runbook of runbooks) {
    checkRunbookSteps(context, runbook, ids);
    checkRunbookTemplates(context, runbook);
  }
  return finish(parsed.success ? parsed.data : undefined);
}

function sortProblems<T extends { position: Position; path: string; message: string }>(problems: T[]): T[] {
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = `${problem.position.line}:${problem.position.col}:${problem.path}:${problem.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}
