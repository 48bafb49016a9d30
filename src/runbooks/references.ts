/**
 * Lint of templates: every `${{ … }}` in a runbook must name a declared input, an earlier step's
 * real output, a field every environment has, or a session field; and none may sit inside SQL.
 */
import { cutShort, quote, quoteList } from './echo.js';
import { findTemplates, sessionFields, type TemplateReference } from './templates.js';
import { hasPath, asRecord } from './loose.js';
import { applicableEnvironments, type LintContext, type RunbookInfo, type StepInfo } from './lint-context.js';
import type { PathSegment } from './yaml-positions.js';

/** Outputs that `${{ steps.ID.outputs.NAME }}` may name for a step; undefined when unknown (bad provider). */
function stepOutputs(step: StepInfo, context: LintContext): readonly string[] | undefined {
  if (step.kind === 'input') return ['value', 'label'];
  if (step.kind === 'manual') return [];
  return step.uses ? context.providers.get(step.uses)?.outputs : undefined;
}

/** Checks every template of one runbook: input defaults, section texts and steps. */
export function checkRunbookTemplates(context: LintContext, runbook: RunbookInfo): void {
  const inputs = Object.keys(asRecord(runbook.value.inputs) ?? {});
  const steps = new Map<string, StepInfo>();
  for (const step of runbook.steps) if (step.id !== undefined && !steps.has(step.id)) steps.set(step.id, step);

  const scope: Scope = { context, inputs, steps, environmentGaps: new Map() };
  scan(scope, runbook.value.inputs, [...runbook.path, 'inputs'], 0, undefined);
  const sections = Array.isArray(runbook.value.sections) ? runbook.value.sections : [];
  sections.forEach((section, index) => {
    const text = asRecord(section)?.do;
    scan(scope, text, [...runbook.path, 'sections', index, 'do'], runbook.sectionStarts[index] ?? 0, undefined);
  });
  for (const step of runbook.steps) scan(scope, step.value, step.path, step.index, step);
}

interface Scope {
  readonly context: LintContext;
  readonly inputs: readonly string[];
  readonly steps: ReadonlyMap<string, StepInfo>;
  /** For steps that apply everywhere: an `env.` path and the problem with it (undefined when every environment has it). */
  readonly environmentGaps: Map<string, string | undefined>;
}

/** Where a walk is: the string's step and its place in the runbook, and the path so far (extended in place). */
interface Walk {
  readonly scope: Scope;
  readonly trail: PathSegment[];
  readonly current: number;
  readonly step: StepInfo | undefined;
}

/** Walks every string under `value`; the path is copied only for a string that holds a template, to keep large files fast. */
function scan(scope: Scope, value: unknown, path: readonly PathSegment[], current: number, step: StepInfo | undefined): void {
  walk({ scope, trail: [...path], current, step }, value);
}

function walk(at: Walk, item: unknown): void {
  if (typeof item === 'string') {
    if (item.includes('${{')) checkString(at, item);
  } else if (Array.isArray(item)) {
    for (let index = 0; index < item.length; index++) {
      at.trail.push(index);
      walk(at, item[index]);
      at.trail.pop();
    }
  } else if (item && typeof item === 'object') {
    for (const key in item) {
      at.trail.push(key);
      walk(at, (item as Record<string, unknown>)[key]);
      at.trail.pop();
    }
  }
}

function checkString(at: Walk, text: string): void {
  const { scope, trail, current, step } = at;
  const { context } = scope;
  let path: readonly PathSegment[] | undefined;
  const report = (occurrence: number, message: string) => {
    path ??= [...trail];
    context.report(context.source.template(path, occurrence), path, message);
  };
  const { references, errors } = templatesIn(context, text);
  for (const error of errors) report(error.occurrence, error.message);

  const inSql = trail[trail.length - 1] === 'sql' && trail[trail.length - 2] === 'with';
  for (const reference of references) {
    if (inSql) {
      report(reference.occurrence, `template ${cutShort(reference.text)} inside SQL: pass values as params: [...] and refer to them as $1`);
      continue;
    }
    const problem = referenceProblem(scope, reference, current, step);
    if (problem) report(reference.occurrence, problem);
  }
}

type Found = ReturnType<typeof findTemplates>;
const foundByFile = new WeakMap<LintContext, Map<string, Found>>();

/** The templates of a string, found once per distinct string of the file: runbooks repeat their instructions and parameters. */
function templatesIn(context: LintContext, text: string): Found {
  let found = foundByFile.get(context);
  if (!found) foundByFile.set(context, (found = new Map()));
  let templates = found.get(text);
  if (!templates) {
    templates = findTemplates(text);
    if (text.length <= 4096) found.set(text, templates);
  }
  return templates;
}

function referenceProblem(scope: Scope, reference: TemplateReference, current: number, step: StepInfo | undefined): string | undefined {
  const { path } = reference;
  const text = cutShort(reference.text);
  switch (reference.namespace) {
    case 'inputs': {
      if (path.length !== 1) return `malformed template ${text}: write \${{ inputs.NAME }}`;
      if (scope.inputs.includes(path[0]!)) return undefined;
      const declared = scope.inputs.length > 0 ? ` (declared: ${scope.inputs.join(', ')})` : '';
      return `unknown input ${quote(path[0]!)} in ${text}: declare it under the runbook's inputs:${declared}`;
    }
    case 'steps':
      return stepReferenceProblem(scope, reference, current, step);
    case 'env': {
      if (path.length === 1 && path[0] === 'name') return undefined;
      const everywhere = step === undefined || step.value.when === undefined;
      const key = everywhere ? path.join('.') : undefined;
      if (key !== undefined && scope.environmentGaps.has(key)) return withTemplate(scope.environmentGaps.get(key), text);
      const lacking = applicableEnvironments(scope.context, step).filter((environment) => !hasPath(environment.value, path)).map((e) => e.name);
      const subject = lacking.length === 1 ? `environment ${quoteList(lacking)} has` : `environments ${quoteList(lacking)} have`;
      const gap = lacking.length === 0 ? undefined : `${subject} no ${quote(path.join('.'))} (used by \u0000); add it to every environment`;
      if (key !== undefined) scope.environmentGaps.set(key, gap);
      return withTemplate(gap, text);
    }
    case 'session':
      if (path.length === 1 && (sessionFields as readonly string[]).includes(path[0]!)) return undefined;
      return `unknown session field in ${text}: use one of ${sessionFields.join(', ')}`;
  }
}

/** The message with the template that uses the path put in (one message serves every use). */
function withTemplate(message: string | undefined, text: string): string | undefined {
  return message?.replace('\u0000', () => text);
}

function stepReferenceProblem(scope: Scope, reference: TemplateReference, current: number, step: StepInfo | undefined): string | undefined {
  const { path } = reference;
  const text = cutShort(reference.text);
  if (path.length !== 3 || path[1] !== 'outputs') return `malformed template ${text}: write \${{ steps.STEP.outputs.NAME }}`;
  const [id, , output] = path as [string, string, string];
  const target = scope.steps.get(id);
  if (!target) return `unknown step ${quote(id)} in ${text}: no step of this runbook has that id`;
  if (step && target.index === step.index) return `${text}: a step cannot use its own outputs`;
  if (target.index >= current) return `step "${id}" comes later in the runbook; ${text} may only use outputs of earlier steps`;
  const outputs = stepOutputs(target, scope.context);
  if (outputs === undefined || outputs.includes(output)) return undefined;
  if (target.kind === 'manual') return `step "${id}" is a manual step and has no outputs (used by ${text})`;
  const source = target.kind === 'input' ? 'input step' : `provider ${target.uses}`;
  return `step "${id}" (${source}) has no output "${output}"; its outputs: ${outputs.join(', ')}`;
}
