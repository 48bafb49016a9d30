import React, { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { TextField } from '../components/TextField.js';
import { useTheme } from '../hooks/use-theme.js';

interface PromptProps {
  /** What is asked, e.g. "Why skip this step?". */
  readonly label: string;
  /** A line under the label: the expected format, what to type. */
  readonly hint?: string | undefined;
  readonly mask?: boolean;
  /** Says what is wrong with a value, or returns null to accept it. */
  readonly validate?: (value: string) => string | null;
  /** Shown under the field as the operator types (e.g. the UTC value of a timestamp). */
  readonly preview?: (value: string) => string | null;
  readonly onSubmit: (value: string) => void;
  readonly onCancel: () => void;
}

/** A one-line question (note, skip reason, override reason, confirmation, input value); esc cancels. */
export function Prompt({ label, hint, mask = false, validate, preview, onSubmit, onCancel }: PromptProps) {
  const theme = useTheme();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  useInput((_input, key) => {
    if (key.escape) onCancel();
  });
  // The field hears keys only once its effect has run (a child's effects run before ours); until
  // then the caret is not drawn, so nobody types into a field that would drop the keys.
  const [listening, setListening] = useState(false);
  useEffect(() => setListening(true), []);
  const shown = preview && value ? preview(value) : null;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent} wrap="truncate-end">
        {label}
      </Text>
      {hint ? (
        <Text color={theme.muted} wrap="truncate-end">
          {hint}
        </Text>
      ) : null}
      <Box>
        <Text color={theme.accent}>{listening ? theme.pointer : ' '} </Text>
        <TextField
          mask={mask ? '•' : undefined}
          onChange={(next) => {
            setValue(next);
            setError(null);
          }}
          onSubmit={(submitted) => {
            const problem = validate ? validate(submitted) : submitted.trim() ? null : 'type something, or esc to cancel';
            if (problem) setError(problem);
            else onSubmit(submitted);
          }}
        />
      </Box>
      {error ? (
        <Text color={theme.danger} wrap="truncate-end">
          {error}
        </Text>
      ) : shown ? (
        <Text color={theme.muted} wrap="truncate-end">
          {shown}
        </Text>
      ) : null}
    </Box>
  );
}
