// The baseline for start-up budgets: a bare Ink app rendering one line, built like the CLI.
import React from 'react';
import { render, Text } from 'ink';

const app = render(<Text>ready</Text>);
app.unmount();
