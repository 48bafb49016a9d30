/**
 * Four-eyes approval through the session service on a real SQLite file: the driver (bob) holds
 * the lease; the approver (carol) works on the same file through a connection of her own and
 * appends her decision without the lease; the driver sees it by reading its store. Real local
 * providers (test/state/support.ts) do the work: a marker file is written only when the action runs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { pendingApprovals, findApprovalTarget } from '../../src/services/approvals/pending.js';
import { recordDecision, type Decision } from '../../src/services/approvals/record-decision.js';
import { runHeadless } from '../../src/services/headless/run-session.js';
import { CommandRefusedError, type DrivenSession } from '../../src/services/session/driven-session.js';
import { openEventStore, type SqliteEventStore } from '../../src/state/event-store.js';
import { lockHolder } from '../../src/state/lock.js';
import { fixture, type Fixture } from '../state/support.js';

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const item of opened.splice(0)) item.close();
});

interface World {
  readonly f: Fixture;
  /** Carol's own connection to the same file. */
  readonly carolStore: SqliteEventStore;
  readonly session: DrivenSession;
  readonly markerDir: string;
}

/** Bob drives the demo runbook on production (which needs one approval) up to the action, previewed. */
async function world(options: { now?: () => Date; approvals?: Record<string, unknown> } = {}): Promise<World> {
  const f = fixture();
  opened.push(f.store);
  const production = f.runbooks.file.environments.production! as { approvals?: unknown };
  production.approvals = options.approvals ?? { required: 1 };
  const session = await f.service({ operator: 'bob@jump', ...(options.now ? { now: options.now } : {}) }).start({
    runbooks: f.runbooks,
    runbookId: 'demo',
    env: 'production',
    incident: 'INC-7',
    inputs: { ticket: 'T-1' },
  });
  opened.push({ close: () => session.release() });
  session.completeStep('announce', { note: 'posted in #inc-7' });
  await session.runCheck('probe');
  session.completeStep('probe');
  session.provideInput('target', 'v1');
  session.completeStep('target');
  await session.previewAction('write');
  const carolStore = openEventStore(f.dbPath);
  opened.push(carolStore);
  return { f, carolStore, session, markerDir: join(f.dir, 'markers-prod') };
}

function decideAs(store: SqliteEventStore, session: DrivenSession, actor: string, decision: Decision, now?: () => Date) {
  const target = findApprovalTarget(store, session.id.slice(0, 10), undefined, now?.() ?? new Date());
  return recordDecision(store, { sessionId: target.state.id, stepId: target.step.id, hash: target.request.hash, decision, actor, ...(now ? { now } : {}) });
}

const approval: Decision = { kind: 'approve', typed: 'prod-db', reason: 'snapshot id checked with the owner' };

function refusalOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRefusedError) return error.refusal.code;
    throw error;
  }
  return 'not refused';
}

async function refusalOfAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CommandRefusedError) return error.refusal.code;
    throw error;
  }
  return 'not refused';
}

describe('an approval from another connection', () => {
  it('is listed, recorded without the lease, seen by the driver, and lets the action run', async () => {
    const { f, carolStore, session, markerDir } = await world();
    const request = session.state.steps.write!.approval!;
    expect(request).toMatchObject({ requester: 'bob@jump', hash: session.state.steps.write!.previewHash, required: 1 });

    const pending = pendingApprovals(carolStore, new Date());
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ session: session.id, step: 'write', env: 'production', protected: true, incident: 'INC-7', hash: request.hash, requestedBy: 'bob@jump' });
    expect(pending[0]!.command).toBe(`runbook approve ${session.id} write --db ${f.dbPath}`);
    expect(session.approveCommand('write')).toBe(pending[0]!.command);

    session.confirmAction('write', 'prod-db');
    expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-required');
    expect(existsSync(markerDir)).toBe(false);

    const recorded = decideAs(carolStore, session, 'carol@jump', approval);
    expect(recorded.event).toMatchObject({ type: 'ActionApproved', actor: 'carol@jump', data: { hash: request.hash, reason: 'snapshot id checked with the owner', typed: 'prod-db' } });
    expect(recorded.decision?.void).toBeNull();
    expect(recorded.status.kind).toBe('approved');
    // The driver keeps its lease: carol never drove the session.
    expect(lockHolder(f.store, session.id)).toMatchObject({ pid: process.pid });
    expect(session.lost).toBeNull();
    expect(pendingApprovals(carolStore, new Date())).toEqual([]);

    const ran = await session.runAction('write');
    expect(ran.steps.write!.status).toBe('passed');
    expect(readdirSync(markerDir)).toHaveLength(1);
    const types = f.store.read(session.id).map((event) => `${event.type}:${event.actor}`);
    expect(types.slice(-6)).toEqual([
      'ActionPreviewed:bob@jump',
      'ApprovalRequested:bob@jump',
      'ActionConfirmed:bob@jump',
      'ActionApproved:carol@jump',
      'ActionIntended:bob@jump',
      'ActionSucceeded:bob@jump',
    ]);
  });

  it('a driver whose state is behind an approval still appends: it reads the approval and decides again', async () => {
    const { carolStore, session } = await world();
    decideAs(carolStore, session, 'carol@jump', approval);
    expect(session.state.steps.write!.approval!.decisions).toEqual([]);
    const state = session.addNote('waiting on carol');
    expect(state.steps.write!.approval!.decisions.map((decision) => decision.by)).toEqual(['carol@jump']);
    expect(state.lastSeq).toBe(carolStore.session(session.id)!.lastSeq);
  });

  it('approving your own request is refused and records nothing', async () => {
    const { carolStore, session } = await world();
    const before = carolStore.session(session.id)!.lastSeq;
    expect(refusalOf(() => decideAs(carolStore, session, 'bob@jump', approval))).toBe('self-approval');
    expect(carolStore.session(session.id)!.lastSeq).toBe(before);
  });
});

describe('what voids or stops an approval', () => {
  it('a changed parameter needs a new approval', async () => {
    const { carolStore, session, markerDir } = await world();
    decideAs(carolStore, session, 'carol@jump', approval);
    const approvedHash = session.state.steps.write!.approval!.hash;
    // The target changes after carol approved: the action's content parameter changes with it.
    session.openStep('target');
    session.provideInput('target', 'v2');
    session.completeStep('target');
    const { state } = await session.previewAction('write');
    expect(state.steps.write!.previewHash).not.toBe(approvedHash);
    expect(state.steps.write!.approval).toMatchObject({ hash: state.steps.write!.previewHash, decisions: [] });
    session.confirmAction('write', 'prod-db');
    expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-required');
    expect(existsSync(markerDir)).toBe(false);
    expect(pendingApprovals(carolStore, new Date()).map((entry) => entry.hash)).toEqual([state.steps.write!.previewHash]);
  });

  it('an approval expires', async () => {
    let clock = Date.parse('2026-03-01T03:00:00Z');
    const now = () => new Date(clock);
    const { carolStore, session, markerDir } = await world({ now, approvals: { required: 1, expires: '30m' } });
    decideAs(carolStore, session, 'carol@jump', approval, now);
    clock += 31 * 60_000;
    expect(session.approval('write').kind).toBe('pending');
    session.confirmAction('write', 'prod-db');
    expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-expired');
    expect(existsSync(markerDir)).toBe(false);
    // Approved again: it runs.
    decideAs(carolStore, session, 'carol@jump', approval, now);
    expect((await session.runAction('write')).steps.write!.status).toBe('passed');
  });

  it('a rejection stops the action', async () => {
    const { carolStore, session, markerDir } = await world();
    decideAs(carolStore, session, 'carol@jump', { kind: 'reject', reason: 'that is the wrong target' });
    const waited = await session.awaitApproval('write', { timeoutMs: 5_000 });
    expect(waited.outcome).toBe('rejected');
    session.confirmAction('write', 'prod-db');
    expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-rejected');
    expect(existsSync(markerDir)).toBe(false);
  });
});

describe('waiting for the decision', () => {
  it('the driver reads its store while it waits and resolves when the approval lands', async () => {
    const { carolStore, session } = await world();
    const timer = setTimeout(() => decideAs(carolStore, session, 'carol@jump', approval), 700);
    const seen: string[] = [];
    const unsubscribe = session.subscribe((_state, events) => seen.push(...events.map((event) => event.type)));
    const started = Date.now();
    const waited = await session.awaitApproval('write', { timeoutMs: 10_000, pollMs: 100 });
    clearTimeout(timer);
    unsubscribe();
    expect(waited.outcome).toBe('approved');
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(seen).toEqual(['ActionApproved']);
  });

  it('a wait without a decision ends at its bound', async () => {
    const { session } = await world();
    const waited = await session.awaitApproval('write', { timeoutMs: 300, pollMs: 50 });
    expect(waited.outcome).toBe('timeout');
  });
});

describe('a headless run', () => {
  const answers = { name: 'answers.yaml', hash: 'sha256:x', values: new Map<string, string | number | boolean>([['announce', 'posted'], ['target', 'v1']]) };

  async function headless(approvalTimeoutMs: number, decide?: (world: World) => void) {
    const f = fixture();
    opened.push(f.store);
    (f.runbooks.file.environments.production! as { approvals?: unknown }).approvals = { required: 1 };
    const session = await f.service({ operator: 'bob@jump' }).start({ runbooks: f.runbooks, runbookId: 'demo', env: 'production', incident: 'INC-7', inputs: { ticket: 'T-1' } });
    const carolStore = openEventStore(f.dbPath);
    opened.push(carolStore);
    const waiting: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const result = await runHeadless({
      session,
      answers,
      yes: true,
      confirm: 'prod-db',
      approvalTimeoutMs,
      stop: new AbortController().signal,
      processEnv: {},
      reporter: {
        waitingForApproval: (step, command) => {
          waiting.push(`${step.id}: ${command}`);
          if (decide) timer = setTimeout(() => decide({ f, carolStore, session, markerDir: join(f.dir, 'markers-prod') }), 600);
        },
      },
    });
    clearTimeout(timer);
    return { f, result, waiting, session };
  }

  it('waits, printing the command to approve, and then proceeds', async () => {
    const { f, result, waiting, session } = await headless(20_000, ({ carolStore, session: driven }) => decideAs(carolStore, driven, 'carol@jump', approval));
    expect(waiting).toEqual([`write: runbook approve ${session.id} write --db ${f.dbPath}`]);
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.status).toBe('completed');
    expect(result.state.steps.write!.status).toBe('done');
  });

  it('exits 2 when no decision comes within the bound, resumable', async () => {
    const { result, session } = await headless(400);
    expect(result.exitCode).toBe(ExitCode.usage);
    expect(result.stop).toMatchObject({ stepId: 'write', reason: 'needs-approval' });
    expect(result.stop!.message).toContain(`no decision on action "write" within 400 ms`);
    expect(result.stop!.message).toContain(`runbook approve ${session.id} write --db `);
    expect(result.state.steps.write!.status).toBe('open');
  });

  it('without a bound it stops at once, saying how to wait', async () => {
    const { result } = await headless(0);
    expect(result.exitCode).toBe(ExitCode.usage);
    expect(result.stop!.message).toContain('wait for it with --approval-timeout DURATION');
  });

  it('a rejection fails the run (exit 1) and nothing runs', async () => {
    const { f, result } = await headless(20_000, ({ carolStore, session }) => decideAs(carolStore, session, 'carol@jump', { kind: 'reject', reason: 'not during the freeze' }));
    expect(result.exitCode).toBe(ExitCode.failed);
    expect(result.stop).toMatchObject({ stepId: 'write', reason: 'rejected' });
    expect(result.stop!.message).toBe('carol@jump rejected action "write": not during the freeze; it did not run (preview it again to ask anew, or skip it)');
    expect(existsSync(join(f.dir, 'markers-prod'))).toBe(false);
  });
});
