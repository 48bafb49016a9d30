/**
 * The runbooks of a file as scripts and the home screen see them: ids, titles, sections and
 * their steps, and the alerts with the runbook section each one opens (DESIGN.md, `runbook list --json`).
 */
import type { RunbooksFile, StepKind } from './schema.js';

export interface StepListing {
  readonly id: string;
  readonly kind: StepKind;
  readonly title: string;
  /** The provider, or null for manual steps (and the live list's provider for input steps). */
  readonly uses: string | null;
}

export interface SectionListing {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly StepListing[];
}

export interface RunbookListing {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  /** Restore tests only; null otherwise. */
  readonly cadence: string | null;
  readonly sections: readonly SectionListing[];
}

export interface AlertListing {
  readonly id: string;
  readonly name: string;
  readonly runbook: string;
  readonly section: string;
}

export interface RunbooksListing {
  readonly runbooks: readonly RunbookListing[];
  readonly alerts: readonly AlertListing[];
}

/** Lists a validated runbooks file. */
export function listRunbooks(file: RunbooksFile): RunbooksListing {
  return {
    runbooks: file.runbooks.map((runbook) => ({
      id: runbook.id,
      title: runbook.title,
      summary: runbook.summary,
      cadence: runbook.cadence ?? null,
      sections: runbook.sections.map((section) => ({
        id: section.id,
        title: section.title,
        steps: section.steps.map((step) => ({
          id: step.id,
          kind: step.kind,
          title: step.title,
          uses: step.uses ?? step.input?.from?.uses ?? null,
        })),
      })),
    })),
    alerts: file.alerts.map((alert) => {
      const [runbook = '', section = ''] = alert.link.split('#');
      return { id: alert.id, name: alert.name, runbook, section };
    }),
  };
}

/** Steps of a listed runbook, all sections together. */
export function stepCount(runbook: RunbookListing): number {
  return runbook.sections.reduce((total, section) => total + section.steps.length, 0);
}
