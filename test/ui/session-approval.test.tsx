/**
 * The session screen while an action waits for another operator's approval: it says so, shows
 * the exact command the approver runs, hears no Enter, and changes by itself when the decision
 * lands in the store (written through a second connection, as another process would).
 */
import React from 'react';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findApprovalTarget } from '../../src/services/approvals/pending.js';
import { recordDecision, type Decision } from '../../src/services/approvals/record-decision.js';
import { openEventStore } from '../../src/state/event-store.js';
import { SessionScreen } from '../../src/ui/screens/SessionScreen.js';
import { waitForInput, waitForText } from './support/frames.js';
import { nodeArgv, sessionFixture, type SessionFixture } from './support/session-fixture.js';
import { keys } from './support/terminal-keys.js';

let fixture: SessionFixture;
afterEach(() => {
  cleanup();
  fixture?.close();
});

function yaml(directory: string): string {
  return `
version: 1
environments:
  production:
    protected: true
    confirm: prod-db
    approvals: { required: 1 }
runbooks:
  - id: walk
    title: Restore with four eyes
    summary: One action that needs approval.
    sections:
      - id: act
        title: Act
        steps:
          - id: make
            kind: action
            title: Run the restore
            do: Writes the marker.
            uses: shell.run
            with:
              argv: ${nodeArgv("require('fs').writeFileSync(process.argv[1], 'done')", join(directory, 'restored.marker'))}
          - { id: sign, kind: manual, title: Sign off, do: Confirm with the owner. }
`;
}

async function waiting() {
  fixture = sessionFixture(yaml);
  const session = await fixture.start('walk', { env: 'production', incident: 'INC-4' });
  const onExit = vi.fn();
  const screen = render(<SessionScreen session={session} onExit={onExit} keySettleMs={0} />);
  await waitForText(screen.lastFrame, 'enter: preview what will run');
  await waitForInput(screen.stdin);
  screen.stdin.write(keys.enter);
  const frame = await waitForText(screen.lastFrame, 'waiting for approval: 0 of 1');
  const approver = openEventStore(join(fixture.directory, 'sessions.db'));
  const decide = (actor: string, decision: Decision) => {
    const target = findApprovalTarget(approver, session.id, 'make', new Date());
    recordDecision(approver, { sessionId: session.id, stepId: 'make', hash: target.request.hash, decision, actor });
  };
  return { ...screen, session, frame, approver, decide };
}

describe('an action waiting for approval', () => {
  it('shows the command to approve, ignores Enter, and updates by itself when approved', async () => {
    const { lastFrame, stdin, session, frame, approver, decide } = await waiting();
    try {
      expect(frame).toContain('another operator (not alice@test) runs:');
      expect(frame).toContain(`runbook approve ${session.id} make --db ${join(fixture.directory, 'sessions.db')}`);
      expect(frame).toContain(`preview ${session.state.steps.make!.previewHash!.slice(7, 19)}`);
      await waitForText(lastFrame, 'waiting for approval; updates by itself');
      expect(frame).not.toContain('Type "prod-db"');
      const before = fixture.types(session.id).length;
      stdin.write(keys.enter);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fixture.types(session.id)).toHaveLength(before);

      decide('carol@other', { kind: 'approve', typed: 'prod-db', reason: 'looks right' });
      const approved = await waitForText(lastFrame, '✓ approved by carol@other (looks right)');
      expect(approved).toContain('Type "prod-db" to run this action on PROTECTED production');
      stdin.write('prod-db');
      stdin.write(keys.enter);
      await waitForText(lastFrame, '✓ succeeded');
      expect(existsSync(join(fixture.directory, 'restored.marker'))).toBe(true);
      expect(fixture.types(session.id).slice(-5)).toEqual(['ApprovalRequested', 'ActionApproved', 'ActionConfirmed', 'ActionIntended', 'ActionSucceeded']);
    } finally {
      approver.close();
    }
  });

  it('shows a rejection with who and why, and offers to ask anew', async () => {
    const { lastFrame, approver, decide } = await waiting();
    try {
      decide('carol@other', { kind: 'reject', reason: 'not during the migration' });
      const rejected = await waitForText(lastFrame, '✗ rejected by carol@other: not during the migration');
      expect(rejected).toContain('enter or r: preview again to ask anew · s: skip');
      expect(rejected).not.toContain('Type "prod-db"');
      expect(existsSync(join(fixture.directory, 'restored.marker'))).toBe(false);
    } finally {
      approver.close();
    }
  });
});
