import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionResume } from '../../src/ui/screens/SessionResume.js';
import { SessionStart } from '../../src/ui/screens/SessionStart.js';
import { waitFor, waitForInput, waitForText } from './support/frames.js';
import { sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let fixture: SessionFixture | undefined;
afterEach(() => {
  cleanup();
  fixture?.close();
  fixture = undefined;
});

const yaml = `
version: 1
environments:
  staging: { title: Staging cluster }
  production: { protected: true, confirm: prod-db }
runbooks:
  - id: rb
    title: Restore a single volume from snapshot
    summary: s
    sections:
      - id: a
        title: A
        steps:
          - { id: one, kind: manual, title: First step, do: Do the first thing. }
`;

const environments = [
  { name: 'staging', title: 'Staging cluster', protected: false },
  { name: 'production', protected: true },
];

function renderStart(drill: boolean) {
  fixture = sessionFixture(() => yaml);
  const onExit = vi.fn();
  const start = vi.fn(async (env: string, incident: string | null) => {
    const session = await fixture!.start('rb', { env, incident, drill });
    return { session };
  });
  const instance = render(<SessionStart runbookTitle="Restore a single volume from snapshot" environments={environments} drill={drill} start={start} onExit={onExit} />);
  return { ...instance, onExit, start };
}

describe('SessionStart', () => {
  it('picks the environment; a protected one asks for the incident reference, then the session opens there', async () => {
    const { lastFrame, stdin, start } = renderStart(false);
    const picker = await waitForText(lastFrame, 'Restore a single volume from snapshot: which environment?');
    expect(picker).toContain('staging · Staging cluster');
    expect(picker).toContain('production · PROTECTED (incident reference required, actions typed to confirm)');
    await waitForInput(stdin);
    stdin.write(keys.down);
    await waitForText(lastFrame, '❯ production');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'production is protected: the incident reference (e.g. INC-1234)');
    await waitForInput(stdin);
    stdin.write('INC-4711');
    await waitForText(lastFrame, '› INC-4711');
    stdin.write(keys.enter);
    const session = await waitForText(lastFrame, 'Do the first thing.');
    expect(session.split('\n')[0]).toContain(' PROTECTED PRODUCTION  · incident INC-4711');
    expect(start).toHaveBeenCalledWith('production', 'INC-4711');
  });

  it('a drill does not offer protected environments', async () => {
    const { lastFrame, stdin } = renderStart(true);
    const picker = await waitForText(lastFrame, '(drill): which environment?');
    expect(picker).toContain('production: drills are refused on protected environments');
    expect(picker).not.toContain('production · PROTECTED');
    await waitForInput(stdin);
    stdin.write(keys.enter);
    const session = await waitForText(lastFrame, 'Do the first thing.');
    expect(session.split('\n')[0]).toContain(' DRILL ');
    expect(session.split('\n')[0]).toContain('env staging');
  });
});

describe('SessionResume', () => {
  it('lists interrupted sessions with runbook, env, operator, step and age; Enter reopens the chosen one at its step', async () => {
    fixture = sessionFixture(() => yaml);
    const first = await fixture.start('rb', { env: 'staging' });
    first.interrupt();
    const second = await fixture.start('rb', { env: 'production', incident: 'INC-1' });
    second.interrupt();
    const reopened = fixture.reopen();
    const onExit = vi.fn();
    const sessions = [second, first].map((session) => ({
      id: session.id,
      runbook: 'rb',
      env: session.state.env,
      drill: false,
      status: 'interrupted' as const,
      operator: 'alice@test',
      startedAt: session.state.startedAt!,
      lastEventAt: session.state.lastEventAt!,
      currentStep: 'one',
    }));
    const { lastFrame, stdin } = render(
      <SessionResume
        sessions={sessions}
        now={new Date(Date.parse(first.state.lastEventAt!) + 120_000)}
        open={async (id) => {
          const session = await reopened.open(id);
          return { session };
        }}
        onExit={onExit}
      />,
    );
    const list = await waitForText(lastFrame, 'Interrupted sessions (2): which one?');
    expect(list).toContain(`${second.id}  rb · production · alice@test · at one · 2m ago`);
    expect(list).toContain(`${first.id}  rb · staging · alice@test · at one · 2m ago`);
    await waitForInput(stdin);
    stdin.write(keys.down);
    await waitForText(lastFrame, `❯ ${first.id}`);
    stdin.write(keys.enter);
    const frame = await waitForText(lastFrame, 'Do the first thing.');
    expect(frame).toContain(`session ${first.id}`);
    expect(fixture.types(second.id)).not.toContain('SessionResumed');
    await waitFor('the resumption recorded', () => (fixture!.types(first.id).includes('SessionResumed') ? true : undefined));
  });
});
