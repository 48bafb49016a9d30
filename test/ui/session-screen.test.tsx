import React from 'react';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DrivenSession } from '../../src/services/session/driven-session.js';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { standardSeed, startEc2Emulator, type Ec2Emulator } from '../support/ec2.js';
import { waitFor, waitForInput, waitForText, waitForTextGone } from './support/frames.js';
import { nodeArgv, sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let emulator: Ec2Emulator;
let fixture: SessionFixture;
const marker = () => join(fixture.directory, 'restored.marker');

function runbooksYaml(endpoint: string, directory: string): string {
  const markerPath = join(directory, 'restored.marker');
  return `
version: 1
environments:
  staging:
    aws: { region: us-east-1, emulated: true, endpoints: { ec2: "${endpoint}" } }
  production:
    protected: true
    confirm: prod-db
    aws: { region: us-east-1, emulated: true, endpoints: { ec2: "${endpoint}" } }
runbooks:
  - id: walk
    title: Restore a single volume from snapshot
    summary: Every kind of step.
    sections:
      - id: basics
        title: Basics
        steps:
          - { id: announce, kind: manual, title: Announce the restore, do: Post in the channel. }
          - id: tooling
            kind: check
            title: The tooling answers
            do: It prints its version.
            uses: shell.run
            with: { argv: ${nodeArgv("process.stdout.write('tool 4.2')")}, expect: { stdoutMatches: "^tool" } }
      - id: failing
        title: Failing
        steps:
          - id: lag
            kind: check
            title: Replica lag is small
            do: The lag must be under a minute.
            uses: shell.run
            with: { argv: ${nodeArgv("process.stdout.write('lag 300s')")}, expect: { stdoutMatches: "^lag [0-5]?[0-9]s$" } }
          - { id: after-lag, kind: manual, title: After the lag, do: Nothing. }
      - id: inputs
        title: Inputs
        steps:
          - { id: reason, kind: input, title: Why restore, do: Say why., input: { type: text } }
          - { id: target, kind: input, title: Recovery target, do: The time to restore to., input: { type: timestamp } }
      - id: choose
        title: Choose
        steps:
          - id: snapshot
            kind: input
            title: Snapshot to restore from
            do: Pick one.
            input: { type: choice, from: { uses: ec2.snapshots, with: { volumeId: vol-0db } } }
      - id: act
        title: Act
        steps:
          - id: make
            kind: action
            title: Run the restore
            do: Writes the marker.
            uses: shell.run
            with:
              argv: ${nodeArgv("setTimeout(() => { require('fs').writeFileSync(process.argv[1], 'done'); process.stdout.write('restored') }, Number(process.argv[2]))", markerPath, '${{ inputs.delay }}')}
              reconcile: { argv: ${nodeArgv("process.exit(require('fs').existsSync(process.argv[1]) ? 0 : 1)", markerPath)} }
          - { id: sign, kind: manual, title: Sign off, do: Confirm with the owner., note: required, skippable: false }
    inputs:
      delay: { type: text, default: "0" }
`;
}

beforeAll(async () => {
  emulator = await startEc2Emulator({ seed: standardSeed(new Date()) });
});
afterAll(async () => {
  await emulator.close();
});
afterEach(() => {
  cleanup();
  fixture?.close();
});

async function open(options: Parameters<SessionFixture['start']>[1] = {}) {
  fixture = sessionFixture((directory) => runbooksYaml(emulator.endpoint, directory));
  const session = await fixture.start('walk', options);
  return mount(session);
}

function mount(session: DrivenSession) {
  const onExit = vi.fn();
  const instance = render(<SessionScreen session={session} onExit={onExit} keySettleMs={0} />);
  return { ...instance, session, onExit };
}

/** Waits until the screen listens (its footer shows) and returns that frame. */
async function ready(lastFrame: () => string | undefined, stdin: NodeJS.EventEmitter): Promise<string> {
  const frame = await waitForText(lastFrame, '? help · q leave');
  await waitForInput(stdin);
  return frame;
}

describe('SessionScreen', () => {
  it('shows the header, the outline and the manual step; Enter marks it done only once durable, then the check runs live', async () => {
    const { lastFrame, stdin, session } = await open();
    const frame = await ready(lastFrame, stdin);
    const lines = frame.split('\n');
    expect(lines[0]).toContain('Restore a single volume from snapshot');
    expect(lines[0]).toContain('env staging');
    expect(lines[0]).toContain(`session ${session.id}`);
    expect(frame).toContain('● Announce the restore  manual · announce · open');
    expect(frame).toContain('Post in the channel.');
    expect(frame).toContain('enter: mark done when you have done it');

    stdin.write(keys.enter);
    const passed = await waitForText(lastFrame, '✓ passed');
    // Shown done only after StepCompleted is in the store.
    expect(fixture.types(session.id)).toContain('StepCompleted');
    expect(passed).toMatch(/✓ Announce the restore\s+manual/);
    expect(passed).toContain('✓ passed: node ended with exit code 0; stdout matched "tool" in');
    expect(passed).toContain('observed: exit code 0; stdout matched "tool"');
    expect(passed).toContain('expected: exit code 0; stdout matches /^tool/');
    expect(passed).toContain('enter: done, next step · r: run it again');
  });

  it('marks a protected environment unmistakably, with the incident and no drill badge; a drill shows its badge', async () => {
    const { lastFrame, stdin } = await open({ env: 'production', incident: 'INC-77' });
    const frame = await ready(lastFrame, stdin);
    expect(frame.split('\n')[0]).toContain(' PROTECTED PRODUCTION ');
    expect(frame.split('\n')[0]).toContain('incident INC-77');
    expect(frame).not.toContain('DRILL');
    cleanup();
    fixture.close();
    const drill = await open({ drill: true });
    expect((await ready(drill.lastFrame, drill.stdin)).split('\n')[0]).toContain(' DRILL ');
  });

  it('a failed check shows observed against expected; r re-runs it; Enter asks why to go on and records the reason', async () => {
    const { lastFrame, stdin, session } = await open({ at: 'failing' });
    await ready(lastFrame, stdin);
    const failed = await waitForText(lastFrame, '✗ failed');
    expect(failed).toContain('observed: exit code 0; stdout did not match: "lag 300s"');
    expect(failed).toContain('expected: exit code 0; stdout matches /^lag [0-5]?[0-9]s$/');
    expect(failed).toContain('r: run it again · enter: go on anyway (asks why) · s: skip');

    stdin.write('r');
    await waitFor('a second run', () => (session.state.steps.lag!.checkRuns === 2 ? true : undefined));
    await waitForText(lastFrame, '✗ failed');

    stdin.write(keys.enter);
    await waitForText(lastFrame, '"Replica lag is small" did not pass. Why go on anyway? (recorded)');
    await waitForInput(stdin);
    stdin.write('lag is expected during the restore');
    await waitForText(lastFrame, 'lag is expected during the restore');
    stdin.write(keys.enter);
    await waitForText(lastFrame, '● After the lag');
    expect(session.state.steps.lag!.status).toBe('done');
    expect(session.state.steps.lag!.overrideReason).toBe('lag is expected during the restore');
  });

  it('s skips with a reason, n adds a note, both recorded', async () => {
    const { lastFrame, stdin, session } = await open();
    await ready(lastFrame, stdin);
    stdin.write('n');
    await waitForText(lastFrame, 'Note on "Announce the restore" (recorded in the log):');
    await waitForInput(stdin);
    stdin.write('posted in #inc-77');
    await waitForText(lastFrame, '› posted in #inc-77');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'note (alice@test): posted in #inc-77');

    stdin.write('s');
    await waitForText(lastFrame, 'Why skip "Announce the restore"? (recorded)');
    await waitForInput(stdin);
    stdin.write('announced by the incident commander');
    await waitForText(lastFrame, '› announced by the incident commander');
    stdin.write(keys.enter);
    await waitForText(lastFrame, '✓ passed');
    expect(session.state.steps.announce!.status).toBe('skipped');
    expect(session.state.steps.announce!.skipReason).toBe('announced by the incident commander');
    expect(fixture.types(session.id).filter((type) => type === 'NoteAdded')).toHaveLength(1);
  });

  it('text and timestamp inputs: an ambiguous local time is refused; a zoned one is recorded in UTC', async () => {
    const { lastFrame, stdin, session } = await open({ at: 'inputs' });
    await waitForText(lastFrame, 'Why restore:');
    await waitForInput(stdin);
    stdin.write('disk lost');
    await waitForText(lastFrame, '› disk lost');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'value: disk lost');
    stdin.write(keys.enter);

    await waitForText(lastFrame, 'Recovery target:');
    await waitForInput(stdin);
    stdin.write('2026-11-25 04:10');
    await waitForText(lastFrame, '› 2026-11-25 04:10');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'the time zone must be explicit');
    expect(session.state.steps.target!.input).toBeNull();

    stdin.write(' Europe/Paris');
    const typed = await waitForText(lastFrame, '= 2026-11-25T03:10:00.000Z (UTC)');
    expect(typed).toContain('› 2026-11-25 04:10 Europe/Paris');
    stdin.write(keys.enter);
    const recorded = await waitForText(lastFrame, 'value: 2026-11-25 04:10 Europe/Paris (= 2026-11-25T03:10:00.000Z)');
    expect(recorded).toContain('(UTC 2026-11-25T03:10:00.000Z)');
    expect(session.state.steps.target!.outputs.value).toBe('2026-11-25T03:10:00.000Z');
  });

  it('a choice from a live list: newest first, failed and pending ones not selectable, the last known good marked and chosen', async () => {
    const { lastFrame, stdin, session } = await open({ at: 'choose' });
    const frame = await waitForText(lastFrame, `${'›'} snap-0a3`);
    await waitForInput(stdin);
    const rows = frame.split('\n').filter((line) => /snap-0/.test(line));
    expect(rows.map((row) => /snap-0\w+/.exec(row)![0])).toEqual(['snap-0a5', 'snap-0a4', 'snap-0a3', 'snap-0a2', 'snap-0a1', 'snap-0bad']);
    expect(rows[0]).toContain('pending');
    expect(rows[0]).toContain('(not selectable)');
    expect(rows[1]).toContain('error');
    expect(rows[2]).toContain('★ last known good');
    expect(rows[3]).not.toContain('last known good');

    stdin.write(keys.up);
    stdin.write(keys.up);
    await waitForText(lastFrame, '› snap-0a5');
    stdin.write(keys.enter);
    // A disabled row is not chosen.
    await waitForInput(stdin);
    expect(session.state.steps.snapshot!.input).toBeNull();
    stdin.write(keys.down);
    await waitForText(lastFrame, '› snap-0a4');
    stdin.write(keys.down);
    stdin.write(keys.down);
    await waitForText(lastFrame, '› snap-0a2');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'value: snap-0a2');
    expect(session.state.steps.snapshot!.outputs.value).toBe('snap-0a2');
  });

  it('an action on a protected environment: every resolved value, the dry-run, the target name typed exactly, then its outputs', async () => {
    const { lastFrame, stdin, session } = await open({ at: 'act', env: 'production', incident: 'INC-9' });
    await ready(lastFrame, stdin);
    await waitForText(lastFrame, 'enter: preview what will run');
    stdin.write(keys.enter);
    const preview = await waitForText(lastFrame, 'Type "prod-db" to run this action on PROTECTED production:');
    expect(preview).toContain('will run: run node with');
    expect(preview).toContain(marker());
    expect(preview).toContain('dry-run passed: node resolves to');
    await waitForInput(stdin);

    stdin.write('prod');
    await waitForText(lastFrame, '› prod');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'type exactly "prod-db"');
    expect(fixture.types(session.id)).not.toContain('ActionConfirmed');
    stdin.write('-db');
    await waitForText(lastFrame, '› prod-db');
    stdin.write(keys.enter);
    const done = await waitForText(lastFrame, '✓ succeeded, outputs:');
    expect(done).toContain('stdout: restored');
    expect(done).toContain('exitCode: 0');
    expect(readFileSync(marker(), 'utf8')).toBe('done');
    const types = fixture.types(session.id);
    expect(types.slice(types.indexOf('ActionPreviewed'))).toEqual(['ActionPreviewed', 'ActionConfirmed', 'ActionIntended', 'ActionSucceeded']);
    stdin.write(keys.enter);
    await waitForText(lastFrame, '● Sign off');
  });

  it('Ctrl-C while an action runs asks first; staying keeps it running to its result', async () => {
    const { lastFrame, stdin, session, onExit } = await open({ at: 'act', inputs: { delay: '1500' } });
    await ready(lastFrame, stdin);
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'enter or y: run it · esc: not now');
    stdin.write('y');
    await waitForText(lastFrame, 'running shell.run');
    stdin.write(keys.ctrlC);
    await waitForText(lastFrame, 'An action is running; leaving now records it as in-flight and resume will reconcile it. Leave? (y/N)');
    stdin.write('n');
    await waitForTextGone(lastFrame, 'Leave? (y/N)');
    await waitForText(lastFrame, '✓ succeeded', 5000);
    expect(onExit).not.toHaveBeenCalled();
    expect(existsSync(marker())).toBe(true);
    expect(session.state.steps.make!.status).toBe('passed');
  });

  it('leaving while an action runs (y) records the interruption with the action in flight; resume reconciles it', async () => {
    const first = await open({ at: 'act', inputs: { delay: '300' } });
    await ready(first.lastFrame, first.stdin);
    first.stdin.write(keys.enter);
    await waitForText(first.lastFrame, 'enter or y: run it');
    first.stdin.write(keys.enter);
    await waitForText(first.lastFrame, 'running shell.run');
    first.stdin.write('q');
    await waitForText(first.lastFrame, 'Leave? (y/N)');
    first.stdin.write('y');
    await waitFor('onExit', () => (first.onExit.mock.calls.length > 0 ? true : undefined));
    expect(first.onExit).toHaveBeenCalledWith(130, [`Session ${first.session.id} saved. Resume with: runbook resume ${first.session.id}`]);
    expect(fixture.types(first.session.id).slice(-2)).toEqual(['ActionIntended', 'SessionInterrupted']);
    cleanup();
    // The provider was never aborted: its effect happens.
    await waitFor('the marker', () => (existsSync(marker()) ? true : undefined));

    const resumed = await fixture.reopen().open(first.session.id);
    const second = mount(resumed);
    const frame = await waitForText(second.lastFrame, 'reconciled make: found');
    expect(frame).toContain('✓ succeeded');
    expect(frame).toMatch(/✓ Run the restore\s+action|◆ Run the restore/);
    expect(resumed.state.steps.make!.status).toBe('passed');
  });

  it('q leaves unfinished (exit 130): the interruption is recorded, the lock given up, and how to resume is printed', async () => {
    const { lastFrame, stdin, session, onExit } = await open();
    await ready(lastFrame, stdin);
    stdin.write('q');
    await waitFor('onExit', () => (onExit.mock.calls.length > 0 ? true : undefined));
    expect(onExit).toHaveBeenCalledWith(130, [`Session ${session.id} saved. Resume with: runbook resume ${session.id}`]);
    expect(fixture.types(session.id).at(-1)).toBe('SessionInterrupted');
    // Another driver can take it at once (the lock is released).
    const again = await fixture.service.open(session.id);
    expect(again.state.currentStepId).toBe('announce');
    again.release();
  });

  it('arrows look at earlier steps without changing them; esc returns to the current one', async () => {
    const { lastFrame, stdin, session } = await open();
    await ready(lastFrame, stdin);
    stdin.write(keys.enter);
    await waitForText(lastFrame, '✓ passed');
    await waitForInput(stdin);
    stdin.write(keys.up);
    const back = await waitForText(lastFrame, 'looking back (esc: current step)');
    expect(back).toContain('✓ Announce the restore  manual · announce · done');
    stdin.write(keys.enter);
    await waitForInput(stdin);
    expect(session.state.steps.tooling!.status).toBe('passed');
    stdin.write(keys.escape);
    await waitForTextGone(lastFrame, 'looking back');
    expect(lastFrame()).toContain('◆ The tooling answers  check · tooling · passed');
  });

  it('a required note is asked on Enter; a step that may not be skipped is refused; ? shows the keys', async () => {
    const { lastFrame, stdin, session } = await open({ at: 'act' });
    await ready(lastFrame, stdin);
    stdin.write('?');
    const help = await waitForText(lastFrame, 'Keys');
    expect(help).toContain('skip the step (asks for the reason; recorded)');
    stdin.write('?');
    await waitForTextGone(lastFrame, 'esc or ? closes this help');
    // Run the action quickly to reach the sign-off.
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'enter or y: run it');
    stdin.write(keys.enter);
    await waitForText(lastFrame, '✓ succeeded');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'enter: mark done (a note is required as evidence)');
    stdin.write('s');
    await waitForText(lastFrame, 'Why skip "Sign off"? (recorded)');
    await waitForInput(stdin);
    stdin.write('no owner');
    await waitForText(lastFrame, '› no owner');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'step "sign" may not be skipped');
    stdin.write(keys.escape);
    await waitForTextGone(lastFrame, 'Why skip');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'Evidence for "Sign off" (required note):');
    await waitForInput(stdin);
    stdin.write('owner confirmed');
    await waitForText(lastFrame, '› owner confirmed');
    stdin.write(keys.enter);
    const summary = await waitForText(lastFrame, 'All steps finished.');
    expect(summary).toContain('2 done · 0 skipped · 0 went on after a failure');
    expect(session.state.steps.sign!.note).toBe('owner confirmed');
  });
});
