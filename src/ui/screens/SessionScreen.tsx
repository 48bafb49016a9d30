import React, { useEffect, useLayoutEffect, useMemo, useReducer, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import type { DrivenSession } from '../../services/session/driven-session.js';
import { drillResult } from '../../state/drill-result.js';
import { drillLine } from '../../state/export/drill-facts.js';
import { stepDefinition, type SessionState } from '../../state/session-state.js';
import { wrapWords } from '../format.js';
import { useIntents, type IntentHandlers } from '../hooks/use-intents.js';
import { useKeyGate } from '../hooks/use-key-gate.js';
import { useSession, type SessionCommands, type SessionView } from '../hooks/use-session.js';
import { useSessionClock } from '../hooks/use-session-clock.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTheme } from '../hooks/use-theme.js';
import { isIntent } from '../keys.js';
import { awaitingApproval, awaitingConfirmation } from '../session/action-phase.js';
import { enterMeans } from '../session/enter-means.js';
import { Footer } from '../session/Footer.js';
import { Header } from '../session/Header.js';
import { Help } from '../session/Help.js';
import { formatElapsed } from '../session/lines.js';
import { Outline } from '../session/Outline.js';
import { OutputPanel } from '../session/OutputPanel.js';
import { Prompt } from '../session/Prompt.js';
import { autoPromptFor, promptProps, submitInput, type PromptMode } from '../session/prompts.js';
import { initialScreenState, screenReducer } from '../session/screen-mode.js';
import { footerHints, intentsOf, type SessionKeyMode } from '../session/session-keys.js';
import { StepPanel, stepPanelLines } from '../session/StepPanel.js';
import { stepCounts, Summary } from '../session/Summary.js';

export interface SessionScreenProps {
  readonly session: DrivenSession;
  /** Called once when the operator leaves or completes: the exit code and the lines to print after the screen is gone. */
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
  /** How long a changed screen must have been drawn before a key may act on it (see use-key-gate.ts). */
  readonly keySettleMs?: number;
}

/**
 * The guided session: header, outline, the step looked at, and the prompt or key hints. Keys
 * are intents from one map (session-keys.ts) that also draws the footer and the help; only the
 * focused widget listens; a key acts only on the state that was on screen when it was pressed.
 * Nothing shown as finished is not yet durable: everything renders from the session's fold.
 */
export function SessionScreen({ session, onExit, keySettleMs }: SessionScreenProps) {
  const { view, commands } = useSession(session);
  const { state, activity } = view;
  const theme = useTheme();
  const { rows, columns } = useTerminalSize();
  const [screen, dispatch] = useReducer(screenReducer, initialScreenState);
  const { mode, viewedId, changing, promptDismissed } = screen;
  const [choiceIndex, setChoiceIndex] = useState(0);
  const onScreen = useKeyGate(() => session.state.lastSeq, state.lastSeq, keySettleMs);

  const currentId = state.currentStepId;
  const current = currentId ? state.steps[currentId] : undefined;
  const definition = currentId ? stepDefinition(state, currentId) : undefined;
  const shownId = viewedId ?? currentId;
  const shown = shownId ? state.steps[shownId] : undefined;
  const isCurrent = shownId === currentId;
  const busy = activity.kind !== 'idle';
  const allFinished = state.status === 'open' && currentId === null;
  // Idle, the header shows whole minutes since the start: the screen redraws when the minute
  // turns, not more often, since a redraw right before a key makes that key wait for Ink's frame
  // throttle. The summary (all finished) shows seconds: every 15 s there.
  const startedAt = state.startedAt ? Date.parse(state.startedAt) : undefined;
  const minutesOnly = activity.kind === 'idle' && !allFinished && startedAt !== undefined;
  const now = useSessionClock(activity.kind !== 'idle' ? 250 : minutesOnly ? 60_000 : 15_000, minutesOnly ? startedAt : undefined);
  const choiceList = currentId ? view.choices[currentId] : undefined;
  const choosing = Boolean(current && definition?.input?.type === 'choice' && (!current.input || changing) && choiceList?.ok && isCurrent);

  // A new current step: look at it, with nothing put aside. A layout effect, so no frame shows
  // the new step with the old step's overlay state.
  useLayoutEffect(() => dispatch({ type: 'current-step-changed' }), [currentId]);
  // Set while rendering (not in an effect), so no frame shows the pointer on a row that cannot be chosen.
  const [choicesStarted, setChoicesStarted] = useState(choiceList);
  if (choicesStarted !== choiceList) {
    setChoicesStarted(choiceList);
    if (choiceList?.ok) setChoiceIndex(Math.max(0, choiceList.choices.findIndex((choice) => !choice.disabled)));
  }

  const leaveNow = () => {
    commands.leave();
    const lines = view.takenOver
      ? [`runbook: ${view.takenOver}`]
      : [`Session ${state.id} saved. Resume with: runbook resume ${state.id}`];
    onExit(ExitCode.cancelled, lines);
  };
  const leave = () => (activity.kind === 'running-action' ? dispatch({ type: 'ask-to-leave' }) : leaveNow());

  const autoPrompt = view.takenOver ? null : autoPromptFor(state, view, definition, promptDismissed, isCurrent, changing);
  const activePrompt: PromptMode | null = mode.kind === 'prompt' ? mode : autoPrompt;
  const keyMode: SessionKeyMode = view.takenOver
    ? 'taken-over'
    : mode.kind === 'help' || mode.kind === 'inspect' || mode.kind === 'leave-confirm'
      ? mode.kind
      : activity.kind === 'running-action'
        ? 'action-running'
        : allFinished
          ? 'finished'
          : busy
            ? 'busy'
            : view.storeUnreachable
              ? 'store-unreachable'
              : current && isCurrent && awaitingApproval(current, new Date(now))?.kind === 'pending'
              ? 'awaiting-approval'
              : 'main';

  const confirm = () => {
    const meaning = enterMeans({ step: current, definition, isCurrent, busy, allFinished, choosing });
    switch (meaning.kind) {
      case 'nothing':
        return;
      case 'complete-session':
        return completeSession(state, commands, onExit);
      case 'complete':
        commands.complete();
        return;
      case 'ask':
        return dispatch({ type: 'ask', purpose: meaning.purpose, stepId: current!.id });
      case 'choose': {
        const choice = choiceList?.ok ? choiceList.choices[choiceIndex] : undefined;
        if (choice && !choice.disabled && commands.provideInput(choice.value, choice.label)) dispatch({ type: 'input-changed' });
        return;
      }
      case 'reopen-prompt':
        return dispatch({ type: 'reopen-prompt' });
      case 'run':
        return commands.confirmAndRun('enter');
      case 'preview':
        return commands.preview();
    }
  };

  const browse = (delta: number) => {
    const index = state.order.indexOf(shownId ?? '');
    const next = state.order[Math.min(state.order.length - 1, Math.max(0, (index === -1 ? state.order.length : index) + delta))];
    if (next) dispatch({ type: 'look-at', stepId: next === currentId ? null : next });
  };
  const moveChoice = (delta: number) => {
    if (!choiceList?.ok) return;
    const count = choiceList.choices.length;
    setChoiceIndex((index) => Math.min(count - 1, Math.max(0, index + delta)));
  };
  const rerun = () => {
    if (!current || !isCurrent || busy) return;
    if (current.kind === 'check' || current.kind === 'wait') commands.rerunCheck();
    else if (current.kind === 'action' && current.status === 'failed' && !awaitingConfirmation(current)) commands.preview();
    else if (current.kind === 'action' && awaitingApproval(current)) commands.preview();
    else if (current.kind === 'input' && definition?.input?.type === 'choice') {
      dispatch({ type: 'change-input' });
      commands.reloadChoices();
    } else if (current.kind === 'input' && current.status === 'passed') dispatch({ type: 'ask', purpose: 'input', stepId: current.id });
  };

  // Keys that record something act only on what was on screen when they were pressed.
  const recorded = (handler: () => void) => () => {
    if (onScreen()) handler();
  };
  const handlers: IntentHandlers = {
    quit: leave,
    back: mode.kind === 'help' || mode.kind === 'inspect' ? () => dispatch({ type: 'close' }) : leave,
    cancel: mode.kind === 'main' ? () => dispatch({ type: 'look-at', stepId: null }) : () => dispatch({ type: 'close' }),
    confirm: recorded(confirm),
    rerun: recorded(rerun),
    skip: recorded(() => current && isCurrent && !busy && dispatch({ type: 'ask', purpose: 'skip', stepId: current.id })),
    note: () => dispatch({ type: 'ask', purpose: 'note', stepId: shownId ?? null }),
    inspect: mode.kind === 'inspect' ? () => dispatch({ type: 'close' }) : () => shown && dispatch({ type: 'open-inspect' }),
    help: mode.kind === 'help' ? () => dispatch({ type: 'close' }) : () => dispatch({ type: 'open-help' }),
    // "y" runs a previewed action that needs no typed confirmation (Enter does too).
    yes: recorded(() => current && isCurrent && awaitingConfirmation(current) && current.requiredConfirmation === null && !busy && commands.confirmAndRun('y')),
    local: () => commands.continueLocally(),
    up: () => (choosing && viewedId === null ? moveChoice(-1) : browse(-1)),
    down: () => (choosing && viewedId === null ? moveChoice(1) : browse(1)),
    pageUp: () => browse(-1),
    pageDown: () => browse(1),
  };
  const heard = Object.fromEntries(intentsOf(keyMode).map((intent) => [intent, handlers[intent]])) as IntentHandlers;
  useIntents(heard, { isActive: keyMode !== 'leave-confirm' && activePrompt === null && !view.closed });
  // Leaving while an action runs: "y" leaves, any other key stays.
  useInput((input, key) => (isIntent('yes', input, key) ? leaveNow() : dispatch({ type: 'close' })), { isActive: keyMode === 'leave-confirm' });

  // Declared after the key listeners, so it runs after their effects have put stdin in raw mode
  // and (re)attached the listeners of the current mode: the footer shows the keys only once they
  // are heard, at the start and after each change of mode (tests and operators can wait for it).
  const listeners = `${keyMode}|${activePrompt === null}|${isCurrent}|${view.closed}`;
  const [heardKeys, setHeardKeys] = useState<string | null>(null);
  useEffect(() => setHeardKeys(listeners), [listeners]);
  const listening = heardKeys === listeners;

  const submitPrompt = (prompt: PromptMode, value: string) => {
    // An answer belongs to the step it was asked about: if the session has moved on, it is dropped.
    if (prompt.purpose !== 'note' && prompt.stepId !== null && prompt.stepId !== session.state.currentStepId) return dispatch({ type: 'answered' });
    let ok = true;
    switch (prompt.purpose) {
      case 'note':
        ok = commands.addNote(value, prompt.stepId);
        break;
      case 'skip':
        ok = commands.skip(value);
        break;
      case 'override':
        ok = commands.complete({ overrideReason: value });
        break;
      case 'evidence':
        ok = commands.complete({ note: value });
        break;
      case 'confirm':
        commands.confirmAndRun(value.trim());
        break;
      case 'input':
        ok = submitInput(state, view, commands, value);
        break;
    }
    dispatch({ type: ok ? 'answered' : 'answer-refused' });
  };

  // Rows: header, info lines, gap, outline, gap, panel, prompt, gap, footer, and one spare.
  const infoLines = infoLinesOf(session, view, columns);
  const promptRows = activePrompt ? 4 : mode.kind === 'leave-confirm' ? 2 : 0;
  const outlineRows = Math.max(3, Math.min(12, Math.floor((rows - 10) / 3)));
  const panelRows = Math.max(3, rows - 1 - infoLines.length - 1 - outlineRows - 1 - promptRows - 1 - 1 - 1);
  const lines = useMemo(
    () =>
      shown
        ? stepPanelLines({
            state,
            step: shown,
            definition: stepDefinition(state, shown.id),
            view,
            theme,
            columns,
            now,
            isCurrent,
            choiceIndex,
            choiceRows: Math.max(1, panelRows - 8),
            changing,
          })
        : [],
    [state, shown, view, theme, columns, now, isCurrent, choiceIndex, panelRows, changing],
  );
  const hints = activePrompt ? [['enter', 'record'], ['esc', 'cancel']] as const : footerHints(keyMode, { choosing, actionElapsed: activity.kind === 'running-action' ? formatElapsed(now - activity.startedAt) : null });

  return (
    <Box flexDirection="column" width={columns}>
      <Header state={state} now={now} live={activity.kind !== 'idle'} />
      {infoLines.map((line, index) => (
        <Text key={index} color={line.tone === 'error' ? theme.danger : theme.warning} wrap="truncate-end">
          {line.text}
        </Text>
      ))}
      <Text> </Text>
      {mode.kind === 'help' ? (
        <Help />
      ) : mode.kind === 'inspect' && shown ? (
        <OutputPanel
          title={`${shown.title} (${shown.id}) in full`}
          lines={lines}
          output={view.output[shown.id] ?? []}
          extra={inspectExtra(state, shown.id)}
          rows={rows - 4 - infoLines.length}
          columns={columns}
        />
      ) : (
        <>
          <Outline state={state} viewedId={shownId} rows={outlineRows} />
          <Text> </Text>
          {allFinished ? <Summary state={state} now={now} /> : <StepPanel lines={lines} rows={panelRows} />}
          {activePrompt ? (
            <Prompt
              key={`${activePrompt.purpose}-${activePrompt.stepId}`}
              {...promptProps(state, view, activePrompt)}
              onSubmit={(value) => submitPrompt(activePrompt, value)}
              onCancel={() => dispatch({ type: 'dismiss-prompt' })}
            />
          ) : null}
          {mode.kind === 'leave-confirm' ? (
            <Text color={theme.warning} bold wrap="truncate-end">
              An action is running; leaving now records it as in-flight and resume will reconcile it. Leave? (y/N)
            </Text>
          ) : null}
        </>
      )}
      <Text> </Text>
      {listening ? <Footer hints={hints} /> : <Text> </Text>}
    </Box>
  );
}

function completeSession(state: SessionState, commands: SessionCommands, onExit: SessionScreenProps['onExit']): void {
  const ended = commands.completeSession();
  if (!ended) return;
  const { done, skipped, overridden } = stepCounts(ended);
  const lines = [`Session ${state.id} completed: ${done} done, ${skipped} skipped, ${overridden} went on after a failure.`];
  const drill = drillResult(ended);
  if (drill) lines.push(drillLine(drill));
  lines.push(`Export the record: runbook export ${state.id}`);
  onExit(drill && drill.passed === false ? ExitCode.failed : ExitCode.ok, lines);
}

interface InfoLine {
  readonly tone: 'error' | 'warning';
  readonly text: string;
}

function infoLinesOf(session: DrivenSession, view: SessionView, columns: number): InfoLine[] {
  const lines: InfoLine[] = [];
  if (session.runbookChanges.length > 0) {
    // Up to three rows: what changed matters on resume, but the step must keep its room.
    const text = `runbook changed since this session started (it keeps its pinned copy): ${session.runbookChanges.join('; ')}`;
    for (const part of wrapWords(text, columns - 1).slice(0, 3)) lines.push({ tone: 'warning', text: part });
  }
  if (view.activity.kind === 'reconciling') lines.push({ tone: 'warning', text: 'reconciling actions that were in flight when the session stopped…' });
  for (const outcome of view.reconciled.slice(0, 2)) {
    lines.push({ tone: 'warning', text: `reconciled ${outcome.stepId}: ${outcome.outcome} · ${outcome.detail}` });
  }
  if (view.takenOver) lines.push({ tone: 'error', text: view.takenOver });
  if (view.storeUnreachable) {
    lines.push({
      tone: 'error',
      text: `press l to go on in this machine's local log (recorded; "runbook push" uploads it later), or retry the store with the step's keys`,
    });
  }
  if (view.message) lines.push({ tone: view.message.tone === 'error' ? 'error' : 'warning', text: view.message.text });
  return lines;
}

function inspectExtra(state: SessionState, stepId: string): string[] {
  const step = state.steps[stepId]!;
  const extra: string[] = [];
  for (const detail of step.preview?.details ?? []) extra.push(`${detail.label}: ${detail.value}`);
  if (step.check) extra.push(`observed (full): ${JSON.stringify(step.check.observed)}`);
  if (Object.keys(step.outputs).length > 0) extra.push(`outputs: ${JSON.stringify(step.outputs)}`);
  if (step.intent) extra.push(`intent: ${step.intent.provider} key ${step.intent.idempotencyKey} params ${JSON.stringify(step.intent.params)}`);
  if (step.error) extra.push(`error: ${step.error}`);
  return extra;
}
