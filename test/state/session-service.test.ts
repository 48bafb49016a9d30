/** The session service end to end over a real SQLite file and real (local-file) providers. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRefusedError } from '../../src/services/session/driven-session.js';
import { SessionLockedError } from '../../src/state/lock.js';
import { verifyStoredSession } from '../../src/state/verify.js';
import { foldEvents } from '../../src/state/session-state.js';
import { fixture, runbooksFile, type Fixture } from './support.js';

let current: Fixture | undefined;
afterEach(() => current?.store.close());

function setup(): Fixture {
  current = fixture();
  return current;
}

describe('session service', () => {
  it('walks a runbook: manual, check, input, preview → confirm → intent → result, then completes', async () => {
    const f = setup();
    const service = f.service();
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'T-7' } });
    expect(session.id).toMatch(/^\d{8}-\d{6}-[a-z2-7]{6}$/);
    expect(session.state.steps['pgbackrest-only']!.skipReason).toContain('backup.tool is "pg_basebackup"');

    expect(() => session.completeStep('announce')).toThrow(CommandRefusedError);
    session.completeStep('announce', { note: 'posted in #ops' });
    await session.runCheck('probe');
    expect(session.state.steps.probe!.check).toMatchObject({ ok: true, observed: 'present', expected: 'present' });
    session.completeStep('probe');
    session.provideInput('target', '2024-05-01T10:00:00Z');
    session.completeStep('target');

    await expect(session.runAction('write')).rejects.toThrow('must be previewed before it runs');
    const { preview, confirmation } = await session.previewAction('write');
    expect(preview.summary).toBe(`write a marker in ${join(f.dir, 'markers')}`);
    expect(confirmation).toBeNull();
    await expect(session.runAction('write')).rejects.toThrow('must be confirmed before it runs');
    session.confirmAction('write', 'yes');
    const state = await session.runAction('write');
    const key = state.steps.write!.intent!.idempotencyKey;
    expect(key).toMatch(/^rb-[0-9a-f]{16}$/);
    expect(readFileSync(join(f.dir, 'markers', `${key}.marker`), 'utf8')).toBe('target=2024-05-01T10:00:00Z');
    expect(state.steps.write!.outputs).toEqual({ marker: join(f.dir, 'markers', `${key}.marker`), content: 'target=2024-05-01T10:00:00Z' });
    session.completeStep('write');
    const done = session.complete();
    expect(done.status).toBe('completed');

    const types = f.store.read(session.id).map((event) => event.type);
    expect(types).toEqual([
      'SessionStarted', 'StepSkipped', 'StepOpened', 'StepCompleted', 'StepOpened', 'CheckPassed', 'StepCompleted',
      'StepOpened', 'InputProvided', 'StepCompleted', 'StepOpened', 'ActionPreviewed', 'ActionConfirmed', 'ActionIntended',
      'ActionSucceeded', 'StepCompleted', 'SessionCompleted',
    ]);
    expect(verifyStoredSession(f.store, session.id)).toMatchObject({ ok: true, events: 17 });
    expect(f.store.read(session.id).every((event) => event.actor === 'alice@test-host')).toBe(true);
  });

  it('a failing check is recorded with observed and expected, and needs a reason to go on', async () => {
    const f = setup();
    const session = await f.service().start({ runbooks: runbooksFile(join(f.dir, 'elsewhere')), runbookId: 'demo', env: 'staging' });
    await session.runCheck('probe');
    expect(session.state.steps.probe).toMatchObject({ status: 'failed', check: { ok: false, observed: 'missing', expected: 'present' } });
    expect(() => session.completeStep('probe')).toThrow(/its check failed; re-run it, or give the reason/);
    session.completeStep('probe', { overrideReason: 'checked by hand' });
    expect(session.state.steps.probe!.overrideReason).toBe('checked by hand');
    session.interrupt();
  });

  it('refuses production without an incident, a drill there, and a wrong confirmation', async () => {
    const f = setup();
    const service = f.service();
    await expect(service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'production' })).rejects.toThrow('give the incident reference with --incident REF');
    await expect(service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'production', drill: true, incident: 'INC-1' })).rejects.toThrow('drills are refused');
    expect(f.store.sessions()).toEqual([]);
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'production', incident: 'INC-1' });
    session.completeStep('announce', { note: 'n' });
    await session.runCheck('probe');
    session.completeStep('probe');
    session.provideInput('target', 'x');
    session.completeStep('target');
    const { confirmation } = await session.previewAction('write');
    expect(confirmation).toBe('prod-db');
    expect(() => session.confirmAction('write', 'production')).toThrow('type "prod-db" exactly');
    session.confirmAction('write', 'prod-db');
    await session.runAction('write');
    expect(session.state.steps.write!.status).toBe('passed');
    session.interrupt();
  });

  it('resume folds back to exactly where it was, and says what changed in the runbook', async () => {
    const f = setup();
    const service = f.service();
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    session.completeStep('announce', { note: 'n' });
    await session.runCheck('probe');
    session.addNote('looks fine', 'probe');
    const before = session.state;
    session.interrupt('lunch');

    const changed = runbooksFile(f.dir, { extraStep: true });
    const resumed = await service.open(session.id.slice(0, 17), { runbooks: changed });
    expect(resumed.runbookChanges).toEqual(['step "extra" added in section "restore"']);
    const { lastSeq, lastHash, lastEventAt, interrupted, resumes, ...rest } = resumed.state;
    const { lastSeq: _a, lastHash: _b, lastEventAt: _c, interrupted: _d, resumes: _e, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(resumed.state.currentStepId).toBe('probe');
    expect(resumed.state.order).not.toContain('extra');
    const last = f.store.read(session.id).at(-1)!;
    expect(last).toMatchObject({ type: 'SessionResumed', data: { previous: 'interrupted', runbookChanged: true, changes: ['step "extra" added in section "restore"'] } });
    resumed.interrupt();
  });

  it('one process drives a session: a second open is refused naming the holder', async () => {
    const f = setup();
    const service = f.service();
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    const error = await service.open(session.id).catch((caught) => caught);
    expect(error).toBeInstanceOf(SessionLockedError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^session ${session.id} is open in pid ${process.pid} on host .+ since \\d{4}-`));
    session.interrupt();
    const again = await service.open(session.id);
    again.interrupt();
  });

  it('a stale lock (old heartbeat) is taken over and the takeover recorded', async () => {
    const f = setup();
    let now = new Date('2024-05-01T10:00:00Z');
    const service = f.service({ now: () => now });
    const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    // Pretend the holder lives on another host so only the heartbeat bound can free it.
    f.store.db.prepare("UPDATE locks SET host = 'other-host', pid = 4242").run();
    now = new Date('2024-05-01T10:00:30Z');
    await expect(service.open(session.id)).rejects.toThrow(`session ${session.id} is open in pid 4242 on host other-host since 2024-05-01T10:00:00.000Z`);
    now = new Date('2024-05-01T10:05:00Z');
    const taken = await service.open(session.id);
    const events = f.store.read(session.id);
    expect(events.at(-2)).toMatchObject({ type: 'LockTakenOver', data: { pid: 4242, host: 'other-host', since: '2024-05-01T10:00:00.000Z', reason: 'its heartbeat is 300s old (bound 60s)' } });
    expect(events.at(-1)).toMatchObject({ type: 'SessionResumed', data: { previous: 'crashed' } });
    taken.interrupt();
  });

  it('a failed action is re-run as a new attempt with a new idempotency key', async () => {
    const f = setup();
    const base = f.runbooks.file;
    const step = base.runbooks[0]!.sections[1]!.steps[0]!;
    (step.with as Record<string, unknown>).fail = '${{ inputs.ticket }}';
    const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'true' } });
    session.provideInput('target', 'x');
    await session.previewAction('write');
    session.confirmAction('write', 'y');
    await session.runAction('write');
    expect(session.state.steps.write).toMatchObject({ status: 'failed', attempt: 2, error: 'refused to write (fail: true)' });
    const firstKey = session.state.steps.write!.intent!.idempotencyKey;
    session.provideInput(null, 'false', { name: 'ticket' });
    await session.previewAction('write');
    session.confirmAction('write', 'y');
    await session.runAction('write');
    expect(session.state.steps.write!.status).toBe('passed');
    expect(session.state.steps.write!.intent!.idempotencyKey).not.toBe(firstKey);
    expect(readdirSync(join(f.dir, 'markers'))).toEqual([`${session.state.steps.write!.intent!.idempotencyKey}.marker`]);
    session.interrupt();
  });

  it('the database file is 0600 in a 0700 directory, and reads back the same fold', async () => {
    const f = setup();
    expect(existsSync(f.dbPath)).toBe(true);
    const { statSync } = await import('node:fs');
    expect(statSync(f.dbPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(f.dir, 'state')).mode & 0o777).toBe(0o700);
    const session = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    expect(statSync(`${f.dbPath}-wal`).mode & 0o777).toBe(0o600);
    expect(foldEvents(session.id, f.store.read(session.id))).toEqual(session.state);
    session.interrupt();
  });
});
