import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HomeRunbook } from '../../src/ui/home-model.js';
import { HomeScreen, type HomeScreenProps } from '../../src/ui/screens/HomeScreen.js';
import { waitFor, waitForInput, waitForText, waitForTextGone } from './support/frames.js';
import { interrupted, manyRunbooks, now, twoRunbooks } from './support/home-data.js';
import { keys } from './support/terminal-keys.js';

afterEach(() => cleanup());

function renderHome(props: Partial<HomeScreenProps> = {}) {
  const onExit = vi.fn();
  const instance = render(
    <HomeScreen
      version="9.9.9"
      file="ops/runbooks.yaml"
      runbooks={twoRunbooks}
      sessions={[]}
      environments={[
        { name: 'staging', protected: false },
        { name: 'production', protected: true },
      ]}
      now={now}
      onExit={onExit}
      {...props}
    />,
  );
  return { ...instance, onExit };
}

/** ink-testing-library reports 100 columns and no rows; the screen then assumes 24 rows. */
const assumedRows = 24;

describe('HomeScreen', () => {
  it('shows the product, the file, and each runbook with its counts and cadence', async () => {
    const { lastFrame, stdin } = renderHome();
    const frame = await waitForText(lastFrame, 'Runbooks (2)');
    await waitForInput(stdin);
    const lines = frame.split('\n');
    expect(lines[0]).toBe('runbook 9.9.9  file: ops/runbooks.yaml');
    expect(frame).toMatch(/> verify-backups\s+Verify the nightly backups\s+1 section, 2 steps/);
    expect(frame).toMatch(/ {2}restore-drill\s+Restore drill on staging\s+2 sections, 3 steps\s+weekly/);
    expect(frame).toContain('up/down move | enter open | q/esc quit');
  });

  it('draws the list view in ASCII only, interrupted sessions and evidence included (see src/ui/ascii.ts)', async () => {
    const runbooks: HomeRunbook[] = [
      { ...twoRunbooks[1]!, title: 'A title far too long to fit in the row at a hundred columns wide, so it is cut', evidence: { overdue: true } },
      ...manyRunbooks(30),
    ];
    const { lastFrame } = renderHome({ runbooks, sessions: interrupted });
    const frame = await waitForText(lastFrame, 'Runbooks (31)');
    expect(frame).toMatch(/restore-drill\s+A title far too long .*\.\.\.\s+2 sections, 3 steps\s+weekly, never passed, overdue/);
    expect(frame).toContain('... 21 more (up/down to scroll)');
    expect(frame).toMatch(/^[\x20-\x7E\n]*$/);
  });

  it('opens a runbook with Enter: summary, sections, steps with kind and provider, and the start hint', async () => {
    const { lastFrame, stdin } = renderHome();
    await waitForText(lastFrame, 'Runbooks (2)');
    await waitForInput(stdin);
    stdin.write(keys.down);
    await waitForText(lastFrame, '> restore-drill');
    stdin.write(keys.enter);
    const frame = await waitForText(lastFrame, 'Restore drill on staging (restore-drill)');
    expect(frame).toContain('Restores the newest base backup into a scratch cluster.');
    expect(frame).toContain('restore test, weekly');
    expect(frame).toContain('Prepare (prepare, 1 step)');
    expect(frame).toContain('Verify the restored data (verify, 2 steps)');
    expect(frame).toContain('   manual Announce the drill');
    expect(frame).toContain('   check  The restored cluster answers  uses postgres.connection');
    expect(frame).toContain('   action Create the volume  uses ec2.createVolumeFromSnapshot');
    expect(frame).toContain('start: runbook start restore-drill --env <env>');
    expect(frame).toContain('environments: staging, production (protected: add --incident REF)');
    expect(frame).toContain('q/esc back');
  });

  it('lists runbooks given as counts only, and reads the sections of the one opened through sectionsOf', async () => {
    const counted: HomeRunbook[] = twoRunbooks.map(({ sections, ...runbook }) => ({
      ...runbook,
      sectionCount: sections!.length,
      stepCount: sections!.reduce((total, section) => total + section.steps.length, 0),
    }));
    const sectionsOf = vi.fn((runbook: HomeRunbook) => twoRunbooks.find((candidate) => candidate.id === runbook.id)!.sections!);
    const { lastFrame, stdin } = renderHome({ runbooks: counted, sectionsOf });
    const frame = await waitForText(lastFrame, 'Runbooks (2)');
    expect(frame).toMatch(/restore-drill\s+Restore drill on staging\s+2 sections, 3 steps\s+weekly/);
    expect(sectionsOf).not.toHaveBeenCalled();
    await waitForInput(stdin);
    stdin.write(keys.down);
    await waitForText(lastFrame, '> restore-drill');
    stdin.write(keys.enter);
    const detail = await waitForText(lastFrame, 'Prepare (prepare, 1 step)');
    expect(detail).toContain('   action Create the volume  uses ec2.createVolumeFromSnapshot');
    expect(sectionsOf.mock.calls.map(([runbook]) => runbook.id)).toContain('restore-drill');
    expect(sectionsOf.mock.calls.every(([runbook]) => runbook.id === 'restore-drill')).toBe(true);
  });

  it('goes back to the list with q, keeping the runbook highlighted, and quits with q (exit 0)', async () => {
    const { lastFrame, stdin, onExit } = renderHome();
    await waitForText(lastFrame, 'Runbooks (2)');
    await waitForInput(stdin);
    stdin.write(keys.down);
    await waitForText(lastFrame, '> restore-drill');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'start: runbook start restore-drill');
    stdin.write('q');
    const list = await waitForText(lastFrame, 'Runbooks (2)');
    expect(list).toContain('> restore-drill');
    expect(onExit).not.toHaveBeenCalled();
    stdin.write('q');
    await waitFor('onExit', () => (onExit.mock.calls.length > 0 ? true : undefined));
    expect(onExit.mock.calls).toEqual([[0]]);
  });

  it('goes back with Esc and quits from the list with Esc (exit 0)', async () => {
    const { lastFrame, stdin, onExit } = renderHome();
    await waitForText(lastFrame, 'Runbooks (2)');
    await waitForInput(stdin);
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'start: runbook start verify-backups');
    stdin.write(keys.escape);
    await waitForText(lastFrame, 'Runbooks (2)');
    stdin.write(keys.escape);
    await waitFor('onExit', () => (onExit.mock.calls.length > 0 ? true : undefined));
    expect(onExit.mock.calls).toEqual([[0]]);
  });

  it('quits with Ctrl-C as cancelled (exit 130), from the detail view too', async () => {
    const { lastFrame, stdin, onExit } = renderHome();
    await waitForText(lastFrame, 'Runbooks (2)');
    await waitForInput(stdin);
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'start: runbook start verify-backups');
    stdin.write(keys.ctrlC);
    await waitFor('onExit', () => (onExit.mock.calls.length > 0 ? true : undefined));
    expect(onExit.mock.calls).toEqual([[130]]);
  });

  it('lists interrupted sessions first, with runbook, env, operator, step and age, and shows how to resume one', async () => {
    const { lastFrame, stdin } = renderHome({ sessions: interrupted });
    const frame = await waitForText(lastFrame, '1 interrupted session, then Runbooks (2)');
    await waitForInput(stdin);
    const lines = frame.split('\n');
    const sessionLine = lines.findIndex((line) => line.includes('interrupted restore-drill'));
    const firstRunbookLine = lines.findIndex((line) => line.includes('verify-backups'));
    expect(lines[sessionLine]).toBe('> interrupted restore-drill, staging, alice@db1, at connect, 3h ago');
    expect(sessionLine).toBeLessThan(firstRunbookLine);
    stdin.write(keys.enter);
    const detail = await waitForText(lastFrame, 'Interrupted session 01HX7S2K');
    expect(detail).toContain('runbook restore-drill · env staging · operator alice@db1');
    expect(detail).toContain('stopped at step connect · last event 3h ago');
    expect(detail).toContain('resume: runbook resume 01HX7S2K');
  });

  it('shows restore-test evidence: the last passing drill, and overdue', async () => {
    const runbooks: HomeRunbook[] = [
      { ...twoRunbooks[1]!, evidence: { lastPassedAt: '2026-11-20T08:00:00Z', overdue: false } },
      { ...twoRunbooks[1]!, id: 'restore-volume', evidence: { overdue: true } },
    ];
    const { lastFrame } = renderHome({ runbooks });
    const frame = await waitForText(lastFrame, 'Runbooks (2)');
    expect(frame).toMatch(/restore-drill\s+.*weekly, passed 2026-11-20/);
    expect(frame).toMatch(/restore-volume\s+.*weekly, never passed, overdue/);
  });

  it('keeps the live area shorter than the terminal with 200 runbooks, saying how many are hidden', async () => {
    const { lastFrame, stdin } = renderHome({ runbooks: manyRunbooks(200) });
    const frame = await waitForText(lastFrame, 'Runbooks (200)');
    await waitForInput(stdin);
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThan(assumedRows);
    const visible = lines.filter((line) => /rb-\d{3}/.test(line)).length;
    // 24 rows leave 18 for the list; it takes at most 12, one of them the "... more" line.
    expect(visible).toBe(11);
    expect(frame).toContain(`... ${200 - visible} more (up/down to scroll)`);
    expect(frame).toContain('> rb-001');
    expect(frame).not.toContain(`rb-${String(visible + 1).padStart(3, '0')}`);

    // Moving past the last visible row scrolls: the selection stays on screen.
    for (let index = 0; index < visible; index++) {
      stdin.write(keys.down);
      await waitForText(lastFrame, `> rb-${String(index + 2).padStart(3, '0')}`);
    }
    const scrolled = lastFrame()!;
    expect(scrolled).not.toContain('rb-001 ');
    expect(scrolled.split('\n').length).toBeLessThan(assumedRows);
  });

  it('leads a newcomer into the sandbox when the file has one: how to make it, or that it is up', async () => {
    const down = renderHome({ sandbox: 'down' });
    const invitation = await waitForText(down.lastFrame, 'New here?');
    expect(invitation).toContain('New here? Practise safely: runbook sandbox up, then start any runbook with --env sandbox --drill');
    expect(invitation).not.toContain('Sandbox is up');
    // Below the list, above the key hints.
    const lines = invitation.split('\n');
    expect(lines.findIndex((line) => line.includes('New here?'))).toBeGreaterThan(lines.findIndex((line) => line.includes('restore-drill')));
    expect(lines.findIndex((line) => line.includes('New here?'))).toBeLessThan(lines.findIndex((line) => line.includes('enter open')));
    down.unmount();

    const up = renderHome({ sandbox: 'up' });
    const ready = await waitForText(up.lastFrame, 'Sandbox is up');
    expect(ready).toContain('Sandbox is up: start a runbook with --env sandbox --drill (runbook sandbox down removes it)');
    expect(ready).not.toContain('New here?');
    up.unmount();

    // Without a sandbox environment: no line about it. In a detail view: none either.
    const none = renderHome();
    const plain = await waitForText(none.lastFrame, 'Runbooks (2)');
    expect(plain).not.toMatch(/sandbox/i);
  });

  it('keeps the live area shorter than the terminal with 200 runbooks and the sandbox line', async () => {
    const { lastFrame } = renderHome({ runbooks: manyRunbooks(200), sandbox: 'down' });
    const frame = await waitForText(lastFrame, 'New here?');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThan(assumedRows);
    // 24 rows leave 16 for the list beside the blank line and the invitation: still over its cap of 12.
    expect(lines.filter((line) => /rb-\d{3}/.test(line)).length).toBe(11);
    expect(frame).toContain('... 189 more (up/down to scroll)');
  });

  it('wraps around a long list as a picker does (up from the top shows the last runbook), and 1-9 open a visible row', async () => {
    const { lastFrame, stdin } = renderHome({ runbooks: manyRunbooks(200) });
    await waitForText(lastFrame, 'Runbooks (200)');
    await waitForInput(stdin);
    stdin.write(keys.up);
    const wrapped = await waitForText(lastFrame, '> rb-200');
    const listed = wrapped.split('\n').filter((line) => /rb-\d{3}/.test(line));
    expect(listed.map((line) => line.match(/rb-\d{3}/)![0])).toEqual(['rb-200', ...Array.from({ length: 10 }, (_, index) => `rb-${String(index + 1).padStart(3, '0')}`)]);
    stdin.write(keys.down);
    await waitForText(lastFrame, '> rb-001');
    stdin.write('3');
    await waitForText(lastFrame, '(rb-002)');
  });

  it('scrolls a runbook longer than the terminal, saying how many lines are above and below', async () => {
    const long: HomeRunbook = {
      id: 'long',
      title: 'A long runbook',
      summary: 'Many steps.',
      cadence: null,
      sections: [
        {
          id: 'many',
          title: 'Many steps',
          steps: Array.from({ length: 40 }, (_, index) => ({ id: `s${index + 1}`, kind: 'manual', title: `Step ${index + 1}`, uses: null })),
        },
      ],
    };
    const { lastFrame, stdin } = renderHome({ runbooks: [long] });
    await waitForText(lastFrame, 'Runbooks (1)');
    await waitForInput(stdin);
    stdin.write(keys.enter);
    const top = await waitForText(lastFrame, 'more below (↑↓ to scroll)');
    expect(top.split('\n').length).toBeLessThan(assumedRows);
    expect(top).toContain('A long runbook (long)');
    expect(top).toContain('start: runbook start long --env <env>');
    stdin.write(keys.down);
    const scrolled = await waitForText(lastFrame, '… 1 more above');
    expect(scrolled).not.toContain('A long runbook (long)');
    expect(scrolled.split('\n').length).toBeLessThan(assumedRows);
    stdin.write(keys.pageDown);
    await waitForTextGone(lastFrame, '… 1 more above');
    stdin.write('q');
    await waitForText(lastFrame, 'Runbooks (1)');
  });
});
