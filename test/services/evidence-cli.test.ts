/**
 * `runbook check` storing evidence and `runbook evidence` exit codes, in-process through `main`,
 * over a real runbooks file, a real SQLite file and real shell checks (the built-in catalog).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { readCheckResults } from '../../src/state/check-results.js';
import { openEventStore } from '../../src/state/event-store.js';
import { SessionService } from '../../src/services/session/session-service.js';
import { fakeIO } from '../cli/support/fake-io.js';

const node = JSON.stringify(process.execPath);
// The backup time is "now" when the check runs, so the asset is fresh; the archive's is old.
const yaml = `
version: 1
environments:
  local:
    vars: { archiveAt: "2020-01-01T00:00:00Z" }
alerts:
  - id: archive-stale
    name: Archive stale
    link: restore-test#restore
assets:
  - id: backups
    name: Backups
    frequency: 1d
    restoreTest: restore-test
  - id: archive
    name: Archive
    frequency: 1h
runbooks:
  - id: restore-test
    title: Restore test
    summary: The weekly restore test.
    cadence: weekly
    sections:
      - id: restore
        title: Restore
        steps:
          - id: restore
            kind: manual
            title: Restore it
            do: Restore.
            drill: { restoreEnds: true }
  - id: daily
    title: Daily
    summary: Daily checks.
    sections:
      - id: checks
        title: Checks
        steps:
          - id: backup-fresh
            kind: check
            title: Backup is fresh
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "console.log(JSON.stringify({lastBackupAt: new Date().toISOString()}))"] }
            signal: { asset: backups, kind: freshness }
  - id: archive
    title: Archive
    summary: Archive checks.
    sections:
      - id: checks
        title: Checks
        steps:
          - id: archive-fresh
            kind: check
            title: Archive is fresh
            do: Nothing.
            uses: shell.run
            with: { argv: [${node}, -e, "console.log(JSON.stringify({lastArchivedAt: process.argv[1]})); process.exit(2)", "\${{ env.vars.archiveAt }}"] }
            signal: { asset: archive, kind: freshness }
            alert: archive-stale
`;

let directory: string;
let file: string;
let db: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-evidence-cli-'));
  file = join(directory, 'runbooks.yaml');
  db = join(directory, 'state', 'sessions.db');
  writeFileSync(file, yaml);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function evidence(): Promise<{ code: number; report: any }> {
  const io = fakeIO({ cwd: directory });
  const code = await main(['evidence', '--json', '--file', file, '--db', db], io);
  return { code, report: JSON.parse(io.out()) };
}

describe('runbook check and runbook evidence', () => {
  it('evidence exits 1 before anything was recorded (no database yet)', async () => {
    const { code, report } = await evidence();
    expect(code).toBe(1);
    expect(report.runbooks).toEqual([
      { runbook: 'restore-test', title: 'Restore test', cadence: 'weekly', lastPassed: null, lastDrill: null, nextDueAt: null, overdue: true },
    ]);
  });

  it('check stores its results in the session database and keeps its own exit code', async () => {
    const io = fakeIO({ cwd: directory });
    expect(await main(['check', 'daily', '--env', 'local', '--file', file, '--db', db], io)).toBe(0);
    expect(io.out()).toContain('PASS  backup-fresh');
    expect(io.err()).toBe('');
    const store = openEventStore(db);
    try {
      const rows = readCheckResults(store.db, { asset: 'backups' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ runbook: 'daily', env: 'local', step: 'backup-fresh', status: 'passed', signalKind: 'freshness', reportedFrom: 'json.lastBackupAt' });
    } finally {
      store.close();
    }
  });

  it('a passing drill and fresh backups: evidence exits 0; a stale asset makes it exit 1', async () => {
    const store = openEventStore(db);
    try {
      const service = new SessionService({ store, operator: 'fay@test-host', processEnv: {} });
      const session = await service.start({ runbooks: loadRunbooksFile(file), runbookId: 'restore-test', env: 'local', drill: true });
      session.completeStep('restore');
      session.complete();
    } finally {
      store.close();
    }
    const ok = await evidence();
    expect(ok.report.runbooks[0]).toMatchObject({ overdue: false, lastPassed: { outcome: 'passed', operator: 'fay@test-host', env: 'local' } });
    expect(ok.report.assets[0]).toMatchObject({ asset: 'backups', freshness: { stale: false, maxAgeMs: 86_400_000 }, restoreTest: { overdue: false } });
    expect(ok.code).toBe(0);

    const io = fakeIO({ cwd: directory });
    expect(await main(['check', 'archive', '--env', 'local', '--file', file, '--db', db], io)).toBe(1);
    expect(io.out()).toContain('alert: Archive stale (archive-stale)');
    expect(io.out()).toContain('open: runbook start restore-test --env local --at restore');
    const stale = await evidence();
    expect(stale.report.assets[1]).toMatchObject({ asset: 'archive', freshness: { at: '2020-01-01T00:00:00.000Z', status: 'failed', stale: true } });
    expect(stale.code).toBe(1);
    const table = fakeIO({ cwd: directory });
    expect(await main(['evidence', '--file', file, '--db', db], table)).toBe(1);
    expect(table.out()).toMatch(/archive\s+never checked\s+STALE \d+ h \d\d min old \(max 1h\)/);
  });

  it('a database that cannot be written: one warning line, the results still shown, the exit code unchanged', async () => {
    const blocker = join(directory, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const io = fakeIO({ cwd: directory });
    expect(await main(['check', 'archive', '--env', 'local', '--file', file, '--db', join(blocker, 'sessions.db')], io)).toBe(1);
    expect(io.out()).toContain('FAIL  archive-fresh');
    const lines = io.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: the check results were not stored as evidence in .*not-a-directory\/sessions\.db: cannot create the session database/);
    const okIO = fakeIO({ cwd: directory });
    expect(await main(['check', 'daily', '--env', 'local', '--file', file, '--db', join(blocker, 'sessions.db')], okIO)).toBe(0);
    expect(okIO.err()).toContain('warning: the check results were not stored');
    expect(readFileSync(blocker, 'utf8')).toBe('x');
  });
});
