import React from 'react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRunbooksText } from '../../src/runbooks/load.js';
import type { DrivenSession } from '../../src/services/session/driven-session.js';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { waitForInput, waitForText, waitForTextGone } from './support/frames.js';
import { nodeArgv, sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let fixture: SessionFixture | undefined;
afterEach(() => {
  cleanup();
  fixture?.close();
  fixture = undefined;
});

function yaml(directory: string, extraStepTitle = 'Check the volume'): string {
  const counter = join(directory, 'polls');
  return `
version: 1
environments:
  staging: {}
runbooks:
  - id: flow
    title: Restore with inputs
    summary: Inputs first, a wait, resume.
    inputs:
      volume: { type: text, description: the volume to restore }
      token: { type: text, secret: true }
      region: { type: text, default: us-east-1 }
    sections:
      - id: main
        title: Main
        steps:
          - id: attached
            kind: wait
            title: The volume is attached
            do: Polls until the volume reports attached.
            uses: shell.run
            interval: 1s
            timeout: 20s
            with:
              argv: ${nodeArgv("const fs = require('fs'); const n = fs.existsSync(process.argv[1]) ? Number(fs.readFileSync(process.argv[1], 'utf8')) + 1 : 1; fs.writeFileSync(process.argv[1], String(n)); process.stdout.write(n >= 2 ? 'attached' : 'attaching'); process.exit(n >= 2 ? 0 : 1)", counter)}
          - { id: check-volume, kind: manual, title: ${extraStepTitle}, do: Look at it. }
`;
}

function mount(session: DrivenSession) {
  const onExit = vi.fn();
  return { ...render(<SessionScreen session={session} onExit={onExit} keySettleMs={0} />), onExit };
}

describe('SessionScreen flow', () => {
  it('asks required runbook inputs first (a secret one masked), then polls a wait with its bound until it passes', async () => {
    fixture = sessionFixture((directory) => yaml(directory));
    const session = await fixture.start('flow');
    const { lastFrame, stdin } = mount(session);

    await waitForText(lastFrame, 'Runbook input "volume": the volume to restore');
    await waitForInput(stdin);
    stdin.write('vol-0db');
    await waitForText(lastFrame, '› vol-0db');
    stdin.write(keys.enter);

    const secret = await waitForText(lastFrame, 'Runbook input "token"');
    expect(secret).toContain('secret: never written to the log');
    await waitForInput(stdin);
    stdin.write('hunter22');
    const masked = await waitForText(lastFrame, '› ••••••••');
    expect(masked).not.toContain('hunter22');
    stdin.write(keys.enter);

    // The wait runs once the inputs are in: elapsed against its bound, the last poll shown.
    const waiting = await waitForText(lastFrame, 'last: poll 1:');
    expect(waiting).toMatch(/waiting \d+s of 20s \(shell\.run every 1s\)/);
    const passed = await waitForText(lastFrame, '✓ passed', 10_000);
    expect(passed).toContain('observed: exit code 0');
    expect(readFileSync(join(fixture.directory, 'polls'), 'utf8')).toBe('2');
    expect(session.state.inputs).toEqual({ volume: 'vol-0db', token: '[redacted]' });
    const stored = JSON.stringify(fixture.store.read(session.id));
    expect(stored).not.toContain('hunter22');
  });

  it('resume shows what changed in the runbook, asks for the lost secret again, and reopens at the exact step', async () => {
    fixture = sessionFixture((directory) => yaml(directory));
    const first = await fixture.start('flow', { inputs: { volume: 'vol-0db', token: 'hunter22' } });
    first.interrupt();

    const changed = parseRunbooksText(yaml(fixture.directory, 'Check the restored volume'), join(fixture.directory, 'runbooks.yaml'));
    const resumed = await fixture.reopen().open(first.id, { runbooks: changed });
    const { lastFrame, stdin } = mount(resumed);
    const frame = await waitForText(lastFrame, 'runbook changed since this session started (it keeps its pinned copy): step "check-volume" changed\n(title)');
    expect(frame).toContain('Runbook input "token"');
    expect(frame).toContain('○ The volume is attached  wait · attached · pending');
    await waitForInput(stdin);
    stdin.write('hunter22');
    await waitForText(lastFrame, '› ••••••••');
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'last: poll 1:');
    expect(resumed.missingSecrets).toEqual([]);
  });

  it('a failed action shows its error; r previews and runs a new attempt; i shows the step in full', async () => {
    fixture = sessionFixture((directory) => `
version: 1
environments:
  staging: {}
runbooks:
  - id: retry
    title: Retry an action
    summary: Fails once.
    sections:
      - id: main
        title: Main
        steps:
          - id: flaky
            kind: action
            title: Flaky restore
            do: Fails the first time.
            uses: shell.run
            with:
              argv: ${nodeArgv("const fs = require('fs'); const first = !fs.existsSync(process.argv[1]); fs.writeFileSync(process.argv[1], 'x'); if (first) { process.stderr.write('volume busy'); process.exit(3) } process.stdout.write('restored')", join(directory, 'attempted'))}
          - id: uses-missing
            kind: check
            title: Uses a value nobody gave
            do: Refers to an input that has no value.
            uses: shell.run
            with: { argv: ["echo", "\${{ inputs.missing }}"] }
    inputs:
      missing: { type: text, required: false }
`);
    const session = await fixture.start('retry');
    const { lastFrame, stdin } = mount(session);
    await waitForText(lastFrame, 'enter: preview what will run');
    await waitForInput(stdin);
    stdin.write(keys.enter);
    await waitForText(lastFrame, 'enter or y: run it');
    stdin.write('y');
    const failed = await waitForText(lastFrame, '✗ failed:');
    expect(failed).toContain('r: preview and run again (new attempt) · enter: go on anyway (asks why) · s: skip');
    expect(session.state.steps.flaky!.attempt).toBe(2);

    stdin.write('r');
    await waitForText(lastFrame, 'enter or y: run it');
    stdin.write(keys.enter);
    const passed = await waitForText(lastFrame, '✓ succeeded, outputs:');
    expect(passed).toContain('stdout: restored');
    const intents = fixture.store.read(session.id).filter((event) => event.type === 'ActionIntended').map((event) => (event.data as { idempotencyKey: string }).idempotencyKey);
    expect(intents).toHaveLength(2);
    expect(intents[0]).not.toBe(intents[1]);

    stdin.write('i');
    const full = await waitForText(lastFrame, 'Flaky restore (flaky) in full (esc or i: close)');
    expect(full).toContain('argv: ["node", "-e"');
    // The rest of the step scrolls inside the panel.
    for (let press = 0; press < 10 && !/outputs: \{"exitCode":0/.test(lastFrame() ?? ''); press++) {
      stdin.write(keys.down);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lastFrame()).toMatch(/outputs: \{"exitCode":0/);
    stdin.write(keys.escape);
    await waitForTextGone(lastFrame, 'in full (esc or i: close)');
    await waitForInput(stdin);
    stdin.write(keys.enter);

    // A check that cannot start says why once, and waits for r (no retry loop).
    const refused = await waitForText(lastFrame, 'inputs.missing');
    expect(refused).toContain('not run yet (r runs it)');
    expect(fixture.types(session.id).filter((type) => type === 'CheckFailed' || type === 'CheckPassed')).toHaveLength(0);
  });
});
