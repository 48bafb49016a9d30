/**
 * One step runner serves the guided session and `runbook check`. A provider that never settles
 * and never looks at its abort signal must still end at the step's timeout on every path, and
 * bad parameters must list every issue on every path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunbooksFile } from '../../src/runbooks/schema.js';
import { runChecks } from '../../src/services/run-checks.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { openEventStore, type EventStore } from '../../src/state/event-store.js';
import type { ProviderDefinition } from '../../src/steps/definition.js';
import type { Provider } from '../../src/steps/provider.js';
import { tempDir } from '../state/support.js';

/** Never settles, never reads its signal. */
const deaf: Provider<unknown> = {
  run: () => new Promise(() => {}),
  preview: () => new Promise(() => {}),
  choices: () => new Promise(() => {}),
  reconcile: () => new Promise(() => {}),
};

const definitions = new Map<string, ProviderDefinition>([
  ['test.deaf', { name: 'test.deaf', summary: 'ignores its signal', kinds: ['check', 'wait', 'action', 'input'], mutates: false, params: z.strictObject({ n: z.number().optional() }), outputs: [] }],
  ['test.strict', { name: 'test.strict', summary: 'two required fields', kinds: ['check'], mutates: false, params: z.strictObject({ a: z.number(), b: z.string() }), outputs: [] }],
]);

const step = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({ id, kind, title: id, do: id, uses: 'test.deaf', with: {}, timeout: '1s', ...extra });

function runbooks(dir: string) {
  const file = RunbooksFile.parse({
    version: 1,
    environments: { local: {} },
    runbooks: [
      {
        id: 'deaf',
        title: 'Deaf providers',
        summary: 'every kind of call',
        sections: [
          {
            id: 'main',
            title: 'Main',
            steps: [
              step('check', 'check'),
              step('wait', 'wait', { interval: '1s' }),
              { id: 'pick', kind: 'input', title: 'pick', do: 'pick', timeout: '1s', input: { type: 'choice', from: { uses: 'test.deaf', with: {} } } },
              step('act', 'action'),
              { id: 'bad', kind: 'check', title: 'bad', do: 'bad', uses: 'test.strict', with: { a: 'not a number' } },
            ],
          },
        ],
      },
    ],
  });
  return { file, path: join(dir, 'runbooks.yaml') };
}

let store: EventStore | undefined;
afterEach(() => store?.close());

function service(dir: string) {
  store = openEventStore(join(dir, 'sessions.db'));
  return new SessionService({ store, definitions, providers: async () => deaf, operator: 'test@host', processEnv: {} });
}

/** Resolves to the elapsed milliseconds, failing the test if `work` takes longer than `limitMs`. */
async function elapsed(work: () => Promise<unknown>, limitMs = 5_000): Promise<number> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work().catch(() => undefined),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${limitMs} ms`)), limitMs))),
  ]).finally(() => clearTimeout(timer));
  return Date.now() - started;
}

describe('a provider that ignores its abort signal ends at its timeout', () => {
  it('in a session: a check, a wait, a choice list and a preview', async () => {
    const dir = tempDir();
    const session = await service(dir).start({ runbooks: runbooks(dir), runbookId: 'deaf', env: 'local' });

    expect(await elapsed(() => session.runCheck('check'))).toBeLessThan(3_000);
    expect(session.state.steps.check!.check).toMatchObject({ ok: false });
    expect(session.state.steps.check!.failure?.class).toBe('timeout');

    expect(await elapsed(() => session.runCheck('wait'))).toBeLessThan(3_000);
    expect(session.state.steps.wait!.status).toBe('failed');

    let listed: unknown;
    expect(await elapsed(() => session.choices('pick').catch((error: Error) => (listed = error)))).toBeLessThan(3_000);
    expect(String(listed)).toContain('timed out');

    let previewed: unknown;
    expect(await elapsed(() => session.previewAction('act').catch((error: Error) => (previewed = error)))).toBeLessThan(3_000);
    expect(String(previewed)).toContain('preview of step "act" timed out');
  });

  it('in a session: an action whose provider never answers is recorded as failed at its bound, and a reconciliation too', async () => {
    const dir = tempDir();
    const withPreview: Provider<unknown> = { ...deaf, preview: async () => ({ summary: 'do it', details: [] }) };
    store = openEventStore(join(dir, 'sessions.db'));
    const sessions = new SessionService({ store, definitions, providers: async () => withPreview, operator: 'test@host', processEnv: {} });
    const session = await sessions.start({ runbooks: runbooks(dir), runbookId: 'deaf', env: 'local' });
    await session.previewAction('act');
    session.confirmAction('act', 'yes');
    expect(await elapsed(() => session.runAction('act'))).toBeLessThan(3_000);
    expect(session.state.steps.act!.status).toBe('failed');
    expect(session.state.steps.act!.failure?.class).toBe('timeout');

    // An intent left without a result (the process died mid-action) is looked up on resume: bounded too.
    await session.previewAction('act');
    session.confirmAction('act', 'yes');
    session.appendEvents(session.decideOrThrow({ type: 'RecordIntent', stepId: 'act', provider: 'test.deaf', params: {}, idempotencyKey: 'k' }));
    session.release();
    const reopened = await sessions.open(session.id);
    let outcomes: Awaited<ReturnType<typeof reopened.reconcileInFlight>> = [];
    expect(await elapsed(async () => (outcomes = await reopened.reconcileInFlight()))).toBeLessThan(3_000);
    expect(outcomes).toEqual([{ stepId: 'act', outcome: 'error', detail: expect.stringContaining('reconcile of step "act" timed out') }]);
    reopened.release();
  });

  it('in runbook check: the check path has the same hard bound', async () => {
    const dir = tempDir();
    const file = RunbooksFile.parse({
      version: 1,
      environments: { local: {} },
      runbooks: [{ id: 'daily', title: 'Daily', summary: 'checks', sections: [{ id: 'main', title: 'Main', steps: [{ id: 'hangs', kind: 'check', title: 'hangs', do: 'x', uses: 'shell.run', with: { argv: ['true'] }, timeout: '1s' }] }] }],
    });
    let run: Awaited<ReturnType<typeof runChecks>> | undefined;
    const took = await elapsed(async () => {
      run = await runChecks({ file, runbookId: 'daily', envName: 'local', processEnv: {}, load: async () => deaf, artifactsDir: dir });
    });
    expect(took).toBeLessThan(3_000);
    expect(run!.outcomes[0]).toMatchObject({ status: 'failed', failure: { class: 'timeout' } });
  });
});

describe('bad parameters list every issue', () => {
  it('in a session and in runbook check alike', async () => {
    const dir = tempDir();
    const session = await service(dir).start({ runbooks: runbooks(dir), runbookId: 'deaf', env: 'local' });
    let refused: { message: string; details: readonly string[] } | undefined;
    await session.runCheck('bad').catch((error) => (refused = error));
    expect(refused!.details).toEqual([
      'steps.bad.with.a: Invalid input: expected number, received string',
      'steps.bad.with.b: Invalid input: expected string, received undefined',
    ]);

    writeFileSync(join(dir, 'x'), '');
    const file = RunbooksFile.parse({
      version: 1,
      environments: { local: {} },
      runbooks: [{ id: 'daily', title: 'Daily', summary: 'checks', sections: [{ id: 'main', title: 'Main', steps: [{ id: 'bad', kind: 'check', title: 'bad', do: 'x', uses: 'shell.run', with: { argv: [], expect: { stdoutMatches: '(' } } }] }] }],
    });
    const run = await runChecks({ file, runbookId: 'daily', envName: 'local', processEnv: {}, artifactsDir: dir });
    expect(run.outcomes[0]!.status).toBe('failed');
    expect(run.outcomes[0]!.detail).toContain('steps.bad.with.argv:');
    expect(run.outcomes[0]!.detail).toContain('steps.bad.with.expect.stdoutMatches: invalid regular expression');
  });
});
