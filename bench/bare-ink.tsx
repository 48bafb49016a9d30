// The baseline for start-up budgets: a bare Ink app rendering one line, built like the CLI and
// mounted the way an interactive screen is (src/ui/run-app.tsx): the same render options, and a
// key listener active, so stdin is put in raw mode as the home screen's is. Any key quits.
import React from 'react';
import { render, Text, useApp, useInput } from 'ink';

function Ready() {
  const { exit } = useApp();
  useInput(() => exit());
  return <Text>ready</Text>;
}

render(<Ready />, { exitOnCtrlC: false, patchConsole: false });
