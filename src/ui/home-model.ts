/**
 * What the home screen shows, as plain data. Shaped like `runbook list --json` (DESIGN.md) so the
 * list service's output feeds it directly; evidence and interrupted sessions arrive from the
 * session store later and are optional here.
 */

export interface HomeStep {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly uses?: string | null | undefined;
}

export interface HomeSection {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly HomeStep[];
}

/** Restore-test evidence for a runbook with a cadence. */
export interface DrillEvidence {
  /** ISO time of the last passing drill; absent when none passed yet. */
  readonly lastPassedAt?: string | undefined;
  readonly overdue: boolean;
}

export interface HomeRunbook {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly cadence?: string | null | undefined;
  /**
   * Its sections and steps. The home command leaves them out (the list shows counts) and gives
   * the screen `sectionsOf` to read them when a runbook is opened (the first frame must not wait for them).
   */
  readonly sections?: readonly HomeSection[] | undefined;
  /** Counts for the list when `sections` is left out. */
  readonly sectionCount?: number | undefined;
  readonly stepCount?: number | undefined;
  readonly evidence?: DrillEvidence | undefined;
}

/** A session that stopped before it ended; the home screen lists these first. */
export interface InterruptedSession {
  readonly id: string;
  readonly runbook: string;
  readonly env: string;
  readonly operator: string;
  /** The step it stopped at, if it had opened one. */
  readonly currentStep?: string | undefined;
  /** ISO time of its last event. */
  readonly lastEventAt: string;
}

export interface HomeEnvironment {
  readonly name: string;
  /** Starting there needs an incident reference. */
  readonly protected: boolean;
}

/** Total steps over all sections. */
export function stepCount(runbook: HomeRunbook): number {
  return runbook.stepCount ?? (runbook.sections ?? []).reduce((total, section) => total + section.steps.length, 0);
}

/** How many sections. */
export function sectionCount(runbook: HomeRunbook): number {
  return runbook.sectionCount ?? runbook.sections?.length ?? 0;
}
