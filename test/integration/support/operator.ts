/**
 * An operator at the keyboard, without the screen: walks a session's steps in order through the
 * session engine's command API (the same calls the TUI makes). Manual steps are marked done with
 * a note, input steps get a value (checked against the step's choices), checks and waits run,
 * actions go preview → confirm (typing what the preview asks for) → run. A step the engine
 * skipped on its own (not applicable here) is left as it is. Anything failing stops the walk
 * with the step's recorded detail, as an operator would stop and read it.
 */
import type { ActionPreview } from '../../../src/steps/provider.js';
import type { DrivenSession, RunOptions } from '../../../src/services/session/driven-session.js';

export interface OperatorScript {
  /** Notes for manual steps, by step id (a step with a required note and none here fails the walk). */
  readonly notes?: Readonly<Record<string, string>>;
  /** Values for input steps, by step id. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Work the operator does by hand before marking a manual step done (e.g. stopping a server). */
  readonly byHand?: Readonly<Record<string, () => Promise<void>>>;
  /** Progress and output callbacks for checks and actions (what the screen would render). */
  readonly runOptions?: RunOptions;
}

/** What happened at one step, for the test to assert on. */
export interface StepWalk {
  readonly stepId: string;
  readonly kind: string;
  readonly outcome: 'done' | 'skipped-by-engine';
  readonly preview?: ActionPreview;
  readonly confirmation?: string | null;
  readonly typed?: string;
}

/** Walks one step to done (or leaves an engine-skipped step); throws on anything failing. */
export async function walkStep(session: DrivenSession, stepId: string, script: OperatorScript = {}): Promise<StepWalk> {
  const step = session.state.steps[stepId];
  if (!step) throw new Error(`the session has no step "${stepId}"`);
  if (step.status === 'skipped') return { stepId, kind: step.kind, outcome: 'skipped-by-engine' };
  session.openStep(stepId);
  const fail = (what: string) => {
    const now = session.state.steps[stepId]!;
    throw new Error(`step "${stepId}" ${what}: ${JSON.stringify({ status: now.status, check: now.check, error: now.error ?? null })}`);
  };
  switch (step.kind) {
    case 'manual': {
      await script.byHand?.[stepId]?.();
      const note = script.notes?.[stepId];
      session.completeStep(stepId, note === undefined ? {} : { note });
      return { stepId, kind: step.kind, outcome: 'done' };
    }
    case 'input': {
      const value = script.inputs?.[stepId];
      if (value === undefined) throw new Error(`no value scripted for input step "${stepId}"`);
      const choices = await session.choices(stepId);
      if (choices.length > 0 && !choices.some((choice) => choice.value === value)) {
        throw new Error(`"${value}" is not one of the choices of "${stepId}": ${choices.map((c) => c.value).join(', ')}`);
      }
      session.provideInput(stepId, value);
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: 'done' };
    }
    case 'check':
    case 'wait': {
      await session.runCheck(stepId, script.runOptions);
      if (session.state.steps[stepId]!.status !== 'passed') fail('did not pass');
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: 'done' };
    }
    case 'action': {
      const { preview, confirmation } = await session.previewAction(stepId);
      if (preview.dryRun && !preview.dryRun.ok) throw new Error(`the preview of "${stepId}" refuses: ${preview.dryRun.detail}`);
      // Any answer confirms when the engine asks for nothing in particular; otherwise type exactly what it asks.
      const typed = confirmation ?? 'yes';
      session.confirmAction(stepId, typed);
      await session.runAction(stepId, script.runOptions);
      if (session.state.steps[stepId]!.status !== 'passed') fail('failed');
      session.completeStep(stepId);
      return { stepId, kind: step.kind, outcome: 'done', preview, confirmation, typed };
    }
  }
}

/** Walks every step in the session's order, up to and including `until` (default: all). */
export async function walkSteps(session: DrivenSession, script: OperatorScript = {}, until?: string): Promise<StepWalk[]> {
  const walked: StepWalk[] = [];
  for (const stepId of session.state.order) {
    walked.push(await walkStep(session, stepId, script));
    if (stepId === until) return walked;
  }
  if (until !== undefined) throw new Error(`the session has no step "${until}"`);
  return walked;
}
