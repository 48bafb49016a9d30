/**
 * What the home screen reads from the session database: interrupted sessions first, and for
 * restore tests when the last drill passed and whether one is overdue. Real SQLite, drills run
 * through the real session service with the local-file providers of test/state/support.ts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeSessionData } from '../../src/cli/home-sessions.js';
import { fakeIO } from './support/fake-io.js';
import type { ParsedCommand } from '../../src/cli/spec.js';
import { openEventStore } from '../../src/state/event-store.js';
import { tempDir } from '../state/support.js';
import { drillRunbooks, drillService, manualClock, runToRestore } from '../services/evidence-support.js';

let dir: string;
let command: ParsedCommand;
let interruptedId: string;

const listing = [
  { id: 'verify-db', title: 'Verify the database restore', summary: '', cadence: 'weekly', sectionCount: 2, stepCount: 4 },
  { id: 'daily', title: 'Daily checks', summary: '', cadence: null, sectionCount: 1, stepCount: 5 },
];

beforeAll(async () => {
  dir = tempDir('runbook-home-data-');
  writeFileSync(join(dir, 'probe.txt'), 'backup');
  const db = join(dir, 'sessions.db');
  command = { positionals: [], options: {}, file: join(dir, 'runbooks.yaml'), db };
  const store = openEventStore(db);
  const runbooks = drillRunbooks(dir);
  const clock = manualClock('2026-03-01T12:00:00.000Z');
  const passed = await drillService(store, clock.now).start({ runbooks, runbookId: 'verify-db', env: 'staging', drill: true });
  await runToRestore(passed, clock, '2026-03-01T09:59:30.000Z');
  await passed.runCheck('smoke');
  passed.completeStep('smoke');
  passed.complete();
  passed.release();
  const left = await drillService(store, clock.now).start({ runbooks, runbookId: 'daily', env: 'staging' });
  left.interrupt();
  left.release();
  interruptedId = left.id;
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = fakeIO({ cwd: '/' });

describe('home data from the session database', () => {
  it('lists interrupted sessions, and when each restore test last passed and whether it is overdue', async () => {
    const within = await homeSessionData(command, io, listing, new Date('2026-03-05T00:00:00.000Z'));
    expect(within.sessions.map((session) => [session.id, session.runbook, session.env])).toEqual([[interruptedId, 'daily', 'staging']]);
    expect(within.evidence.get('verify-db')).toEqual({ lastPassedAt: expect.stringMatching(/^2026-03-01T12:/), overdue: false });
    // Checklists without a cadence carry no restore-test evidence.
    expect(within.evidence.has('daily')).toBe(false);

    const weekLater = await homeSessionData(command, io, listing, new Date('2026-03-09T00:00:00.000Z'));
    expect(weekLater.evidence.get('verify-db')?.overdue).toBe(true);
  });

  it('reads nothing when there is no database yet', async () => {
    const fresh = await homeSessionData({ ...command, db: join(dir, 'none.db') }, io, listing, new Date());
    expect(fresh.sessions).toEqual([]);
    expect(fresh.evidence.size).toBe(0);
  });
});
