import React from 'react';
import { Text } from 'ink';
import { useTheme } from '../hooks/use-theme.js';

/** The first line of the home screen, in ASCII (src/ui/ascii.ts): the product, its version and the runbooks file in use. */
export function TitleBar({ version, file }: { readonly version: string; readonly file: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text bold color={theme.accent}>
        runbook
      </Text>
      <Text color={theme.muted}> {version}  file: </Text>
      {file}
    </Text>
  );
}
