/**
 * postgres.restoreBackup, postgres.backupForTarget and postgres.switchWal against a real pgBackRest
 * stanza (test/support/pgbackrest.ts): two posix repos, archive-push as archive_command, a full
 * backup in each repo and an incremental in repo1. Every claim checked here is one pgBackRest or
 * PostgreSQL made: the set `pgbackrest info` says a target selects, the set `pgbackrest restore`
 * says it restored, the FATAL line of a server that could not reach its target.
 * Cases: a restore to a target, named from pgBackRest's own output and promoted when the action
 * returns; a quiet database (no commit after the target) that fails at once and then works after
 * switchWal's marker commit; a target before the oldest backup; --set into repo2; repo1 unreadable
 * (restored from repo2, and said so); a set flagged with page checksum errors; a set whose files
 * are gone, where the failure's first line is pgBackRest's error.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../src/steps/postgres/definitions.js';
import { providers } from '../../src/steps/postgres/index.js';
import type { StepContext } from '../../src/steps/provider.js';
import { freePort, runPgBinary } from '../support/pg-cluster.js';
import { createStanza, labelsIn, type TestStanza } from '../support/pgbackrest.js';
import { stepContext, type Connections } from '../steps/postgres/context.js';

const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const restore = providers['postgres.restoreBackup']!;
const backupForTarget = providers['postgres.backupForTarget']!;
const switchWal = providers['postgres.switchWal']!;

let stanza: TestStanza;
let repo1Full: string;
let repo2Full: string;
let repo1Incr: string;
const restoreDirs: string[] = [];

/** A fresh restore connection (its own empty data directory and port) beside the live one. */
async function target(name: string): Promise<Connections> {
  const dataDir = join(stanza.baseDir, `restore-${name}`);
  restoreDirs.push(dataDir);
  return {
    live: { url: stanza.cluster.urlFor('postgres') },
    restore: { url: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, dataDir, binDir: stanza.cluster.binDir, runAs: 'postgres' },
  };
}

const contextFor = (connections: Connections, timeoutMs = 120_000, progress?: string[]): StepContext =>
  stepContext(connections, { timeoutMs, backup: { tool: 'pgbackrest', stanza: stanza.stanza, args: [...stanza.args] }, ...(progress ? { progress } : {}) });

async function stopRestored(dataDir: string): Promise<void> {
  await runPgBinary(stanza.cluster.binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
}

const now = async () => (await stanza.cluster.query('SELECT clock_timestamp() AS t'))[0].t.toISOString() as string;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // autovacuum off: nothing may commit behind the test's back (the quiet database case counts on it).
  stanza = await createStanza({ repos: 2, backups: ['full', { type: 'full', repo: 2 }, 'incr'], settings: { autovacuum: 'off' } });
  const info = await stanza.info();
  [repo1Full, repo1Incr] = labelsIn(info, 1) as [string, string];
  [repo2Full] = labelsIn(info, 2) as [string];
}, 120_000);

afterAll(async () => {
  for (const dir of restoreDirs) await stopRestored(dir);
  await stanza?.cleanup();
});

describe('restoring from real pgBackRest', () => {
  it('previews the set pgbackrest info says the target selects, and restores exactly that one, named from pgbackrest restore', async () => {
    // pgBackRest compares whole seconds: a target in the second the incr stopped would select the full.
    await pause(1_100);
    await stanza.cluster.query("CREATE TABLE marks (note text); INSERT INTO marks VALUES ('before T')");
    const targetTime = await now();
    await pause(20);
    await stanza.cluster.query("INSERT INTO marks VALUES ('after T')");
    await switchWal.run(parse('postgres.switchWal', { database: 'live' }), contextFor({ live: { url: stanza.cluster.url } }));

    const connections = await target('named');
    const params = parse('postgres.restoreBackup', { into: 'restore', targetTime });
    const check = await backupForTarget.run(parse('postgres.backupForTarget', { into: 'restore', targetTime }), contextFor(connections));
    expect(check).toMatchObject({ ok: true, outputs: { tool: 'pgbackrest', backupLabel: repo1Incr, backupRepo: 'repo1', backupHasErrors: false } });
    expect(check.detail).toContain(`pgbackrest info: a restore to the target would start from ${repo1Incr} (incr) in repo1, ended `);

    const preview = await restore.preview!(params, contextFor(connections));
    expect(preview.summary).toBe(`Restore pgbackrest backup ${repo1Incr} from repo1 into ${connections.restore!.dataDir} and start it on port ${new URL(connections.restore!.url).port}, recovering to ${targetTime}`);
    expect(preview.dryRun?.ok).toBe(true);
    expect(preview.dryRun?.detail).toContain(`pgbackrest info: the target selects ${repo1Incr} (incr) in repo1`);
    const text = preview.details.map((d) => `${d.label}: ${d.value}`).join('\n');
    expect(text).toContain(`"--stanza=main" "--config=${stanza.configPath}" "--log-level-console=info" "--type=time" "--target=${targetTime.replace('T', ' ').replace('Z', '+00')}" "--target-action=promote" "--pg1-path=${connections.restore!.dataDir}" "restore"`);
    expect(text).toContain(`read from: /usr/bin/pgbackrest --stanza=main --config=${stanza.configPath} --output=json info`);

    const progress: string[] = [];
    const result = await restore.run(params, contextFor(connections, 120_000, progress));
    expect(result.ok, result.detail).toBe(true);
    expect(result.outputs).toMatchObject({ backupLabel: repo1Incr, backupRepo: 'repo1', backupHasErrors: false, targetTime });
    expect(result.detail).toContain(`Restored pgbackrest backup ${repo1Incr} from repo1 (named by pgbackrest restore: "repo1: restore backup set ${repo1Incr}")`);
    expect(progress.some((line) => line.startsWith('replaying WAL'))).toBe(true);
    // Promoted when the action returns, holding what was committed before T and nothing after.
    const rows = await runPgBinary(stanza.cluster.binDir, 'psql', ['-h', '127.0.0.1', '-p', String(result.outputs.port), '-U', 'postgres', '-d', 'postgres', '-Atc', 'SELECT pg_is_in_recovery(), (SELECT string_agg(note, \',\') FROM marks)']);
    expect(rows.trim()).toBe('f|before T');

    const reconciled = await restore.reconcile!(params, contextFor(connections, 10_000));
    expect(reconciled).toMatchObject({ found: true, outputs: { backupLabel: repo1Incr, backupRepo: 'repo1' } });
    await stopRestored(connections.restore!.dataDir!);
  });

  it('a quiet database (no commit after the target) fails at once with PostgreSQL\'s reason; after switchWal\'s marker commit the same restore works', async () => {
    await stanza.cluster.query("INSERT INTO marks VALUES ('last commit')");
    await pause(300);
    const quietTarget = await now();
    await pause(300);
    // WAL past the target is archived, but nothing committed after it: no record for the time target to stop at.
    const [{ segment }] = await stanza.cluster.query('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    await expect.poll(async () => (await stanza.cluster.query('SELECT last_archived_wal FROM pg_stat_archiver'))[0].last_archived_wal >= segment, { timeout: 20_000 }).toBe(true);

    const quiet = await target('quiet');
    const failed = await restore.run(parse('postgres.restoreBackup', { into: 'restore', targetTime: quietTarget }), contextFor(quiet));
    expect(failed.ok).toBe(false);
    expect(failed.detail).toMatch(/^the restored server stopped during recovery: FATAL: {2}recovery ended before configured recovery target was reached; the last commit replayed was at /);
    expect(failed.failure?.advice).toContain('on the live cluster run the postgres.switchWal action (it commits an empty transaction');

    const marker = await switchWal.run(parse('postgres.switchWal', { database: 'live' }), contextFor({ live: { url: stanza.cluster.url } }));
    expect(marker.ok, marker.detail).toBe(true);
    expect(marker.detail).toContain('with the marker commit of transaction ');

    const again = await target('quiet-marked');
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'restore', targetTime: quietTarget }), contextFor(again));
    expect(result.ok, result.detail).toBe(true);
    // Recovery stopped at the marker, the first commit after the target; nothing after the target was replayed.
    expect(Date.parse(result.outputs.stoppedBeforeCommitAt as string)).toBeGreaterThanOrEqual(Date.parse(marker.outputs.markerCommittedAt as string));
    expect(Date.parse(result.outputs.lastReplayedCommitAt as string)).toBeLessThan(Date.parse(quietTarget));
    await stopRestored(again.restore!.dataDir!);
  });

  it('a target before the oldest backup: the check, the preview and the run all refuse, naming the oldest set', async () => {
    const connections = await target('too-early');
    const early = '2000-01-01T00:00:00Z';
    const check = await backupForTarget.run(parse('postgres.backupForTarget', { into: 'restore', targetTime: early }), contextFor(connections));
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('no pgBackRest backup set stopped before the target 2000-01-01T00:00:00.000Z');
    expect(check.failure?.advice).toContain(`the oldest usable set, ${repo1Full} in repo1, stopped at `);
    const preview = await restore.preview!(parse('postgres.restoreBackup', { into: 'restore', targetTime: early }), contextFor(connections));
    expect(preview.dryRun).toMatchObject({ ok: false, detail: expect.stringContaining('no pgBackRest backup set stopped before the target') });
    const run = await restore.run(parse('postgres.restoreBackup', { into: 'restore', targetTime: early }), contextFor(connections));
    expect(run.ok).toBe(false);
    expect(run.detail).toMatch(/^no pgBackRest backup set stopped before the target/);
  });

  it('honours --set: a set in repo2 is named with its repo, in the preview and by pgbackrest restore', async () => {
    const connections = await target('set');
    const params = parse('postgres.restoreBackup', { into: 'restore', backup: repo2Full });
    const preview = await restore.preview!(params, contextFor(connections));
    expect(preview.summary).toContain(`backup ${repo2Full} from repo2`);
    expect(preview.details.map((d) => d.value).join('\n')).toContain(`"--set=${repo2Full}"`);
    const result = await restore.run(params, contextFor(connections));
    expect(result.ok, result.detail).toBe(true);
    expect(result.outputs).toMatchObject({ backupLabel: repo2Full, backupRepo: 'repo2' });
    expect(result.detail).toContain(`pgbackrest restore: "repo2: restore backup set ${repo2Full}"`);
    await stopRestored(connections.restore!.dataDir!);
  });

  it('two repos, repo1 unreadable: the preview says repo1 is skipped and why, and the restore comes from repo2, as pgBackRest says', async () => {
    const undo = await stanza.makeRepoUnreadable(1);
    try {
      const connections = await target('repo1-down');
      const params = parse('postgres.restoreBackup', { into: 'restore' });
      const preview = await restore.preview!(params, contextFor(connections));
      expect(preview.summary).toContain(`backup ${repo2Full} from repo2`);
      expect(preview.details).toContainEqual({ label: 'note', value: expect.stringMatching(/^repo1 skipped, as pgbackrest restore skips it: .*Permission denied/) });
      const result = await restore.run(params, contextFor(connections));
      expect(result.ok, result.detail).toBe(true);
      expect(result.outputs).toMatchObject({ backupLabel: repo2Full, backupRepo: 'repo2' });
      expect(result.detail).toContain(`"repo2: restore backup set ${repo2Full}"`);
      await stopRestored(connections.restore!.dataDir!);
    } finally {
      await undo();
    }
  });

  it('a set pgBackRest flagged with page checksum errors: the check fails, the dry run fails naming it, the restore says so', async () => {
    await stanza.corruptTablePage();
    const flagged = await stanza.backup('full');
    const flags = (await stanza.info())[0].backup.find((b: any) => b.label === flagged);
    expect(flags.error).toBe(true);
    const connections = await target('flagged');
    const check = await backupForTarget.run(parse('postgres.backupForTarget', { into: 'restore' }), contextFor(connections));
    expect(check).toMatchObject({ ok: false, outputs: { backupLabel: flagged, backupRepo: 'repo1', backupHasErrors: true } });
    expect(check.detail).toContain(`${flagged} (full) in repo1, ended `);
    expect(check.detail).toContain('FLAGGED by pgBackRest: it holds pages with checksum errors');
    expect(check.failure?.advice).toContain(`Restore ${repo1Incr} (repo1) instead`);
    const preview = await restore.preview!(parse('postgres.restoreBackup', { into: 'restore' }), contextFor(connections));
    expect(preview.dryRun?.ok).toBe(false);
    expect(preview.dryRun?.detail).toContain(`the target selects ${flagged} (full) in repo1`);
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'restore' }), contextFor(connections));
    expect(result.ok, result.detail).toBe(true);
    expect(result.outputs).toMatchObject({ backupLabel: flagged, backupHasErrors: true });
    expect(result.detail).toMatch(/^WARNING: pgBackRest flagged this backup set with errors/);
    await stopRestored(connections.restore!.dataDir!);
  });

  it('a set whose files are gone: the failure\'s first line is pgBackRest\'s own error, not its argv', async () => {
    const manifest = join(stanza.repoPaths[1]!, 'backup', stanza.stanza, repo2Full);
    await rm(join(manifest, 'backup.manifest'), { force: true });
    await rm(join(manifest, 'backup.manifest.copy'), { force: true });
    const connections = await target('gone');
    const result = await restore.run(parse('postgres.restoreBackup', { into: 'restore', backup: repo2Full }), contextFor(connections));
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^pgbackrest restore failed \(exit \d+\): ERROR: \[\d+\]: unable to (load|open)/);
    expect(result.detail.split('.')[0]).not.toContain('--stanza');
  });
});
