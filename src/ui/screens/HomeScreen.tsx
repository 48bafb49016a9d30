import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import { HomeList, type HomeChoice } from '../components/HomeList.js';
import { KeyHints, type KeyHint } from '../components/KeyHints.js';
import { RunbookDetail } from '../components/RunbookDetail.js';
import { SessionDetail } from '../components/SessionDetail.js';
import { TitleBar } from '../components/TitleBar.js';
import { asciiSeparator } from '../ascii.js';
import { plural } from '../format.js';
import type { HomeEnvironment, HomeRunbook, HomeSection, InterruptedSession } from '../home-model.js';
import { useIntents } from '../hooks/use-intents.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { keyLabel, keyLabels } from '../keys.js';

export interface HomeScreenProps {
  readonly version: string;
  /** The runbooks file in use, as the operator should read it. */
  readonly file: string;
  readonly runbooks: readonly HomeRunbook[];
  /** Interrupted sessions, listed first (empty until the session store is wired in). */
  readonly sessions: readonly InterruptedSession[];
  readonly environments: readonly HomeEnvironment[];
  /** The runbooks file's sandbox (from its marker file): made (`up`) or not (`down`); absent when the file has none. */
  readonly sandbox?: 'up' | 'down' | undefined;
  readonly now: Date;
  /** Called once, with the exit code, when the operator leaves. */
  readonly onExit: (code: ExitCode) => void;
  /** Enter on an open runbook starts a session of it; absent, the detail only shows the command. */
  readonly onStart?: ((runbook: HomeRunbook) => void) | undefined;
  /** Enter on an open interrupted session resumes it. */
  readonly onResume?: ((session: InterruptedSession) => void) | undefined;
  /** A runbook's sections when `runbooks` leave them out (read only when one is opened); default: its own. */
  readonly sectionsOf?: ((runbook: HomeRunbook) => readonly HomeSection[]) | undefined;
}

/** Which view of the home screen is open. */
type View =
  | { readonly kind: 'list' }
  | { readonly kind: 'runbook'; readonly runbook: HomeRunbook }
  | { readonly kind: 'session'; readonly session: InterruptedSession };

/** Title, blank, heading, blank, key hints, and one spare row so the live area stays below the terminal's height. */
const listChromeRows = 6;
/**
 * At most this many list rows, however tall the terminal: a picker is read near its pointer
 * (prompt libraries show 7 to 10), and every row costs the first frame about 1.5 ms of Ink
 * layout and output: Ink builds and diffs every cell of every line, terminal-wide
 * (bench/startup.bench.mjs).
 */
const maxListRows = 12;
/** Title, blank, blank, key hints, and one spare row. */
const detailChromeRows = 5;

/**
 * `runbook` with no arguments: interrupted sessions, then the runbooks; Enter opens one to read
 * its sections and steps. q or Esc goes back (and quits from the list); Ctrl-C quits.
 */
export function HomeScreen({ version, file, runbooks, sessions, environments, sandbox, now, onExit, onStart, onResume, sectionsOf = ownSections }: HomeScreenProps) {
  const { rows, columns } = useTerminalSize();
  const [view, setView] = useState<View>({ kind: 'list' });
  const [lastChoice, setLastChoice] = useState<string | undefined>(undefined);
  // A blank line, then the invitation (wrapped on a narrow terminal).
  const invitationRows = sandbox ? 1 + Math.ceil(sandboxInvitation[sandbox].length / Math.max(1, columns)) : 0;

  const open = (choice: HomeChoice) => {
    if (choice.kind === 'runbook') {
      setLastChoice(`runbook:${choice.runbook.id}`);
      setView({ kind: 'runbook', runbook: choice.runbook });
    } else {
      setLastChoice(`session:${choice.session.id}`);
      setView({ kind: 'session', session: choice.session });
    }
  };

  useIntents({
    quit: () => onExit(ExitCode.cancelled),
    back: () => (view.kind === 'list' ? onExit(ExitCode.ok) : setView({ kind: 'list' })),
    // In the list, Enter belongs to the list (it opens the detail); in a detail it starts or resumes.
    confirm: () => (view.kind === 'runbook' ? onStart?.(view.runbook) : view.kind === 'session' ? onResume?.(view.session) : undefined),
  });

  return (
    <Box flexDirection="column" width={columns}>
      <TitleBar version={version} file={file} />
      <Text> </Text>
      {view.kind === 'list' ? (
        <>
          <Text bold>{heading(sessions.length, runbooks.length)}</Text>
          <HomeList
            sessions={sessions}
            runbooks={runbooks}
            now={now}
            rows={Math.min(maxListRows, Math.max(3, rows - listChromeRows - invitationRows))}
            width={columns}
            initialValue={lastChoice}
            isFocused
            onSelect={open}
          />
          {sandbox ? (
            <>
              <Text> </Text>
              <Text>{sandboxInvitation[sandbox]}</Text>
            </>
          ) : null}
        </>
      ) : view.kind === 'runbook' ? (
        <RunbookDetail
          runbook={view.runbook}
          sections={sectionsOf(view.runbook)}
          environments={environments}
          rows={Math.max(5, rows - detailChromeRows)}
          columns={columns}
          isActive
        />
      ) : (
        <SessionDetail session={view.session} now={now} />
      )}
      <Text> </Text>
      {view.kind === 'list' ? <KeyHints hints={listHints} separator={asciiSeparator} /> : <KeyHints hints={sessionHints(view.kind, onStart !== undefined, onResume !== undefined)} />}
    </Box>
  );
}

/** Leads a newcomer into the sandbox: practise there before any real environment. */
const sandboxInvitation = {
  down: 'New here? Practise safely: runbook sandbox up, then start any runbook with --env sandbox --drill',
  up: 'Sandbox is up: start a runbook with --env sandbox --drill (runbook sandbox down removes it)',
} as const;

function ownSections(runbook: HomeRunbook): readonly HomeSection[] {
  return runbook.sections ?? [];
}

function heading(sessionCount: number, runbookCount: number): string {
  const runbooks = `Runbooks (${runbookCount})`;
  return sessionCount === 0 ? runbooks : `${plural(sessionCount, 'interrupted session')}, then ${runbooks}`;
}

const listHints: readonly KeyHint[] = [
  ['up/down', 'move'],
  [keyLabel('confirm'), 'open'],
  [keyLabels('back'), 'quit'],
];

const detailHints: readonly KeyHint[] = [
  ['↑↓', 'scroll'],
  [keyLabels('back'), 'back'],
  [keyLabel('quit'), 'quit'],
];

/** The detail's hints, with Enter when it starts (a runbook) or resumes (a session) from here. */
function sessionHints(kind: View['kind'], canStart: boolean, canResume: boolean): readonly KeyHint[] {
  if (kind === 'runbook' && canStart) return [[keyLabel('confirm'), 'start a session'], ...detailHints];
  if (kind === 'session' && canResume) return [[keyLabel('confirm'), 'resume'], ...detailHints];
  return detailHints;
}
