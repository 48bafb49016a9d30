/**
 * Deterministic generated event streams for the fold and snapshot tests: every event type, on
 * real, unknown and null steps, from a seeded generator so a failure is reproducible. Data is
 * plain JSON (what the store reads back), so a fold of these equals a fold of the stored log.
 */
import { Runbook } from '../../src/runbooks/schema.js';
import { newEvent, type EventData, type NewEvent, type SessionEvent } from '../../src/state/events.js';

export const generatedRunbook = Runbook.parse({
  id: 'gen',
  title: 'Generated',
  summary: 'steps of every kind for generated logs',
  inputs: { ticket: { type: 'text' }, token: { type: 'text', secret: true, required: false } },
  sections: [
    {
      id: 'first',
      title: 'First',
      steps: [
        { id: 'manual', kind: 'manual', title: 'Manual', do: 'x' },
        { id: 'check', kind: 'check', title: 'Check', do: 'x', uses: 'local.echo' },
        { id: 'input', kind: 'input', title: 'Input', do: 'x', input: { type: 'text' } },
      ],
    },
    {
      id: 'second',
      title: 'Second',
      steps: [
        { id: 'act', kind: 'action', title: 'Act', do: 'x', uses: 'local.writeMarker', drill: { restoreEnds: true } },
        { id: 'wait', kind: 'wait', title: 'Wait', do: 'x', uses: 'local.echo' },
        { id: 'last', kind: 'manual', title: 'Last', do: 'x' },
      ],
    },
  ],
});

/** Mulberry32: a small seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sessionStarted(options: { startSection?: string | null; drill?: boolean } = {}): NewEvent {
  const data: EventData<'SessionStarted'> = {
    runbookId: 'gen',
    runbookTitle: 'Generated',
    runbookHash: 'sha256:gen',
    runbook: JSON.parse(JSON.stringify(generatedRunbook)),
    runbooksFile: null,
    env: 'staging',
    environment: { vars: { markerDir: '/tmp/markers' } },
    protected: false,
    drill: options.drill ?? true,
    incident: 'INC-1',
    operator: 'gen@host',
    productVersion: 'test',
    startSection: options.startSection ?? null,
    inputs: { ticket: 'T-1', token: '[redacted]' },
  };
  return newEvent('SessionStarted', null, data);
}

const stepIds = ['manual', 'check', 'input', 'act', 'wait', 'last'];

/** `count` events after SessionStarted, drawn by `seed` from every event type. */
export function generatedEvents(seed: number, count: number): NewEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const anyStep = (): string | null => (next() < 0.05 ? pick([null, 'ghost']) : pick(stepIds));
  const events: NewEvent[] = [];
  for (let index = 0; index < count; index++) {
    const stepId = anyStep();
    const n = Math.floor(next() * 1000);
    const failure = next() < 0.5 ? null : { class: 'timeout', advice: 'retry later' };
    const kind = Math.floor(next() * 20);
    switch (kind) {
      case 0:
      case 1:
        events.push(newEvent('StepOpened', stepId, { attempt: 1 + (n % 3) }));
        break;
      case 2:
        events.push(newEvent('CheckPassed', stepId, { observed: { rows: n }, expected: '>= 1', detail: `rows ${n}`, durationMs: n, outputs: { rows: n }, params: { sql: 'select 1' } }));
        break;
      case 3:
        events.push(newEvent('CheckFailed', stepId, { observed: n, expected: null, detail: `failed ${n}`, durationMs: n, outputs: {}, params: null, failure }));
        break;
      case 4:
        events.push(newEvent('InputProvided', stepId, { name: null, value: `value-${n}`, label: next() < 0.5 ? null : `label ${n}`, secret: false }));
        break;
      case 5:
        events.push(newEvent('InputProvided', null, { name: pick(['ticket', 'token', 'other']), value: n % 2 ? `T-${n}` : '[redacted]', label: null, secret: n % 2 === 0 }));
        break;
      case 6:
        events.push(
          newEvent('ActionPreviewed', stepId, {
            attempt: 1,
            params: { dir: '/tmp', n },
            summary: `write marker ${n}`,
            details: [{ label: 'key', value: `k-${n}` }],
            dryRun: next() < 0.5 ? null : { ok: true, detail: 'dry run ok' },
            confirmValue: next() < 0.5 ? null : 'prod',
            durationMs: 3,
          }),
        );
        break;
      case 7:
        events.push(newEvent('ActionConfirmed', stepId, { attempt: 1, typed: 'prod' }));
        break;
      case 8:
        events.push(newEvent('ActionIntended', stepId, { attempt: 1, provider: 'local.writeMarker', params: { n }, idempotencyKey: `key-${n}` }));
        break;
      case 9:
        events.push(newEvent('ActionSucceeded', stepId, { attempt: 1, outputs: { marker: `/tmp/${n}` }, observed: null, detail: 'wrote', durationMs: n, artifacts: [] }));
        break;
      case 10:
        events.push(newEvent('ActionFailed', stepId, { attempt: 1, error: `boom ${n}`, failure, outputs: {}, durationMs: n }));
        break;
      case 11:
        events.push(
          newEvent('ActionReconciled', stepId, {
            attempt: 1,
            idempotencyKey: `key-${n}`,
            outcome: pick(['found', 'not-found', 'unsupported', 'error'] as const),
            outputs: { marker: `/tmp/${n}` },
            detail: 'looked up',
          }),
        );
        break;
      case 12:
      case 13:
        events.push(
          newEvent('StepCompleted', stepId, {
            note: next() < 0.5 ? null : `note ${n}`,
            overrideReason: next() < 0.8 ? null : 'went on anyway',
            drill: next() < 0.7 ? null : { restoreEnds: true, recoveryPoint: `2024-05-01T10:${String(n % 60).padStart(2, '0')}:00Z`, recoveryTarget: null },
          }),
        );
        break;
      case 14:
        events.push(newEvent('StepSkipped', stepId, { reason: `not needed ${n}`, automatic: next() < 0.3 }));
        break;
      case 15:
      case 16:
        events.push(newEvent('NoteAdded', stepId, { text: `note number ${n}` }));
        break;
      case 17:
        events.push(newEvent('SessionInterrupted', null, { reason: 'lunch' }));
        break;
      case 18:
        events.push(newEvent('SessionResumed', null, { previous: pick(['interrupted', 'crashed'] as const), runbookChanged: false, changes: [], pid: 100 + n }));
        break;
      default:
        events.push(newEvent('LockTakenOver', null, { pid: n, host: 'other', since: '2024-05-01T10:00:00.000Z', heartbeatAt: '2024-05-01T10:00:10.000Z', reason: 'stale' }));
    }
  }
  return events;
}

/** New events as stored: seq from 1, a second apart, placeholder hashes (the fold only keeps the last). */
export function asStored(events: readonly NewEvent[], start = Date.parse('2024-05-01T10:00:00Z')): SessionEvent[] {
  return events.map(
    (event, index) =>
      ({
        ...event,
        seq: index + 1,
        at: new Date(start + index * 1000).toISOString(),
        actor: 'gen@host',
        prevHash: index === 0 ? 'genesis' : `hash-${index}`,
        hash: `hash-${index + 1}`,
      }) as SessionEvent,
  );
}

/** A whole generated log as stored: SessionStarted, then `count` events; a terminal event may end it. */
export function generatedLog(seed: number, count: number, options: { startSection?: string | null; end?: 'completed' | 'aborted' } = {}): SessionEvent[] {
  const events = [sessionStarted({ startSection: options.startSection ?? null }), ...generatedEvents(seed, count)];
  if (options.end === 'completed') {
    events.push(newEvent('SessionCompleted', null, { drill: { rtoMs: 1000, recoveryPoint: null, recoveryTarget: null, failedSteps: [], passed: true } }));
  }
  if (options.end === 'aborted') events.push(newEvent('SessionAborted', null, { reason: 'wrong target' }));
  return asStored(events);
}
