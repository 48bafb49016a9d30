import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { ExitCode } from '../../exit-codes.js';
import { OperatorError } from '../../errors.js';
import { useIntents } from '../hooks/use-intents.js';
import { useSessionLaunch, type LaunchedSession } from '../hooks/use-session-launch.js';
import { useTheme } from '../hooks/use-theme.js';
import { KeyHints } from '../components/KeyHints.js';
import { Prompt } from '../session/Prompt.js';
import { EnvironmentPicker, type PickableEnvironment } from './EnvironmentPicker.js';
import { SessionScreen } from './SessionScreen.js';

export interface SessionStartProps {
  readonly runbookTitle: string;
  readonly environments: readonly PickableEnvironment[];
  /** The environment given with --env, if any. */
  readonly env?: string | undefined;
  readonly incident?: string | undefined;
  readonly drill: boolean;
  /** Starts the session (the command's service call); refusals reject with an OperatorError. */
  readonly start: (env: string, incident: string | null) => Promise<LaunchedSession>;
  readonly onExit: (code: ExitCode, lines: readonly string[]) => void;
}

/** `runbook start`: the environment (when not given), the incident reference on a protected one, then the session. */
export function SessionStart({ runbookTitle, environments, env, incident, drill, start, onExit }: SessionStartProps) {
  const theme = useTheme();
  const [chosen, setChosen] = useState<PickableEnvironment | undefined>(() => environments.find((candidate) => candidate.name === env));
  const { launch, open } = useSessionLaunch();
  const needsIncident = Boolean(chosen?.protected && !incident?.trim());

  useEffect(() => {
    if (chosen && !needsIncident && launch.status === 'idle') open(() => start(chosen.name, incident ?? null));
  }, [chosen, needsIncident, launch.status, open, start, incident]);
  useEffect(() => {
    if (launch.status !== 'failed') return;
    const error = launch.error;
    onExit(error instanceof OperatorError ? error.exitCode : ExitCode.internal, [`runbook: ${error.message}`]);
  }, [launch, onExit]);

  useIntents(
    { quit: () => onExit(ExitCode.cancelled, []), back: () => onExit(ExitCode.cancelled, []) },
    { isActive: !chosen },
  );

  if (launch.status === 'open') return <SessionScreen session={launch.launched.session} onExit={onExit} />;
  if (!chosen) {
    return (
      <Box flexDirection="column">
        <EnvironmentPicker runbookTitle={runbookTitle} environments={environments} drill={drill} isFocused onSelect={setChosen} />
        <Text> </Text>
        <KeyHints hints={[['↑↓', 'move'], ['enter', 'choose'], ['q', 'cancel']]} />
      </Box>
    );
  }
  if (needsIncident && launch.status === 'idle') {
    return (
      <Box flexDirection="column">
        <Text inverse bold color={theme.danger}>
          {' '}
          PROTECTED {chosen.name.toUpperCase()}{' '}
        </Text>
        <Prompt
          label={`${chosen.name} is protected: the incident reference (e.g. INC-1234)`}
          hint="recorded with every event of the session · esc: cancel"
          onSubmit={(value) => open(() => start(chosen.name, value.trim()))}
          onCancel={() => onExit(ExitCode.cancelled, [])}
        />
      </Box>
    );
  }
  return <Text color={theme.muted}>starting {runbookTitle} on {chosen.name}…</Text>;
}
