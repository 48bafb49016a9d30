/**
 * Lint of steps beyond their shape: unique ids, the provider and the kinds it serves, its
 * parameters, the Postgres connections it names, and the alerts, assets and `when:` paths a
 * step refers to.
 */
import { quote, quoteList } from './echo.js';
import type { z } from 'zod';
import type { ProviderDefinition } from '../steps/definition.js';
import { parseDurationSeconds } from '../steps/params.js';
import { containsTemplate } from './templates.js';
import { StepKind } from './schema.js';
import { asList, asRecord, asString, hasPath, valueAt } from './loose.js';
import { applicableEnvironments, type LintContext, type RunbookInfo, type StepInfo } from './lint-context.js';
import { issueProblems } from './zod-issues.js';
import { validate } from './zod-pieces.js';
import { conforms } from './conforms.js';
import type { PathSegment } from './yaml-positions.js';

const AUTOMATED = ['check', 'wait', 'action'];
const KINDS: readonly string[] = StepKind.options;
/** Providers whose `database` / `into` parameters name a connection of the environment's `postgres:` map. */
const CONNECTION_FAMILIES = ['postgres.', 'metadata.'];
const CONNECTION_PARAMS = ['database', 'into'];
const DURATION_FIELDS = ['timeout', 'interval'];

/** Everything a runbook's steps refer to outside the runbook. */
export interface FileIds {
  readonly alerts: ReadonlySet<string>;
  readonly assets: ReadonlySet<string>;
}

/** Checks the steps and sections of one runbook. */
export function checkRunbookSteps(context: LintContext, runbook: RunbookInfo, ids: FileIds): void {
  reportDuplicates(
    context,
    asList(runbook.value.sections).map((section, index) => ({
      id: asString(asRecord(section)?.id),
      path: [...runbook.path, 'sections', index, 'id'],
    })),
    'section',
  );
  // Steps are most of a file: their id paths are built only for a duplicate.
  const first = new Map<string, StepInfo>();
  for (const step of runbook.steps) {
    if (step.id === undefined) continue;
    const earlier = first.get(step.id);
    if (!earlier) first.set(step.id, step);
    else reportDuplicate(context, [...earlier.path, 'id'], [...step.path, 'id'], step.id, 'step');
  }
  for (const step of runbook.steps) checkStep(context, step, ids);
}

/** Reports the second and later uses of an id, pointing back at the first. */
export function reportDuplicates(
  context: LintContext,
  entries: ReadonlyArray<{ readonly id: string | undefined; readonly path: readonly PathSegment[] }>,
  what: string,
): void {
  const first = new Map<string, readonly PathSegment[]>();
  for (const { id, path } of entries) {
    if (id === undefined) continue;
    const earlier = first.get(id);
    if (!earlier) first.set(id, path);
    else reportDuplicate(context, earlier, path, id, what);
  }
}

function reportDuplicate(context: LintContext, earlier: readonly PathSegment[], path: readonly PathSegment[], id: string, what: string): void {
  const { line } = context.source.value(earlier);
  context.report(context.source.value(path), path, `duplicate ${what} id ${quote(id)} (first used on line ${line})`);
}

function checkStep(context: LintContext, step: StepInfo, ids: FileIds): void {
  const { source, report } = context;
  const { kind, uses, value, path } = step;

  if (kind && AUTOMATED.includes(kind) && value.uses === undefined) {
    report(source.value(path), path, `a ${kind} step needs "uses:" naming a built-in provider (see docs/providers.md)`);
  }
  if (kind === 'manual' && value.uses !== undefined) {
    report(source.key([...path, 'uses']), [...path, 'uses'], 'a manual step runs no provider: remove "uses:" or make it a check, wait or action step');
  }
  if (kind === 'input' && value.uses !== undefined) {
    report(source.key([...path, 'uses']), [...path, 'uses'], 'an input step names its live list under "input.from.uses", not "uses:"');
  }
  if (kind === 'input' && value.input === undefined) {
    report(source.value(path), path, 'an input step needs "input:" (its type, and choices or from)');
  }
  if (kind !== undefined && KINDS.includes(kind) && kind !== 'input' && value.input !== undefined) {
    report(source.key([...path, 'input']), [...path, 'input'], `only input steps take "input:"; this is a ${kind} step`);
  }

  if (uses !== undefined && kind && AUTOMATED.includes(kind)) {
    const definition = providerFor(context, uses, path, 'uses');
    if (definition) {
      if (!(definition.kinds as readonly string[]).includes(kind)) {
        report(
          source.value([...path, 'uses']),
          [...path, 'uses'],
          `provider ${quote(uses)} cannot be used by a ${kind} step (it serves: ${definition.kinds.join(', ')})`,
        );
      }
      checkParams(context, definition, value.with, path, 'with', step);
    }
  }

  const input = asRecord(value.input);
  const from = asRecord(input?.from);
  if (kind === 'input' && input) {
    if (input.type === 'choice' && input.choices === undefined && from === undefined) {
      report(source.value([...path, 'input']), [...path, 'input'], 'a choice input needs "choices:" (fixed) or "from:" (a live list)');
    }
    const fromUses = asString(from?.uses);
    if (fromUses !== undefined) {
      const fromPath = [...path, 'input', 'from'];
      const definition = providerFor(context, fromUses, fromPath, 'uses');
      if (definition && !definition.kinds.includes('input')) {
        report(source.value([...fromPath, 'uses']), [...fromPath, 'uses'], `provider ${quote(fromUses)} offers no live list for input steps (it serves: ${definition.kinds.join(', ')})`);
      }
      if (definition) checkParams(context, definition, from?.with, fromPath, 'with', step);
    }
  }

  const when = asRecord(value.when);
  if (when) for (const whenPath of Object.keys(when)) {
    const segments = whenPath.split('.');
    if (whenPath === 'name' || context.environments.some((environment) => hasPath(environment.value, segments))) continue;
    report(source.key([...path, 'when', whenPath]), [...path, 'when', whenPath], `no environment has ${quote(whenPath)}, so this condition never holds`);
  }

  for (const field of DURATION_FIELDS) {
    const duration = asString(value[field]);
    if (duration !== undefined && parseDurationSeconds(duration) === undefined) {
      report(source.value([...path, field]), [...path, field], `expected a duration like "90s", "30m", "26h" or "7d", got ${quote(duration)}`);
    }
  }

  const alert = asString(value.alert);
  if (alert !== undefined && !ids.alerts.has(alert)) {
    report(source.value([...path, 'alert']), [...path, 'alert'], `unknown alert ${quote(alert)}: define it under alerts: (id)`);
  }
  const asset = asString(asRecord(value.signal)?.asset);
  if (asset !== undefined && !ids.assets.has(asset)) {
    report(source.value([...path, 'signal', 'asset']), [...path, 'signal', 'asset'], `unknown asset ${quote(asset)}: define it under assets: (id)`);
  }
}

function providerFor(context: LintContext, name: string, parent: readonly PathSegment[], key: string): ProviderDefinition | undefined {
  const definition = context.providers.get(name);
  if (definition) return definition;
  const path = [...parent, key];
  const family = name.split('.')[0];
  const siblings = [...context.providers.keys()].filter((candidate) => candidate.startsWith(`${family}.`));
  const hint = siblings.length > 0 ? `; ${family} providers: ${siblings.join(', ')}` : '; see docs/providers.md for the built-in providers';
  context.report(context.source.value(path), path, `unknown provider ${quote(name)}${hint}`);
  return undefined;
}

/** Validates `with:` against the provider's schema; values holding a template are checked after resolution instead. */
function checkParams(
  context: LintContext,
  definition: ProviderDefinition,
  params: unknown,
  parent: readonly PathSegment[],
  key: string,
  step: StepInfo,
): void {
  const data = params ?? {};
  if (!conforms(definition.params, data)) {
    const path = [...parent, key];
    const ignore = (issue: z.core.$ZodIssue) => {
      const local = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
      const value = valueAt(data, local);
      return local.length > 0 ? containsTemplate(value) : typeof value === 'string' && containsTemplate(value);
    };
    validate(definition.params, data, (issues) => {
      for (const problem of issueProblems(issues, definition.params, data, path, context.source, ignore)) {
        context.report(problem.position, problem.path, problem.message);
      }
    });
  }

  if (!CONNECTION_FAMILIES.some((family) => definition.name.startsWith(family))) return;
  for (const param of CONNECTION_PARAMS) {
    const name = asString(asRecord(data)?.[param]);
    if (name === undefined || name.includes('${{')) continue;
    const lacking = applicableEnvironments(context, step)
      .filter((environment) => !asRecord(environment.value.postgres)?.[name])
      .map((environment) => environment.name);
    if (lacking.length === 0) continue;
    const where = lacking.length === 1 ? `environment ${quoteList(lacking)}` : `environments ${quoteList(lacking)}`;
    const path = [...parent, key, param];
    context.report(
      context.source.value(path),
      path,
      `connection ${quote(name)} is not defined in ${where}; add it under environments.${lacking[0]}.postgres`,
    );
  }
}
