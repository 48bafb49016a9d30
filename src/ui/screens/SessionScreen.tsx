import React, { useEffect, useMemo, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import type { SessionEvent } from '../../state/events.js';
import type { DrivenSession } from '../../services/session/driven-session.js';
import { stepDefinition, type SessionState } from '../../state/session-state.js';
import type { KeyHint } from '../components/KeyHints.js';
import { wrapWords } from '../format.js';
import { useIntents } from '../hooks/use-intents.js';
import { useSession, type SessionCommands, type SessionView } from '../hooks/use-session.js';
import { useSessionClock } from '../hooks/use-session-clock.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTheme } from '../hooks/use-theme.js';
import { Footer } from '../session/Footer.js';
import { Header } from '../session/Header.js';
import { Help } from '../session/Help.js';
import { formatElapsed } from '../session/lines.js';
import { Outline } from '../session/Outline.js';
import { OutputPanel } from '../session/OutputPanel.js';
import { Prompt } from '../session/Prompt.js';
import { awaitingConfirmation } from '../session/action-phase.js';
import { StepPanel, stepPanelLines } from '../session/StepPanel.js';
import { stepCounts, Summary } from '../session/Summary.js';
import { parseTimestamp } from '../session/timestamp.js';

export interface SessionScreenProps {
  readonly session: DrivenSession;
  /** The log as read when the session was opened (advice of earlier failures). */
  readonly history?: readonly SessionEvent[];
  /** Called once when the operator leaves or completes: the exit code and the lines to print after the screen is gone. */
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
}

type PromptPurpose = 'note' | 'skip' | 'override' | 'evidence' | 'confirm' | 'input';

type Mode =
  | { readonly kind: 'main' }
  | { readonly kind: 'help' }
  | { readonly kind: 'inspect' }
  | { readonly kind: 'leave-confirm' }
  | { readonly kind: 'prompt'; readonly purpose: PromptPurpose; readonly stepId: string | null };

/**
 * The guided session: header, outline, the step looked at, and the prompt or key hints. Keys
 * are intents; only the focused widget listens. Nothing shown as finished is not yet durable:
 * everything renders from the session's folded state.
 */
export function SessionScreen({ session, history, onExit }: SessionScreenProps) {
  const { view, commands } = useSession(session, history);
  const { state, activity } = view;
  const theme = useTheme();
  const { rows, columns } = useTerminalSize();
  const [mode, setMode] = useState<Mode>({ kind: 'main' });
  const [viewedId, setViewedId] = useState<string | null>(null);
  const [choiceIndex, setChoiceIndex] = useState(0);
  const [changing, setChanging] = useState(false);
  // Input prompts open by themselves; esc puts them aside so the other keys work.
  const [promptDismissed, setPromptDismissed] = useState(false);

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

  // A new current step: look at it, and start its choice list at the first selectable row.
  useEffect(() => {
    setViewedId(null);
    setChanging(false);
    setPromptDismissed(false);
  }, [currentId]);
  // Set while rendering (not in an effect), so no frame shows the pointer on a row that cannot be chosen.
  const [choicesStarted, setChoicesStarted] = useState(choiceList);
  if (choicesStarted !== choiceList) {
    setChoicesStarted(choiceList);
    if (choiceList?.ok) setChoiceIndex(Math.max(0, choiceList.choices.findIndex((choice) => !choice.disabled)));
  }

  const leaveNow = () => {
    commands.leave();
    onExit(ExitCode.ok, [`Session ${state.id} saved. Resume with: runbook resume ${state.id}`]);
  };
  const leave = () => (activity.kind === 'running-action' ? setMode({ kind: 'leave-confirm' }) : leaveNow());

  const autoPrompt = autoPromptFor(state, view, definition, promptDismissed, isCurrent, changing);
  const activePrompt: Mode | null = mode.kind === 'prompt' ? mode : autoPrompt;

  const confirm = () => {
    if (allFinished) return completeSession(state, commands, onExit);
    if (!current || !isCurrent || busy) return;
    const status = current.status;
    if (status === 'done' || status === 'skipped') return;
    switch (current.kind) {
      case 'manual':
        if (definition?.note === 'required') setMode({ kind: 'prompt', purpose: 'evidence', stepId: current.id });
        else commands.complete();
        return;
      case 'check':
      case 'wait':
        if (status === 'passed') commands.complete();
        else if (current.check) setMode({ kind: 'prompt', purpose: 'override', stepId: current.id });
        return;
      case 'input':
        if (choosing && choiceList?.ok) {
          const choice = choiceList.choices[choiceIndex];
          if (choice && !choice.disabled && commands.provideInput(choice.value, choice.label)) setChanging(false);
        } else if (status === 'passed') commands.complete();
        else setPromptDismissed(false);
        return;
      case 'action':
        if (status === 'passed') commands.complete();
        else if (awaitingConfirmation(current)) {
          if (current.requiredConfirmation === null) commands.confirmAndRun('enter');
          else setPromptDismissed(false);
        } else if (status === 'failed') setMode({ kind: 'prompt', purpose: 'override', stepId: current.id });
        else if (status === 'open') commands.preview();
        return;
    }
  };

  const browse = (delta: number) => {
    const index = state.order.indexOf(shownId ?? '');
    const next = state.order[Math.min(state.order.length - 1, Math.max(0, (index === -1 ? state.order.length : index) + delta))];
    if (next) setViewedId(next === currentId ? null : next);
  };
  const moveChoice = (delta: number) => {
    if (!choiceList?.ok) return;
    const count = choiceList.choices.length;
    setChoiceIndex((index) => Math.min(count - 1, Math.max(0, index + delta)));
  };

  useIntents(
    {
      quit: leave,
      cancel: () => setViewedId(null),
      back: leave,
      confirm,
      rerun: () => {
        if (!current || !isCurrent || busy) return;
        if (current.kind === 'check' || current.kind === 'wait') commands.rerunCheck();
        else if (current.kind === 'action' && current.status === 'failed' && !awaitingConfirmation(current)) commands.preview();
        else if (current.kind === 'input' && definition?.input?.type === 'choice') {
          setChanging(true);
          commands.reloadChoices();
        } else if (current.kind === 'input' && current.status === 'passed') setMode({ kind: 'prompt', purpose: 'input', stepId: current.id });
      },
      skip: () => {
        if (!current || !isCurrent || busy) return;
        // A step that may not be skipped is refused by the engine, with its reason shown.
        setMode({ kind: 'prompt', purpose: 'skip', stepId: current.id });
      },
      note: () => setMode({ kind: 'prompt', purpose: 'note', stepId: shownId ?? null }),
      inspect: () => shown && setMode({ kind: 'inspect' }),
      help: () => setMode({ kind: 'help' }),
      up: () => (choosing && viewedId === null ? moveChoice(-1) : browse(-1)),
      down: () => (choosing && viewedId === null ? moveChoice(1) : browse(1)),
      pageUp: () => browse(-1),
      pageDown: () => browse(1),
    },
    { isActive: mode.kind === 'main' && activePrompt === null && !view.closed },
  );
  useIntents(
    { cancel: () => setMode({ kind: 'main' }), help: () => setMode({ kind: 'main' }), quit: leave },
    { isActive: mode.kind === 'help' },
  );
  useIntents({ cancel: () => setMode({ kind: 'main' }), inspect: () => setMode({ kind: 'main' }), quit: leave }, { isActive: mode.kind === 'inspect' });
  useInput(
    (input) => {
      if (input.toLowerCase() === 'y') leaveNow();
      else setMode({ kind: 'main' });
    },
    { isActive: mode.kind === 'leave-confirm' },
  );
  // "y" runs a previewed action that needs no typed confirmation (Enter does too).
  useInput(
    (input) => {
      if (input === 'y' && current && awaitingConfirmation(current) && !busy) {
        commands.confirmAndRun('y');
      }
    },
    { isActive: mode.kind === 'main' && activePrompt === null && isCurrent && !view.closed },
  );

  // Declared after the key listeners, so it runs after their effects have put stdin in raw mode
  // and (re)attached the listeners of the current mode: the footer shows the keys only once they
  // are heard, at the start and after each change of mode (tests and operators can wait for it).
  const listeners = `${mode.kind}|${activePrompt === null}|${isCurrent}|${view.closed}`;
  const [heard, setHeard] = useState<string | null>(null);
  useEffect(() => setHeard(listeners), [listeners]);
  const listening = heard === listeners;

  const submitPrompt = (prompt: Extract<Mode, { kind: 'prompt' }>, value: string) => {
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
    if (ok) setMode({ kind: 'main' });
    setPromptDismissed(false);
  };
  const cancelPrompt = () => {
    setMode({ kind: 'main' });
    setPromptDismissed(true);
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
              onCancel={cancelPrompt}
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
      {listening ? <Footer hints={hintsFor(mode, activePrompt !== null, choosing, busy, allFinished, activity.kind === 'running-action' ? formatElapsed(now - activity.startedAt) : null)} /> : <Text> </Text>}
    </Box>
  );
}

/** The prompt that opens by itself: an input's value, a typed confirmation, a runbook input. */
function autoPromptFor(
  state: SessionState,
  view: SessionView,
  definition: ReturnType<typeof stepDefinition>,
  dismissed: boolean,
  isCurrent: boolean,
  changing: boolean,
): Extract<Mode, { kind: 'prompt' }> | null {
  if (dismissed || view.closed || view.activity.kind !== 'idle') return null;
  if (view.pendingInputs.length > 0) return { kind: 'prompt', purpose: 'input', stepId: null };
  const current = state.currentStepId ? state.steps[state.currentStepId] : undefined;
  if (!current || !isCurrent) return null;
  if (current.kind === 'input' && !current.input && definition?.input && definition.input.type !== 'choice' && current.status === 'open' && !changing) {
    return { kind: 'prompt', purpose: 'input', stepId: current.id };
  }
  if (awaitingConfirmation(current) && current.requiredConfirmation !== null) {
    return { kind: 'prompt', purpose: 'confirm', stepId: current.id };
  }
  return null;
}

function promptProps(state: SessionState, view: SessionView, prompt: Extract<Mode, { kind: 'prompt' }>) {
  const step = prompt.stepId ? state.steps[prompt.stepId] : undefined;
  switch (prompt.purpose) {
    case 'note':
      return { label: step ? `Note on "${step.title}" (recorded in the log):` : 'Note (recorded in the log):' };
    case 'skip':
      return { label: `Why skip "${step?.title}"? (recorded)` };
    case 'override':
      return { label: `"${step?.title}" did not pass. Why go on anyway? (recorded)` };
    case 'evidence':
      return { label: `Evidence for "${step?.title}" (required note):` };
    case 'confirm': {
      const required = step ? step.requiredConfirmation : null;
      return {
        label: `Type "${required}" to run this action on ${state.protected ? `PROTECTED ${state.env}` : state.env}:`,
        hint: 'esc: not now',
        validate: (value: string) => (value.trim() === required ? null : `type exactly "${required}"`),
      };
    }
    case 'input': {
      if (prompt.stepId === null) {
        const name = view.pendingInputs[0]!;
        const declared = state.runbook?.inputs[name];
        return {
          label: `Runbook input "${name}"${declared?.description ? `: ${declared.description}` : ''}`,
          hint: declared?.secret ? 'secret: never written to the log' : typeHint(declared?.type),
          mask: declared?.secret ?? false,
          validate: (value: string) => validateTyped(declared?.type, value),
          preview: (value: string) => previewTyped(declared?.type, value),
        };
      }
      const input = stepDefinition(state, prompt.stepId)?.input;
      return {
        label: `${step?.title}:`,
        hint: input?.secret ? 'secret: never written to the log' : typeHint(input?.type),
        mask: input?.secret ?? false,
        validate: (value: string) => validateTyped(input?.type, value),
        preview: (value: string) => previewTyped(input?.type, value),
      };
    }
  }
}

function typeHint(type: string | undefined): string {
  if (type === 'timestamp') return 'with its zone: 2026-11-25T03:10:00Z, 2026-11-25T04:10+01:00, or "2026-11-25 04:10 Europe/Paris"';
  if (type === 'number') return 'a number';
  return 'enter to record it · esc: not now';
}

function validateTyped(type: string | undefined, value: string): string | null {
  if (!value.trim()) return 'type a value, or esc to put it aside';
  if (type === 'timestamp') {
    const parsed = parseTimestamp(value);
    return parsed.ok ? null : parsed.error;
  }
  if (type === 'number' && !Number.isFinite(Number(value.trim()))) return `"${value}" is not a number`;
  return null;
}

function previewTyped(type: string | undefined, value: string): string | null {
  if (type !== 'timestamp') return null;
  const parsed = parseTimestamp(value);
  return parsed.ok ? `= ${parsed.utc} (UTC)` : null;
}

/** Records a typed value: a runbook input first if any is pending, else the current input step. */
function submitInput(state: SessionState, view: SessionView, commands: SessionCommands, value: string): boolean {
  if (view.pendingInputs.length > 0) {
    const name = view.pendingInputs[0]!;
    const type = state.runbook?.inputs[name]?.type;
    return commands.provideRunbookInput(name, type === 'timestamp' ? (parseTimestamp(value) as { utc: string }).utc : value.trim());
  }
  const input = state.currentStepId ? stepDefinition(state, state.currentStepId)?.input : undefined;
  if (input?.type === 'timestamp') {
    const parsed = parseTimestamp(value);
    return parsed.ok && commands.provideInput(parsed.utc, `${value.trim()} (= ${parsed.utc})`);
  }
  if (input?.type === 'number') return commands.provideInput(Number(value.trim()));
  return commands.provideInput(input?.secret ? value : value.trim());
}

function completeSession(state: SessionState, commands: SessionCommands, onExit: SessionScreenProps['onExit']): void {
  const ended = commands.completeSession();
  if (!ended) return;
  const { done, skipped, overridden } = stepCounts(ended);
  const lines = [`Session ${state.id} completed: ${done} done, ${skipped} skipped, ${overridden} went on after a failure.`];
  const drill = ended.completion?.drill;
  if (drill) {
    lines.push(
      `Drill ${drill.passed ? 'passed' : `failed (${drill.failedSteps.join(', ')})`}: RTO ${drill.rtoMs === null ? 'unknown' : formatElapsed(drill.rtoMs)}, recovery point ${drill.recoveryPoint ?? 'not recorded'}.`,
    );
  }
  lines.push(`Export the record: runbook export ${state.id}`);
  onExit(drill && !drill.passed ? ExitCode.failed : ExitCode.ok, lines);
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

function hintsFor(mode: Mode, prompting: boolean, choosing: boolean, busy: boolean, allFinished: boolean, actionElapsed: string | null): KeyHint[] {
  if (mode.kind === 'help' || mode.kind === 'inspect') return [['esc', 'close']];
  if (mode.kind === 'leave-confirm') return [['y', 'leave'], ['any other key', 'stay']];
  if (prompting) return [['enter', 'record'], ['esc', 'cancel']];
  if (actionElapsed) return [['', `action running ${actionElapsed}; keys wait for it`], ['n', 'note']];
  if (allFinished) return [['enter', 'complete the session'], ['n', 'note']];
  const hints: KeyHint[] = [['enter', busy ? 'wait…' : 'done']];
  hints.push(choosing ? ['↑↓', 'choose'] : ['↑↓', 'steps']);
  hints.push(['r', 're-run'], ['s', 'skip'], ['n', 'note'], ['i', 'details']);
  return hints;
}
