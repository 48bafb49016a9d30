import React, { useMemo, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { formatDay, plural, wrapWords } from '../format.js';
import type { HomeEnvironment, HomeRunbook, HomeSection } from '../home-model.js';
import { useTheme } from '../hooks/use-theme.js';
import type { Theme } from '../theme.js';
import { ScrollingLines } from './ScrollingLines.js';

interface RunbookDetailProps {
  readonly runbook: HomeRunbook;
  readonly sections: readonly HomeSection[];
  readonly environments: readonly HomeEnvironment[];
  /** Rows this view may take in all. */
  readonly rows: number;
  readonly columns: number;
  readonly isActive: boolean;
}

/** Lines under the scrolling body: a blank, the start hint and the environments. */
const footerRows = 3;

/**
 * A runbook before starting it: summary, then every section with its steps (kind, title and
 * provider). Starting is a separate command, so the view ends with the line to run.
 */
export function RunbookDetail({ runbook, sections, environments, rows, columns, isActive }: RunbookDetailProps) {
  const theme = useTheme();
  const lines = useMemo(() => detailLines(runbook, sections, columns, theme), [runbook, sections, columns, theme]);
  return (
    <Box flexDirection="column">
      <ScrollingLines lines={lines} rows={Math.max(3, rows - footerRows)} isActive={isActive} />
      <Text> </Text>
      <Text wrap="truncate-end">
        <Text color={theme.accent}>start: </Text>
        runbook start {runbook.id} --env {'<env>'}
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        {environmentsLine(environments)}
      </Text>
    </Box>
  );
}

function environmentsLine(environments: readonly HomeEnvironment[]): string {
  if (environments.length === 0) return 'no environments are defined in this file';
  const names = environments.map((env) => (env.protected ? `${env.name} (protected: add --incident REF)` : env.name));
  return `environments: ${names.join(', ')}`;
}

function detailLines(runbook: HomeRunbook, sections: readonly HomeSection[], columns: number, theme: Theme): { key: string; node: ReactNode }[] {
  const lines: { key: string; node: ReactNode }[] = [];
  const add = (key: string, node: ReactNode) => lines.push({ key, node });

  add('title', (
    <Text wrap="truncate-end">
      <Text bold>{runbook.title}</Text>
      <Text color={theme.muted}> ({runbook.id})</Text>
    </Text>
  ));
  wrapWords(runbook.summary, columns - 2).forEach((text, index) => add(`summary-${index}`, <Text>{text}</Text>));
  if (runbook.cadence) add('cadence', <Text wrap="truncate-end">{cadenceLine(runbook, theme)}</Text>);

  for (const section of sections) {
    add(`gap-${section.id}`, <Text> </Text>);
    add(`section-${section.id}`, (
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          {section.title}
        </Text>
        <Text color={theme.muted}>
          {' '}
          ({section.id}, {plural(section.steps.length, 'step')})
        </Text>
      </Text>
    ));
    for (const step of section.steps) {
      add(`step-${section.id}-${step.id}`, (
        <Text wrap="truncate-end">
          {'   '}
          <Text color={theme.muted}>{step.kind.padEnd(7)}</Text>
          {step.title}
          {step.uses ? <Text color={theme.muted}>  uses {step.uses}</Text> : null}
        </Text>
      ));
    }
  }
  return lines;
}

function cadenceLine(runbook: HomeRunbook, theme: Theme): ReactNode {
  const evidence = runbook.evidence;
  return (
    <>
      <Text color={theme.muted}>restore test, {runbook.cadence}</Text>
      {evidence?.lastPassedAt ? <Text color={theme.muted}> · last passed {formatDay(evidence.lastPassedAt)}</Text> : null}
      {evidence && !evidence.lastPassedAt ? <Text color={theme.muted}> · no passing drill yet</Text> : null}
      {evidence?.overdue ? (
        <Text color={theme.danger} bold>
          {' '}
          · overdue
        </Text>
      ) : null}
    </>
  );
}
