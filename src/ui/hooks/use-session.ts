/**
 * The hook that drives a session for the screen: it owns the DrivenSession's subscription, opens
 * the current step, runs its check at once, loads live choices, runs previews and actions with
 * progress, and reconciles in-flight actions on open. The screen renders `view` and calls the
 * commands; it never touches the engine. State shown always comes from the session's folded
 * state, which changes only after an event is durable.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { OperatorError } from '../../errors.js';
import type { DrivenSession, ReconcileOutcome } from '../../services/session/driven-session.js';
import { StoreUnreachableError } from '../../state/postgres/sync-sql.js';
import { stepDefinition, type SessionState } from '../../state/session-state.js';
import type { Choice } from '../../steps/provider.js';
import { previewedNotConfirmed } from '../session/action-phase.js';
import { useApprovalWatch } from './use-approval-watch.js';

/** What is running right now (one thing at a time). */
export type Activity =
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking'; readonly stepId: string; readonly startedAt: number }
  | { readonly kind: 'loading-choices'; readonly stepId: string; readonly startedAt: number }
  | { readonly kind: 'previewing'; readonly stepId: string; readonly startedAt: number }
  | { readonly kind: 'running-action'; readonly stepId: string; readonly startedAt: number }
  | { readonly kind: 'reconciling'; readonly startedAt: number };

/** Live progress of the running work (wait polls, long actions). */
export interface Progress {
  readonly message: string;
  readonly fraction?: number | undefined;
}

export interface SessionMessage {
  readonly tone: 'error' | 'info';
  readonly text: string;
}

/** Choices of an input step: loaded, or why not. */
export type ChoiceList = { readonly ok: true; readonly choices: readonly Choice[] } | { readonly ok: false; readonly error: string };

export interface SessionView {
  readonly state: SessionState;
  readonly activity: Activity;
  readonly progress: Progress | null;
  /** Live output lines per step (capped). */
  readonly output: Readonly<Record<string, readonly string[]>>;
  readonly choices: Readonly<Record<string, ChoiceList>>;
  /** What reconciling in-flight actions found when the session was opened. */
  readonly reconciled: readonly ReconcileOutcome[];
  readonly message: SessionMessage | null;
  /** Runbook inputs still to be asked (required without a value, or secrets lost on resume). */
  readonly pendingInputs: readonly string[];
  /** True once this process no longer drives the session (left, completed). */
  readonly closed: boolean;
  /** Set when another process took the session over: who has it now. Nothing here writes any more. */
  readonly takenOver: string | null;
  /** Nothing on this screen writes (`runbook follow`): no line says which key to press. */
  readonly readOnly?: boolean;
  /** The command another operator runs to approve the step's previewed action. */
  readonly approveCommand?: (stepId: string) => string;
  /** The shared store did not take the last command (nothing of it was recorded); the session may go on in the local log. */
  readonly storeUnreachable?: { readonly store: string; readonly reason: string } | null;
}

export interface SessionCommands {
  rerunCheck(): void;
  reloadChoices(): void;
  provideInput(value: unknown, label?: string): boolean;
  provideRunbookInput(name: string, value: string): boolean;
  preview(): void;
  /** Records the confirmation and runs the action. */
  confirmAndRun(typed: string): void;
  complete(options?: { readonly note?: string; readonly overrideReason?: string }): boolean;
  skip(reason: string): boolean;
  addNote(text: string, stepId: string | null): boolean;
  completeSession(): SessionState | undefined;
  /** Records the interruption and gives the lock up; a running check is abandoned, a running action is left in flight. */
  leave(): void;
  dismissMessage(): void;
  /** Goes on in this machine's local log after the shared store did not answer (recorded there). */
  continueLocally(): void;
}

const MAX_OUTPUT_LINES = 500;

/** Drives `session` for the screen. */
export function useSession(session: DrivenSession): { view: SessionView; commands: SessionCommands } {
  const [state, setState] = useState<SessionState>(session.state);
  const [activity, setActivity] = useState<Activity>(() =>
    session.inFlight.length > 0 ? { kind: 'reconciling', startedAt: Date.now() } : { kind: 'idle' },
  );
  const [progress, setProgress] = useState<Progress | null>(null);
  const [output, setOutput] = useState<Record<string, readonly string[]>>({});
  const [choices, setChoices] = useState<Record<string, ChoiceList>>({});
  const [reconciled, setReconciled] = useState<readonly ReconcileOutcome[]>([]);
  const [message, setMessage] = useState<SessionMessage | null>(null);
  const [closed, setClosed] = useState(false);
  const [takenOver, setTakenOver] = useState<string | null>(() => session.lost?.message ?? null);
  const [storeUnreachable, setStoreUnreachable] = useState<SessionView['storeUnreachable']>(null);
  const storeUnreachableRef = useRef(storeUnreachable);
  storeUnreachableRef.current = storeUnreachable;
  // Busy flag read synchronously by commands: a second key press never starts a second run.
  const busy = useRef(false);
  const closedRef = useRef(false);
  const checkAbort = useRef<AbortController | null>(null);
  // Each opening of a check runs it once by itself; a check that cannot even start (a template
  // with no value yet) shows why and waits for r, instead of retrying in a loop.
  const autoRun = useRef(new Set<string>());

  useEffect(
    () =>
      session.subscribe((next) => {
        if (closedRef.current) return;
        setState(next);
        // A command the store took: it answers again.
        setStoreUnreachable(null);
      }),
    [session],
  );
  // A paused process that runs again learns at its next heartbeat that another took over.
  useEffect(() => session.onLost((error) => setTakenOver(error.message)), [session]);

  const fail = useCallback((error: unknown) => {
    if (closedRef.current) return;
    if (error instanceof StoreUnreachableError && session.canContinueLocally) setStoreUnreachable({ store: error.location, reason: error.reason });
    const text = error instanceof OperatorError ? [error.message, ...error.details].join('; ') : `internal error (a bug in runbook): ${(error as Error).message}`;
    setMessage({ tone: 'error', text });
  }, [session]);

  /** Runs `work` as the one current activity; results after leaving are dropped. */
  const runExclusive = useCallback(
    (next: Activity, work: () => Promise<void>) => {
      if (busy.current || closedRef.current || session.lost) return;
      busy.current = true;
      setActivity(next);
      setProgress(null);
      setMessage(null);
      work()
        .catch((error: unknown) => fail(error))
        .finally(() => {
          busy.current = false;
          checkAbort.current = null;
          if (!closedRef.current) {
            setActivity({ kind: 'idle' });
            setProgress(null);
          }
        });
    },
    [fail, session],
  );

  const runOptions = useCallback(
    (stepId: string, signal?: AbortSignal) => ({
      ...(signal ? { signal } : {}),
      onProgress: (update: Progress) => {
        if (!closedRef.current) setProgress({ message: update.message, fraction: update.fraction });
      },
      onOutput: (chunk: string) => {
        if (closedRef.current) return;
        setOutput((current) => {
          const lines = [...(current[stepId] ?? []), ...chunk.replace(/\n$/, '').split('\n')];
          return { ...current, [stepId]: lines.slice(-MAX_OUTPUT_LINES) };
        });
      },
    }),
    [],
  );

  const runCheck = useCallback(
    (stepId: string) => {
      const controller = new AbortController();
      runExclusive({ kind: 'checking', stepId, startedAt: Date.now() }, async () => {
        checkAbort.current = controller;
        setOutput((current) => ({ ...current, [stepId]: [] }));
        await session.runCheck(stepId, runOptions(stepId, controller.signal));
      });
    },
    [runExclusive, runOptions, session],
  );

  const loadChoices = useCallback(
    (stepId: string) => {
      const controller = new AbortController();
      runExclusive({ kind: 'loading-choices', stepId, startedAt: Date.now() }, async () => {
        checkAbort.current = controller;
        try {
          const list = await session.choices(stepId, { signal: controller.signal });
          setChoices((current) => ({ ...current, [stepId]: { ok: true, choices: list } }));
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          setChoices((current) => ({ ...current, [stepId]: { ok: false, error: text } }));
        }
      });
    },
    [runExclusive, session],
  );

  // Opening: reconcile what was in flight before anything else.
  useEffect(() => {
    if (session.inFlight.length === 0) return;
    busy.current = true;
    session
      .reconcileInFlight()
      .then((outcomes) => {
        if (!closedRef.current) setReconciled(outcomes);
      })
      .catch((error: unknown) => fail(error))
      .finally(() => {
        busy.current = false;
        if (!closedRef.current) setActivity({ kind: 'idle' });
      });
  }, [session, fail]);

  // The current action's approval is decided elsewhere: read the store while it waits, and
  // while it is approved but not confirmed yet (a rejection or a second opinion may still come).
  const gated = state.currentStepId ? state.steps[state.currentStepId] : undefined;
  const waiting = Boolean(gated?.approvalRule && previewedNotConfirmed(gated) && !closed && !takenOver && state.status === 'open');
  useApprovalWatch(session, waiting, fail);

  // Recomputed when the state changes (a given input leaves the list).
  const pendingInputs = useMemo(() => session.pendingInputs, [state, session]);

  // The current step opens as soon as it is current; a check runs at once; a live list loads.
  const currentId = state.currentStepId;
  const current = currentId ? state.steps[currentId] : undefined;
  useEffect(() => {
    if (!current || activity.kind !== 'idle' || closedRef.current || pendingInputs.length > 0 || state.status !== 'open' || takenOver) return;
    try {
      if (current.status === 'pending') {
        session.openStep(current.id);
        return;
      }
    } catch (error) {
      fail(error);
      return;
    }
    const opening = `${current.id}:${current.opened}`;
    if ((current.kind === 'check' || current.kind === 'wait') && current.check === null && current.status === 'open' && !autoRun.current.has(opening)) {
      autoRun.current.add(opening);
      runCheck(current.id);
    } else if (current.kind === 'input' && current.input === null && !choices[current.id]) {
      const input = stepDefinition(state, current.id)?.input;
      if (input?.type === 'choice') loadChoices(current.id);
    }
  }, [current, activity.kind, pendingInputs.length, state, session, runCheck, loadChoices, choices, fail, takenOver]);

  useEffect(
    () => () => {
      closedRef.current = true;
      checkAbort.current?.abort();
    },
    [],
  );

  const attempt = useCallback(
    (work: () => void): boolean => {
      if (busy.current || closedRef.current || session.lost) return false;
      setMessage(null);
      try {
        work();
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    [fail, session],
  );

  const commands = useMemo<SessionCommands>(
    () => ({
      rerunCheck() {
        const id = session.state.currentStepId;
        if (id) runCheck(id);
      },
      reloadChoices() {
        const id = session.state.currentStepId;
        if (id) loadChoices(id);
      },
      provideInput(value, label) {
        const id = session.state.currentStepId;
        return id ? attempt(() => session.provideInput(id, value, label === undefined ? {} : { label })) : false;
      },
      provideRunbookInput(name, value) {
        return attempt(() => session.provideInput(null, value, { name }));
      },
      preview() {
        const id = session.state.currentStepId;
        if (!id) return;
        runExclusive({ kind: 'previewing', stepId: id, startedAt: Date.now() }, async () => {
          await session.previewAction(id, runOptions(id));
        });
      },
      confirmAndRun(typed) {
        const id = session.state.currentStepId;
        if (!id) return;
        if (!attempt(() => session.confirmAction(id, typed))) return;
        // No AbortController: once the intent is recorded, only the provider's own deadline ends
        // the call. Leaving records the action as in flight; resume reconciles it.
        runExclusive({ kind: 'running-action', stepId: id, startedAt: Date.now() }, async () => {
          setOutput((current) => ({ ...current, [id]: [] }));
          await session.runAction(id, runOptions(id));
        });
      },
      complete(options = {}) {
        const id = session.state.currentStepId;
        return id ? attempt(() => session.completeStep(id, options)) : false;
      },
      skip(reason) {
        const id = session.state.currentStepId;
        return id ? attempt(() => session.skipStep(id, reason)) : false;
      },
      addNote(text, stepId) {
        // Notes may be added while something runs: they touch no step state.
        if (closedRef.current || session.lost) return false;
        try {
          session.addNote(text, stepId);
          return true;
        } catch (error) {
          fail(error);
          return false;
        }
      },
      completeSession() {
        let result: SessionState | undefined;
        if (!attempt(() => (result = session.complete()))) return undefined;
        closedRef.current = true;
        setClosed(true);
        return result;
      },
      leave() {
        if (closedRef.current) return;
        checkAbort.current?.abort();
        try {
          session.interrupt();
        } catch (error) {
          // The interruption could not be written (disk full…): resume still works, it will say "crashed".
          fail(error);
          session.release();
        }
        closedRef.current = true;
        setClosed(true);
      },
      dismissMessage() {
        setMessage(null);
      },
      continueLocally() {
        const unreachable = storeUnreachableRef.current;
        if (!unreachable) return;
        if (!attempt(() => session.continueLocally(unreachable.reason))) return;
        setStoreUnreachable(null);
        setMessage({ tone: 'info', text: `going on in the local log ${session.state.localFallback?.localLog} (recorded); "runbook push ${session.id}" uploads the session once the shared store is back` });
      },
    }),
    [session, runCheck, loadChoices, attempt, runExclusive, runOptions, fail],
  );

  // One object per change, not per render: the screen memoises what it draws on `view`.
  const approveCommand = useCallback((stepId: string) => session.approveCommand(stepId), [session]);
  const view = useMemo<SessionView>(
    () => ({ state, activity, progress, output, choices, reconciled, message, pendingInputs, closed, takenOver, approveCommand, storeUnreachable }),
    [state, activity, progress, output, choices, reconciled, message, pendingInputs, closed, takenOver, approveCommand, storeUnreachable],
  );
  return { view, commands };
}
