/**
 * Crash safety with real processes: a writer SIGKILLed at 50 random moments loses nothing it
 * acknowledged; two processes racing to drive a session: exactly one wins; an action in flight
 * when its process died is reconciled by its idempotency key on resume.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../../src/state/event-store.js';
import { newEvent } from '../../src/state/events.js';
import { foldEvents } from '../../src/state/session-state.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { buildChild, exited, spawnChild, waitForLine } from './child-process.js';
import { fixture, runbooksFile, tempDir } from './support.js';

let bundle: string;
let appender: string;
beforeAll(async () => {
  [bundle, appender] = await Promise.all([buildChild('child'), buildChild('append-child')]);
});

describe('crash safety', () => {
  it('a writer SIGKILLed at 50 random moments keeps every acknowledged event; integrity, fold and verify hold', async () => {
    const f = fixture();
    const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    const id = session.id;
    session.release();
    f.store.close();

    let maxAcknowledged = 0;
    for (let round = 0; round < 50; round++) {
      const child = spawnChild(appender, [f.dbPath, id]);
      const acknowledged: number[] = [];
      let partial = '';
      child.stdout!.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (line) acknowledged.push(Number(line));
      });
      await waitForLine(child, /^\d+$/);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
      child.kill('SIGKILL');
      await exited(child);
      if (acknowledged.length > 0) maxAcknowledged = Math.max(maxAcknowledged, ...acknowledged);

      const store = openEventStore(f.dbPath);
      try {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const events = store.read(id);
        expect(events.length).toBeGreaterThanOrEqual(maxAcknowledged);
        expect(events.map((event) => event.seq)).toEqual(events.map((_event, index) => index + 1));
        expect(foldEvents(id, events).lastSeq).toBe(events.length);
        expect(verifyStoredSession(store, id)).toMatchObject({ ok: true });
      } finally {
        store.close();
      }
    }
    expect(maxAcknowledged).toBeGreaterThan(50);
  });

  it('two processes racing to drive one session: exactly one wins, the other names the holder', async () => {
    const f = fixture();
    const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    session.interrupt('set up for the race');
    const a = spawnChild(bundle, ['race', f.dbPath, session.id, f.dir]);
    const b = spawnChild(bundle, ['race', f.dbPath, session.id, f.dir]);
    const lines = await Promise.all([waitForLine(a, /^(won|lost)/), waitForLine(b, /^(won|lost)/)]);
    await Promise.all([exited(a), exited(b)]);
    expect(lines.filter((line) => line === 'won')).toHaveLength(1);
    const lost = lines.find((line) => line.startsWith('lost'))!;
    expect(lost).toMatch(new RegExp(`lost: session ${session.id} is open in pid \\d+ on host .+ since `));
    const resumes = f.store.read(session.id).filter((event) => event.type === 'SessionResumed');
    expect(resumes).toHaveLength(1);
    f.store.close();
  });

  it('an action in flight when its process was killed is reconciled by its key, never re-run blindly', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'sessions.db');
    writeFileSync(join(dir, 'probe.txt'), 'x');
    const child = spawnChild(bundle, ['inflight', dbPath, dir]);
    const sessionLine = await waitForLine(child, /^session /);
    await waitForLine(child, /^in-flight$/);
    child.kill('SIGKILL');
    await exited(child);
    const sessionId = sessionLine.slice('session '.length);

    const store = openEventStore(dbPath);
    const { SessionService } = await import('../../src/services/session/session-service.js');
    const { definitions, providers } = await import('./support.js');
    const service = new SessionService({ store, definitions, providers: async (name) => providers[name]!, operator: 'bob@test-host', processEnv: { PGPASS: 'p' }, productVersion: 't' });

    // Dead holder on this host: the lock is taken over and the takeover recorded.
    const resumed = await service.open(sessionId, { runbooks: runbooksFile(dir) });
    expect(resumed.runbookChanges).toEqual(['step "write" changed (with)']);
    expect(resumed.inFlight.map((step) => step.id)).toEqual(['write']);
    const key = resumed.inFlight[0]!.intent!.idempotencyKey;
    const markers = readdirSync(join(dir, 'markers'));
    expect(markers).toEqual([`${key}.marker`]);

    const outcomes = await resumed.reconcileInFlight();
    expect(outcomes).toEqual([{ stepId: 'write', outcome: 'found', detail: `found ${join(dir, 'markers', `${key}.marker`)}` }]);
    expect(resumed.state.steps.write).toMatchObject({ status: 'passed', outputs: { content: 'target=2024-05-01T10:00:00Z' } });
    expect(readdirSync(join(dir, 'markers'))).toHaveLength(1);
    const types = store.read(sessionId).map((event) => event.type);
    // Bob resumes what the killed process drove: a takeover, and a hand-off to him.
    expect(types.slice(-5)).toEqual(['ActionIntended', 'LockTakenOver', 'SessionResumed', 'SessionHandedOff', 'ActionReconciled']);
    resumed.completeStep('write');
    resumed.complete();
    expect(verifyStoredSession(store, sessionId).ok).toBe(true);
    expect(existsSync(dbPath)).toBe(true);
    store.close();
  });

  it('an in-flight action whose effect is missing is reconciled as not-found and may be re-run after confirming', async () => {
    const f = fixture();
    const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    session.provideInput('target', 'x');
    await session.previewAction('write');
    session.confirmAction('write', 'y');
    // The intent is durable but the process "dies" before the provider ran: append it as the service would.
    const step = session.state.steps.write!;
    session.appendEvents([newEvent('ActionIntended', 'write', { attempt: 1, provider: 'local.writeMarker', params: step.preview!.params, idempotencyKey: 'rb-0123456789abcdef' })]);
    session.release();
    f.store.db.prepare('UPDATE locks SET pid = 999999999').run();
    const resumed = await f.service().open(session.id);
    const outcomes = await resumed.reconcileInFlight();
    expect(outcomes[0]).toMatchObject({ stepId: 'write', outcome: 'not-found' });
    expect(resumed.state.steps.write!.status).toBe('open');
    await expect(resumed.runAction('write')).rejects.toThrow('must be confirmed');
    resumed.confirmAction('write', 'y');
    await resumed.runAction('write');
    expect(resumed.state.steps.write!.status).toBe('passed');
    resumed.interrupt();
    f.store.close();
  });
});
