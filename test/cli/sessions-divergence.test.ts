/**
 * A diverged session through the BUILT binary on a real PostgreSQL store: `runbook sessions` says
 * it diverged and how to see it (its --json counts the branches), `runbook export` shows the
 * branch, and `runbook verify` checks the branch's chain too, on the store and on a JSON export:
 * exit 0 while it verifies, exit 1 naming the branch once its content was changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchEvents, divergedSession, replaceBranchEvents, testService, type Divergence } from '../support/divergence.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { builtBinary } from '../support/tmux.js';
import { runbooksFile, tempDir } from '../state/support.js';

let server: TestStoreServer;
let dir: string;
let diverged: Divergence;
let plainId: string;

beforeAll(async () => {
  server = await createStoreServer({ writers: ['alice', 'bob'] });
  dir = mkdtempSync(join(tmpdir(), 'runbook-divergence-cli-'));
  diverged = await divergedSession(server);
  const alice = testService(server.open('alice'), 'alice@desk');
  const session = await alice.start({ runbooks: runbooksFile(tempDir()), runbookId: 'demo', env: 'staging', inputs: { ticket: 'INC-11' } });
  plainId = session.id;
  session.interrupt();
  alice.close();
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runbook(args: readonly string[]) {
  return spawnSync(process.execPath, [builtBinary, '--db', join(dir, 'local', 'sessions.db'), '--store', server.url('bob'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, RUNBOOK_OPERATOR: 'bob@test' },
  });
}

describe('a diverged session through the built binary', () => {
  it('runbook sessions marks it diverged in STATUS and says how to see both logs; --json counts its branches', () => {
    const listed = runbook(['sessions']);
    expect(listed.status, listed.stderr).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(lines.find((line) => line.startsWith(diverged.id))).toMatch(new RegExp(`^${diverged.id}\\s+interrupted, diverged \\(1 branch\\)\\s+demo\\s+staging`));
    expect(lines.find((line) => line.startsWith(plainId))).toMatch(new RegExp(`^${plainId}\\s+interrupted\\s+demo`));
    expect(listed.stdout).toContain(
      `Session ${diverged.id} diverged: a local log pushed after it went on in this store is kept beside its log as a branch, not merged; "runbook export ${diverged.id}" shows both.`,
    );
    expect(listed.stdout).not.toContain(`Session ${plainId} diverged`);

    const json = runbook(['sessions', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const sessions = JSON.parse(json.stdout).sessions as { id: string; branches: number; status: string }[];
    expect(Object.fromEntries(sessions.map((session) => [session.id, [session.status, session.branches]]))).toEqual({
      [diverged.id]: ['interrupted', 1],
      [plainId]: ['interrupted', 0],
    });
    const help = runbook(['sessions', '--help']);
    expect(help.stdout).toContain('"diverged (N branches)" follows');
    expect(help.stdout).toContain('"currentStep", "branches"}]}');
  });

  it('runbook export shows the branch beside the log; runbook verify checks its chain on the store and in the JSON export', () => {
    const md = runbook(['export', diverged.id]);
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout).toContain('## Divergence');
    expect(md.stdout).toContain(`### Branch ${diverged.branch}`);
    expect(md.stdout).toContain(`- **Leaves this log:** after event ${diverged.forkSeq} (`);

    const verified = runbook(['verify', diverged.id]);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`ok: session ${diverged.id}, `);
    expect(verified.stdout).toContain(
      `ok: branch ${diverged.branch} of session ${diverged.id} (a local log kept beside it, not merged; leaves it after event ${diverged.forkSeq}), ${diverged.laptopEvents.length} events, hash chain intact continuing event ${diverged.forkSeq}'s hash`,
    );
    const plain = runbook(['verify', plainId]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toContain('branch');

    const exported = join(dir, 'diverged.json');
    expect(runbook(['export', diverged.id, '--format', 'json', '--output', exported]).status).toBe(0);
    const fromFile = runbook(['verify', exported]);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain(`ok: branch ${diverged.branch} of session ${diverged.id}`);

    // A branch event edited in the exported file: the main chain is intact, the branch's is not.
    const document = JSON.parse(readFileSync(exported, 'utf8'));
    const note = document.branches[0].events.find((event: { type: string }) => event.type === 'NoteAdded');
    note.data.text = 'edited in the file';
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(document));
    const badFile = runbook(['verify', edited]);
    expect(badFile.status).toBe(1);
    expect(badFile.stdout).toContain(`ok: session ${diverged.id}, `);
    expect(badFile.stdout).toContain(`FAILED: branch ${diverged.branch} of session ${diverged.id}`);
    expect(badFile.stderr).toContain(`verification FAILED for branch ${diverged.branch} kept beside session ${diverged.id} (${edited}): ${diverged.branch}: event ${note.seq} (NoteAdded) was changed after it was written`);
  });

  it('runbook verify exits 1 naming the branch whose content was changed on the store; the main chain still verifies', async () => {
    const events = await branchEvents(server, diverged.id);
    const index = events.findIndex((event) => event.type === 'NoteAdded');
    events[index] = { ...events[index]!, data: { ...(events[index]!.data as object), text: 'edited on the store' } };
    await replaceBranchEvents(server, diverged.id, events);

    const result = runbook(['verify', diverged.id]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`ok: session ${diverged.id}, `);
    expect(result.stdout).toContain(`FAILED: branch ${diverged.branch} of session ${diverged.id}`);
    expect(result.stderr).toContain(`verification FAILED for branch ${diverged.branch} kept beside session ${diverged.id}`);
    expect(result.stderr).toContain(`event ${events[index]!.seq} (NoteAdded) was changed after it was written: its hash does not match its content`);
    expect(result.stderr).not.toContain('    at ');

    const md = runbook(['export', diverged.id]);
    expect(md.stdout).toContain(`- **Hash chain:** does NOT verify: event ${events[index]!.seq} (NoteAdded) was changed after it was written`);
  });
});
