/**
 * What every lint check reads: the source map for positions, the plain parsed data, the provider
 * definitions, the environments (with schema defaults where they validate), and where to report.
 */
import type { ProviderDefinition } from '../steps/definition.js';
import { asList, asRecord, asString, valueAt } from './loose.js';
import { Environment } from './schema.js';
import type { PathSegment, Position, SourceMap } from './yaml-positions.js';

/** Records a problem; the path may come formatted already. */
export type Reporter = (position: Position, path: readonly PathSegment[] | string, message: string) => void;

export interface LintContext {
  readonly source: SourceMap;
  readonly data: unknown;
  readonly providers: ReadonlyMap<string, ProviderDefinition>;
  /** Environments by name, defaults applied when the environment validates. */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly value: Record<string, unknown> }>;
  readonly report: Reporter;
}

/** One step of a runbook, with its place in document order. */
export interface StepInfo {
  readonly id: string | undefined;
  readonly kind: string | undefined;
  readonly uses: string | undefined;
  readonly value: Record<string, unknown>;
  readonly path: readonly PathSegment[];
  /** Position in document order across the runbook's sections. */
  readonly index: number;
}

/** One runbook, read defensively. */
export interface RunbookInfo {
  readonly id: string | undefined;
  readonly value: Record<string, unknown>;
  readonly path: readonly PathSegment[];
  readonly steps: readonly StepInfo[];
  /** Index of the first step of each section (section index → step index). */
  readonly sectionStarts: readonly number[];
}

/** Environments as templates and connection checks see them. */
export function readEnvironments(data: unknown): LintContext['environments'] {
  const environments = asRecord(asRecord(data)?.environments) ?? {};
  return Object.entries(environments).map(([name, raw]) => {
    const parsed = Environment.safeParse(raw);
    const value = parsed.success ? (parsed.data as Record<string, unknown>) : (asRecord(raw) ?? {});
    return { name, value };
  });
}

/** The runbooks of the file with their steps in document order. */
export function readRunbooks(data: unknown): RunbookInfo[] {
  return asList(asRecord(data)?.runbooks).flatMap((raw, runbookIndex) => {
    const value = asRecord(raw);
    if (!value) return [];
    const steps: StepInfo[] = [];
    const sectionStarts: number[] = [];
    asList(value.sections).forEach((section, sectionIndex) => {
      sectionStarts[sectionIndex] = steps.length;
      asList(asRecord(section)?.steps).forEach((step, stepIndex) => {
        const stepValue = asRecord(step);
        if (!stepValue) return;
        steps.push({
          id: asString(stepValue.id),
          kind: asString(stepValue.kind),
          uses: asString(stepValue.uses),
          value: stepValue,
          path: ['runbooks', runbookIndex, 'sections', sectionIndex, 'steps', stepIndex],
          index: steps.length,
        });
      });
    });
    return [{ id: asString(value.id), value, path: ['runbooks', runbookIndex], steps, sectionStarts }];
  });
}

/** The environments a step applies to under its `when:` (all of them without one). */
export function applicableEnvironments(context: LintContext, step: StepInfo | undefined): LintContext['environments'] {
  const when = asRecord(step?.value.when);
  if (!when) return context.environments;
  return context.environments.filter((environment) =>
    Object.entries(when).every(([path, allowed]) => {
      const actual = path === 'name' ? environment.name : valueAt(environment.value, path.split('.'));
      return asList(allowed).some((value) => value === actual);
    }),
  );
}
