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
import { blameAlias, isAliasBomb, mayHoldAliases, measureData } from './alias-expansion.js';
import { conforms } from './conforms.js';
import { boundedMessage, cutShort } from './echo.js';
import { checkFile } from './file-checks.js';
import { asList, asRecord, asString } from './loose.js';
import { readEnvironments, readRunbooks, type LintContext, type Reporter } from './lint-context.js';
import { checkRunbookTemplates } from './references.js';
import { RunbooksFile } from './schema.js';
import { checkRunbookSteps } from './step-checks.js';
import { formatPath, positionIn, SourceMap, type PathSegment, type Position } from './yaml-positions.js';
import { loadYamlData } from './yaml-data.js';
import { issueProblems } from './zod-issues.js';
import { validate } from './zod-pieces.js';

/** How many problems lint and the loader print; the rest are counted. */
const PROBLEMS_SHOWN = 100;

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
  /** The file with the schema's defaults, when there are no problems (parsed on first read). */
  readonly file?: RunbooksFile;
  /** How many runbooks and steps a clean file has (without parsing it into `file`). */
  readonly counts?: { readonly runbooks: number; readonly steps: number };
}

/** `FILE:LINE:COL path: message`, the one line lint prints per problem. */
export function formatProblem(problem: LintProblem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.path}: ${problem.message}`;
}

/**
 * The lines to print for the problems: the first `limit` as `FILE:LINE:COL path: message`, then
 * `… and 49,900 more problems (50,000 in all)` when there are more.
 */
export function problemLines(problems: readonly LintProblem[], limit = PROBLEMS_SHOWN): string[] {
  const lines = problems.slice(0, limit).map(formatProblem);
  const more = problems.length - limit;
  if (more > 0) {
    lines.push(`… and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'} (${problems.length.toLocaleString('en-US')} in all)`);
  }
  return lines;
}

/** Every problem of a runbooks file's text, sorted by position. */
export function lintRunbooksText(text: string, fileLabel: string, options: LintOptions = {}): LintProblem[] {
  return [...analyzeRunbooksText(text, fileLabel, options).problems];
}

/** Lints the text; when it is clean, also its counts and the validated file (schema defaults applied, built on first read). */
export function analyzeRunbooksText(text: string, fileLabel: string, options: LintOptions = {}): LintResult {
  const found: Array<{ position: Position; path: string; message: string }> = [];
  const report = (position: Position, path: readonly PathSegment[] | string, message: string) =>
    found.push({ position, path: typeof path === 'string' ? path : formatPath(path), message: boundedMessage(message) });
  const finish = (clean?: CleanFile): LintResult => {
    const problems = sortProblems(found).map(({ position, path, message }) => ({ file: fileLabel, line: position.line, col: position.col, path, message }));
    return problems.length === 0 && clean ? cleanResult(clean) : { problems };
  };

  const source = new SourceMap(text);
  const loaded = loadYamlData(text);
  if (loaded && 'tooDeep' in loaded) {
    // The position-keeping parser would run out of stack too, and take a second doing it.
    report(positionIn(text, loaded.tooDeep), '(syntax)', TOO_DEEP);
    return finish();
  }
  let data = loaded?.data;
  if (data === undefined) {
    // js-yaml refused the text (or it is empty): let the position-keeping parser say where and why.
    let tooDeep = false;
    for (const error of source.document.errors) {
      const message = syntaxMessage(error.message);
      // Running out of stack is reported once per frame it unwinds; once is enough.
      if (message === TOO_DEEP && tooDeep) continue;
      tooDeep ||= message === TOO_DEEP;
      report(source.position(error.pos[0]), '(syntax)', message);
    }
    for (const offset of source.duplicateKeys()) {
      const key = cutShort(/^[^:\r\n]*/.exec(text.slice(offset, offset + 200))?.[0].trim() ?? '');
      report(source.position(offset), '(syntax)', `duplicate key "${key}": each key may appear once in a mapping`);
    }
    if (source.document.errors.length > 0) return finish();
    try {
      data = source.document.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      report(source.position(0), '(syntax)', lowerFirst((error as Error).message));
      return finish();
    }
  }
  if (mayHoldAliases(text)) {
    const size = measureData(data);
    if (isAliasBomb(size)) {
      const blamed = blameAlias(source.document, size);
      report(source.position(blamed.offset), blamed.path, blamed.message);
      return finish();
    }
  }
  if (asRecord(data) === undefined) {
    const what = data === null || data === undefined ? 'the file is empty' : 'the file is not a mapping';
    report(source.value([]), [], `${what}: expected "version: 1", "environments:" and "runbooks:"`);
    return finish();
  }

  try {
    return finish(checkData(data, source, options, report));
  } catch (error) {
    // Our walks are iterative or as deep as the data js-yaml managed to build; this is a last resort.
    if (!(error instanceof RangeError)) throw error;
    report(source.value([]), [], 'the file is too deeply nested or too large to check; make it smaller');
    return finish();
  }
}

/** A file the schema accepts: its data, counts, and the parsed file when zod already built it. */
interface CleanFile {
  readonly data: unknown;
  readonly parsed?: RunbooksFile;
  readonly counts: { readonly runbooks: number; readonly steps: number };
}

function cleanResult(clean: CleanFile): LintResult {
  let file = clean.parsed;
  return {
    problems: [],
    counts: clean.counts,
    // zod builds the file with its defaults only for whoever reads it (the loader does; lint only counts).
    get file(): RunbooksFile {
      if (file === undefined) {
        const parsed = RunbooksFile.safeParse(clean.data);
        if (!parsed.success) throw new Error(`lint found no problem but the schema refuses the file (a bug in lint): ${parsed.error.issues[0]?.message}`);
        file = parsed.data;
      }
      return file;
    },
  };
}

/** Validates plain data against the schema and every cross-reference; describes the file when the schema holds. */
function checkData(data: unknown, source: SourceMap, options: LintOptions, report: Reporter): CleanFile | undefined {
  // Most files are valid: ask the quick check first, and zod for the issues only when it says no.
  const { valid, value } = conforms(RunbooksFile, data)
    ? { valid: true, value: undefined }
    : validate(RunbooksFile, data, (issues) => {
        for (const problem of issueProblems(issues, RunbooksFile, data, [], source)) report(problem.position, problem.path, problem.message);
      });

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
  if (!valid) return undefined;
  const steps = runbooks.reduce((total, runbook) => total + runbook.steps.length, 0);
  return { data, ...(value === undefined ? {} : { parsed: value }), counts: { runbooks: runbooks.length, steps } };
}

const TOO_DEEP = 'the YAML nests too deeply to read; flatten this value';

function syntaxMessage(message: string): string {
  if (/call stack/i.test(message)) return TOO_DEEP;
  return lowerFirst(message);
}

/** Sorted by position (stable), each problem once: the first of equal position, path and message is kept. */
function sortProblems<T extends { position: Position; path: string; message: string }>(problems: T[]): T[] {
  const sorted = [...problems].sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col);
  const unique: T[] = [];
  // The problems at one position: a few are compared directly, a crowd through a set of keys.
  let group: T[] = [];
  let keys: Set<string> | undefined;
  for (const problem of sorted) {
    const first = group[0];
    if (!first || first.position.line !== problem.position.line || first.position.col !== problem.position.col) {
      group = [];
      keys = undefined;
    }
    if (group.length < 16) {
      if (group.some((other) => other.path === problem.path && other.message === problem.message)) continue;
    } else {
      keys ??= new Set(group.map((other) => `${other.path}\n${other.message}`));
      const key = `${problem.path}\n${problem.message}`;
      if (keys.has(key)) continue;
      keys.add(key);
    }
    group.push(problem);
    unique.push(problem);
  }
  return unique;
}

function lowerFirst(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}
