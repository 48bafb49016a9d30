/**
 * Four-eyes approval through the session service, on the SQLite file and on the shared
 * PostgreSQL store alike: the driver (bob) holds the lease; the approver (carol) works through a
 * connection of her own (on PostgreSQL as her own database role) and appends her decision
 * without the lease; the driver sees it by reading its store. Real local providers
 * (test/state/support.ts) do the work: a marker file is written only when the action runs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { pendingApprovals, findApprovalTarget } from '../../src/services/approvals/pending.js';
import { recordDecision, type Decision } from '../../src/services/approvals/record-decision.js';
import { runHeadless } from '../../src/services/headless/run-session.js';
import { CommandRefusedError, type DrivenSession } from '../../src/services/session/driven-session.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { lockHolder } from '../../src/state/lock.js';
import { foldEvents } from '../../src/state/session-state.js';
import { createStoreServer, type TestStoreServer } from '../support/pg-store.js';
import { definitions, providers, runbooksFile, tempDir } from '../state/support.js';
import { writeFileSync } from 'node:fs';

let server: TestStoreServer;
beforeAll(async () => {
  server = await createStoreServer({ writers: ['bob', 'carol'] });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
});

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const item of opened.splice(0).reverse()) item.close();
});

/** Where sessions live: a fresh SQLite file per test, or the shared store; `role` is the database role on the latter. */
type Place = { readonly name: string; readonly kind: 'sqlite' | 'postgres'; fresh(): (role: string) => EventStore };
const places: Place[] = [
  {
    name: 'the SQLite file',
    kind: 'sqlite',
    fresh: () => {
      const path = join(tempDir(), 'state', 'sessions.db');
      return () => openEventStore(path);
    },
  },
  { name: 'the shared PostgreSQL store', kind: 'postgres', fresh: () => (role) => server.open(role) },
];

interface World {
  readonly dir: string;
  readonly open: (role: string) => EventStore;
  /** Bob's store, which his session writes to. */
  readonly store: EventStore;
  /** Carol's own connection (on PostgreSQL, as role carol). */
  readonly carolStore: EventStore;
  readonly session: DrivenSession;
  readonly markerDir: string;
}

function track<T extends { close(): void }>(item: T): T {
  opened.push(item);
  return item;
}

/** Bob's session of the demo runbook on production (which needs approval), started. */
async function startSession(place: Place, options: { now?: () => Date; approvals?: Record<string, unknown> } = {}) {
  const dir = tempDir();
  writeFileSync(join(dir, 'probe.txt'), 'hello');
  const open = place.fresh();
  const runbooks = runbooksFile(dir);
  (runbooks.file.environments.production! as { approvals?: unknown }).approvals = options.approvals ?? { required: 1 };
  const store = track(open('bob'));
  const service = new SessionService({
    store,
    definitions,
    providers: async (name) => providers[name]!,
    operator: 'bob@jump',
    processEnv: { PGPASS: 'p' },
    productVersion: 't',
    artifactsRoot: join(dir, 'artifacts'),
    ...(options.now ? { now: options.now } : {}),
  });
  const session = await service.start({ runbooks, runbookId: 'demo', env: 'production', incident: 'INC-7', inputs: { ticket: 'T-1' } });
  track({ close: () => session.release() });
  return { dir, open, store, session };
}

/** The session walked up to the action, previewed (so its approval is requested). */
async function world(place: Place, options: { now?: () => Date; approvals?: Record<string, unknown> } = {}): Promise<World> {
  const { dir, open, store, session } = await startSession(place, options);
  session.completeStep('announce', { note: 'posted in #inc-7' });
  await session.runCheck('probe');
  session.completeStep('probe');
  session.provideInput('target', 'v1');
  session.completeStep('target');
  await session.previewAction('write');
  const carolStore = track(open('carol'));
  return { dir, open, store, carolStore, session, markerDir: join(dir, 'markers-prod') };
}

function decideAs(store: EventStore, session: DrivenSession, actor: string, decision: Decision, now?: () => Date) {
  const target = findApprovalTarget(store, session.id, undefined, now?.() ?? new Date());
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

for (const place of places) {
  describe(`on ${place.name}`, () => {
    describe('an approval from another connection', () => {
      it('is listed, recorded without the lease, seen by the driver, and lets the action run', async () => {
        const { store, carolStore, session, markerDir } = await world(place);
        const request = session.state.steps.write!.approval!;
        expect(request).toMatchObject({ requester: 'bob@jump', hash: session.state.steps.write!.previewHash, required: 1 });

        // The shared store holds the other tests' sessions too: this session's requests.
        const mine = () => pendingApprovals(carolStore, new Date()).filter((entry) => entry.session === session.id);
        const pending = mine();
        expect(pending).toHaveLength(1);
        expect(pending[0]).toMatchObject({ session: session.id, step: 'write', env: 'production', protected: true, incident: 'INC-7', hash: request.hash, requestedBy: 'bob@jump' });
        expect(pending[0]!.command).toBe(session.approveCommand('write'));
        if (place.kind === 'sqlite') expect(pending[0]!.command).toBe(`runbook approve ${session.id} write --db ${store.location}`);
        // On the shared store the approver connects as herself: no user or password in the command.
        else expect(pending[0]!.command).toMatch(new RegExp(`^runbook approve ${session.id} write --store postgres://127\\.0\\.0\\.1:\\d+/sessions$`));

        session.confirmAction('write', 'prod-db');
        expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-required');
        expect(existsSync(markerDir)).toBe(false);

        const recorded = decideAs(carolStore, session, 'carol@laptop', approval);
        expect(recorded.event).toMatchObject({ type: 'ActionApproved', actor: 'carol@laptop', data: { hash: request.hash, reason: 'snapshot id checked with the owner', typed: 'prod-db' } });
        expect(recorded.decision).toMatchObject({ void: null, role: place.kind === 'postgres' ? 'carol' : null });
        expect(recorded.status.kind).toBe('approved');
        // The driver keeps its lease: carol never drove the session.
        expect(lockHolder(store, session.id)).toMatchObject({ pid: process.pid });
        expect(session.lost).toBeNull();
        expect(mine()).toEqual([]);

        const ran = await session.runAction('write');
        expect(ran.steps.write!.status).toBe('passed');
        expect(readdirSync(markerDir)).toHaveLength(1);
        const events = carolStore.read(session.id);
        expect(events.slice(-6).map((event) => `${event.type}:${event.actor}${event.dbRole ? `:${event.dbRole}` : ''}`)).toEqual(
          ['ActionPreviewed:bob@jump', 'ApprovalRequested:bob@jump', 'ActionConfirmed:bob@jump', 'ActionApproved:carol@laptop', 'ActionIntended:bob@jump', 'ActionSucceeded:bob@jump'].map((entry) =>
            place.kind === 'postgres' ? `${entry}:${entry.includes('carol') ? 'carol' : 'bob'}` : entry,
          ),
        );
        if (place.kind === 'postgres') {
          const md = renderExport(loadAuditRecord(carolStore, session.id), 'md');
          expect(md).toContain('| requested | bob@jump (role bob) |');
          expect(md).toContain('| approved | carol@laptop (role carol) |');
        }
      });

      it('a driver whose state is behind an approval still appends: it reads the approval and decides again', async () => {
        const { carolStore, session } = await world(place);
        decideAs(carolStore, session, 'carol@laptop', approval);
        expect(session.state.steps.write!.approval!.decisions).toEqual([]);
        const state = session.addNote('waiting on carol');
        expect(state.steps.write!.approval!.decisions.map((decision) => decision.by)).toEqual(['carol@laptop']);
        expect(state.lastSeq).toBe(carolStore.session(session.id)!.lastSeq);
      });

      it('approving your own request is refused and records nothing', async () => {
        const { carolStore, session } = await world(place);
        const before = carolStore.session(session.id)!.lastSeq;
        expect(refusalOf(() => decideAs(carolStore, session, 'bob@jump', approval))).toBe('self-approval');
        expect(carolStore.session(session.id)!.lastSeq).toBe(before);
      });
    });

    describe('what voids or stops an approval', () => {
      it('a changed parameter needs a new approval', async () => {
        const { carolStore, session, markerDir } = await world(place);
        decideAs(carolStore, session, 'carol@laptop', approval);
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
        expect(pendingApprovals(carolStore, new Date()).filter((entry) => entry.session === session.id).map((entry) => entry.hash)).toEqual([state.steps.write!.previewHash]);
      });

      it('an approval expires', async () => {
        let clock = Date.parse('2026-03-01T03:00:00Z');
        const now = () => new Date(clock);
        const { carolStore, session, markerDir } = await world(place, { now, approvals: { required: 1, expires: '30m' } });
        decideAs(carolStore, session, 'carol@laptop', approval, now);
        clock += 31 * 60_000;
        expect(session.approval('write').kind).toBe('pending');
        session.confirmAction('write', 'prod-db');
        expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-expired');
        expect(existsSync(markerDir)).toBe(false);
        // Approved again: it runs.
        decideAs(carolStore, session, 'carol@laptop', approval, now);
        expect((await session.runAction('write')).steps.write!.status).toBe('passed');
      });

      it('a rejection stops the action', async () => {
        const { carolStore, session, markerDir } = await world(place);
        decideAs(carolStore, session, 'carol@laptop', { kind: 'reject', reason: 'that is the wrong target' });
        const waited = await session.awaitApproval('write', { timeoutMs: 5_000 });
        expect(waited.outcome).toBe('rejected');
        session.confirmAction('write', 'prod-db');
        expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-rejected');
        expect(existsSync(markerDir)).toBe(false);
      });
    });

    describe('waiting for the decision', () => {
      it('the driver reads its store while it waits and resolves when the approval lands', async () => {
        const { carolStore, session } = await world(place);
        const timer = setTimeout(() => decideAs(carolStore, session, 'carol@laptop', approval), 700);
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
        const { session } = await world(place);
        const waited = await session.awaitApproval('write', { timeoutMs: 300, pollMs: 50 });
        expect(waited.outcome).toBe('timeout');
      });
    });

    describe('a headless run', () => {
      const answers = { name: 'answers.yaml', hash: 'sha256:x', values: new Map<string, string | number | boolean>([['announce', 'posted'], ['target', 'v1']]) };

      async function headless(approvalTimeoutMs: number, decide?: (carolStore: EventStore, session: DrivenSession) => void) {
        const { dir, open, session } = await startSession(place);
        const carolStore = track(open('carol'));
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
              if (decide) timer = setTimeout(() => decide(carolStore, session), 600);
            },
          },
        });
        clearTimeout(timer);
        return { dir, result, waiting, session };
      }

      it('waits, printing the command to approve, and then proceeds', async () => {
        const { result, waiting, session } = await headless(20_000, (carolStore, driven) => decideAs(carolStore, driven, 'carol@laptop', approval));
        expect(waiting).toEqual([`write: ${session.approveCommand('write')}`]);
        expect(result.exitCode).toBe(ExitCode.ok);
        expect(result.status).toBe('completed');
        expect(result.state.steps.write!.status).toBe('done');
      });

      it('exits 2 when no decision comes within the bound, resumable', async () => {
        const { result, session } = await headless(400);
        expect(result.exitCode).toBe(ExitCode.usage);
        expect(result.stop).toMatchObject({ stepId: 'write', reason: 'needs-approval' });
        expect(result.stop!.message).toContain('no decision on action "write" within 400 ms');
        expect(result.stop!.message).toContain(`"${session.approveCommand('write')}"`);
        expect(result.state.steps.write!.status).toBe('open');
      });

      it('without a bound it stops at once, saying how to wait', async () => {
        const { result } = await headless(0);
        expect(result.exitCode).toBe(ExitCode.usage);
        expect(result.stop!.message).toContain('wait for it with --approval-timeout DURATION');
      });

      it('a rejection fails the run (exit 1) and nothing runs', async () => {
        const { dir, result } = await headless(20_000, (carolStore, session) => decideAs(carolStore, session, 'carol@laptop', { kind: 'reject', reason: 'not during the freeze' }));
        expect(result.exitCode).toBe(ExitCode.failed);
        expect(result.stop).toMatchObject({ stepId: 'write', reason: 'rejected' });
        expect(result.stop!.message).toBe('carol@laptop rejected action "write": not during the freeze; it did not run (preview it again to ask anew, or skip it)');
        expect(existsSync(join(dir, 'markers-prod'))).toBe(false);
      });
    });
  });
}

describe('on the shared PostgreSQL store, operators are told apart by their database role', () => {
  it('bob approving under another name is recorded but does not count; the action still waits', async () => {
    const place = places.find((candidate) => candidate.kind === 'postgres')!;
    const { open, session, markerDir } = await world(place);
    // Bob sets RUNBOOK_OPERATOR=carol and connects as himself: the server stamps his role.
    const bobAgain = track(open('bob'));
    const recorded = decideAs(bobAgain, session, 'carol@laptop', approval);
    expect(recorded.event.dbRole ?? recorded.state.steps.write!.approval!.decisions[0]!.role).toBe('bob');
    expect(recorded.decision?.void).toBe('written by database role "bob", which also asked for this approval');
    expect(recorded.status.kind).toBe('pending');
    session.confirmAction('write', 'prod-db');
    expect(await refusalOfAsync(() => session.runAction('write'))).toBe('approval-required');
    expect(existsSync(markerDir)).toBe(false);
    // A fresh fold of the log as stored agrees with the driver's.
    const fresh = foldEvents(session.id, bobAgain.read(session.id));
    expect(fresh.steps.write!.approval!.requesterRole).toBe('bob');
    expect(session.state.steps.write!.approval!.decisions).toEqual(fresh.steps.write!.approval!.decisions);
    // Carol, as her own role, approves: now it runs.
    decideAs(track(open('carol')), session, 'carol@laptop', approval);
    expect((await session.runAction('write')).steps.write!.status).toBe('passed');
  });
});
