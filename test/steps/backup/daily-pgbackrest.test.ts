/**
 * The bundled daily checklist's pgBackRest checks (and the archiver check beside them), run by `runChecks` (the service behind
 * `runbook check daily`) against real pgBackRest 2.45: the steps as runbooks.yaml writes them,
 * in an environment shaped like staging (pgBackRest, two repos) but pointing at a test stanza.
 * A corrupted page must fail under "Postgres backup failed", not "backup stale"; stopped
 * archiving must fail under "WAL archive stale".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbooksFile } from '../../../src/runbooks/load.js';
import { Environment, type RunbooksFile } from '../../../src/runbooks/schema.js';
import { runChecks, type CheckOutcome } from '../../../src/services/run-checks.js';
import { createStanza, type TestStanza } from '../../support/pgbackrest.js';

const PGBACKREST_STEPS = ['last-backup-age', 'backup-sets-sound', 'wal-archiving', 'wal-archive-reaches-live', 'archive-round-trip'];

let stanza: TestStanza;
let file: RunbooksFile;
let path: string | undefined;

beforeAll(async () => {
  stanza = await createStanza({ repos: 2, backups: ['full', 'incr', { type: 'full', repo: 2 }] });
  const bundled = loadRunbooksFile(join(import.meta.dirname, '../../../runbooks.yaml')).file;
  // The bundled daily runbook, keeping the steps that read pgBackRest (the rest need Kubernetes, S3 and EC2).
  const daily = bundled.runbooks.find((runbook) => runbook.id === 'daily')!;
  const sections = daily.sections
    .map((section) => ({ ...section, steps: section.steps.filter((step) => PGBACKREST_STEPS.includes(step.id)) }))
    .filter((section) => section.steps.length > 0);
  const environment = Environment.parse({
    postgres: { live: { url: stanza.cluster.url } },
    backup: { tool: 'pgbackrest', stanza: 'main', args: [...stanza.args] },
    vars: bundled.environments.staging!.vars,
  });
  file = { ...bundled, environments: { 'staging-like': environment }, runbooks: [{ ...daily, sections }] };
  // The checks run pgbackrest from PATH: the shim runs the real binary as the repos' owner.
  path = process.env.PATH;
  process.env.PATH = stanza.env.PATH;
});
afterAll(async () => {
  process.env.PATH = path;
  await stanza?.cleanup();
});

const daily = async () => {
  const run = await runChecks({ file, runbookId: 'daily', envName: 'staging-like', processEnv: {} });
  return Object.fromEntries(run.outcomes.map((outcome) => [outcome.step, outcome])) as Record<string, CheckOutcome>;
};

describe('runbook check daily on a pgBackRest environment', () => {
  it('passes every pgBackRest check of a healthy stanza, each saying what pgBackRest reported', async () => {
    const outcomes = await daily();
    expect(Object.keys(outcomes).sort()).toEqual([...PGBACKREST_STEPS].sort());
    for (const step of PGBACKREST_STEPS) expect({ step, status: outcomes[step]!.status, detail: outcomes[step]!.detail }).toMatchObject({ step, status: 'passed' });
    expect(outcomes['backup-sets-sound']!.detail).toMatch(/^pgBackRest: repo1: last backup \S+I \(incr\) .*; 1 full of 2; repo2: last backup \S+F \(full\) .*; 1 full of 1\.$/);
    expect(outcomes['archive-round-trip']!.detail).toMatch(/WAL segment [0-9A-F]{24} archived to repo1 and repo2/);
  });

  it('an unreadable repo fails "Postgres backup failed", naming repo2 and pgBackRest\'s reason', async () => {
    const undo = await stanza.makeRepoUnreadable(2);
    try {
      const outcomes = await daily();
      const sound = outcomes['backup-sets-sound']!;
      expect(sound.status).toBe('failed');
      expect(sound.alert).toEqual({ id: 'postgres-backup-failed', name: 'Postgres backup failed' });
      expect(sound.detail).toContain("repo2: permission denied: [PathOpenError] unable to list file info for path");
      expect(sound.failure?.class).toBe('permission');
      expect(outcomes['last-backup-age']!.detail).toContain('repo2: permission denied');
    } finally {
      await undo();
    }
  });

  it('stopped archiving fails "WAL archive stale" while pg_stat_archiver still looks healthy', async () => {
    const undo = await stanza.breakArchiving('drop');
    try {
      for (let switches = 0; switches < 2; switches++) {
        const segment = await stanza.switchWal();
        const deadline = Date.now() + 20_000;
        while ((await stanza.cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal !== segment) {
          if (Date.now() > deadline) throw new Error('not archived in time');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      const outcomes = await daily();
      expect(outcomes['wal-archiving']!.status).toBe('passed');
      expect(outcomes['wal-archive-reaches-live']).toMatchObject({ status: 'failed', alert: { id: 'wal-archive-stale' } });
      expect(outcomes['wal-archive-reaches-live']!.detail).toMatch(/^repo1: the archive ends at [0-9A-F]{24}, 2 finished segments behind/);
      expect(outcomes['archive-round-trip']).toMatchObject({ status: 'failed', alert: { id: 'wal-archive-stale' } });
      expect(outcomes['archive-round-trip']!.detail).toContain("ERROR: [068]: archive_command '/bin/true' must contain pgbackrest");
    } finally {
      await undo();
    }
  });

  // Last: the corrupted table stays in the cluster.
  it('a backup of a corrupted page fails "Postgres backup failed"; the freshness check still passes', async () => {
    const file = await stanza.corruptTablePage();
    await stanza.backup('incr');
    const outcomes = await daily();
    const sound = outcomes['backup-sets-sound']!;
    expect(sound.status).toBe('failed');
    expect(sound.alert).toEqual({ id: 'postgres-backup-failed', name: 'Postgres backup failed' });
    expect(sound.open).toBe('runbook start daily --env staging-like --at postgres-backups');
    expect(sound.detail).toContain(`error list: ${file}): page checksum failures, so the live database has corrupted pages`);
    expect(outcomes['last-backup-age']!.status).toBe('passed');
    expect(outcomes['last-backup-age']!.detail).toContain('1 flagged with errors');
  });
});
