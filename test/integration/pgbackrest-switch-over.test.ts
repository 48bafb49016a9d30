/**
 * postgres.enableArchiving on a cluster restored from a real pgBackRest stanza, as after a real
 * switch-over: the restore keeps archive_mode off (right for a drill, and a drill changes
 * nothing); turned on with the archive_command the copy inherited, pgBackRest refuses (its
 * pg1-path names the old primary's data directory) and the step fails with pgBackRest's own error
 * within seconds; with an archive_command for the new primary, the new timeline's history file
 * and a fresh segment land in the repo, as `pgbackrest info` and the repo's files show.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../../src/steps/postgres/definitions.js';
import { providers } from '../../src/steps/postgres/index.js';
import { freePort, runPgBinary } from '../support/pg-cluster.js';
import { createStanza, PGBACKREST_BIN, type TestStanza } from '../support/pgbackrest.js';
import { stepContext, type Connections } from '../steps/postgres/context.js';

const parse = (name: string, input: unknown) => definitions.find((d) => d.name === name)!.params.parse(input) as any;
const enableArchiving = providers['postgres.enableArchiving']!;

let stanza: TestStanza;
let connections: Connections;
let restoreDir: string;

const progress: string[] = [];
const context = (timeoutMs = 30_000) => stepContext(connections, { timeoutMs, progress, backup: { tool: 'pgbackrest', stanza: stanza.stanza, args: [...stanza.args] } });

beforeAll(async () => {
  stanza = await createStanza({ repos: 1, backups: ['full'] });
  restoreDir = join(stanza.baseDir, 'new-primary');
  connections = {
    live: { url: stanza.cluster.urlFor('postgres') },
    restore: { url: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, dataDir: restoreDir, binDir: stanza.cluster.binDir, runAs: 'postgres' },
  };
  // pgBackRest compares whole seconds: a target in the second the backup stopped selects no set.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await stanza.cluster.query("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)");
  const targetTime = (await stanza.cluster.query('SELECT clock_timestamp() AS t'))[0].t.toISOString();
  await providers['postgres.switchWal']!.run(parse('postgres.switchWal', { database: 'live' }), context());
  const restored = await providers['postgres.restoreBackup']!.run(parse('postgres.restoreBackup', { into: 'restore', targetTime }), context(120_000));
  if (!restored.ok) throw new Error(restored.detail);
}, 180_000);

afterAll(async () => {
  await runPgBinary(stanza.cluster.binDir, 'pg_ctl', ['-D', restoreDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  await stanza?.cleanup();
});

const onNewPrimary = async (sql: string) => (await runPgBinary(stanza.cluster.binDir, 'psql', ['-h', '127.0.0.1', '-p', new URL(connections.restore!.url).port, '-U', 'postgres', '-d', 'postgres', '-Atc', sql])).trim();

describe('turning archiving back on for a new primary restored by pgBackRest', () => {
  it('the restored cluster has archive_mode off, and a drill leaves it off', async () => {
    expect(await onNewPrimary('SHOW archive_mode')).toBe('off');
    const params = parse('postgres.enableArchiving', { database: 'restore', drill: 'true' });
    const preview = await enableArchiving.preview!(params, context());
    expect(preview.summary).toBe('Drill: leave archiving off on "restore"');
    const result = await enableArchiving.run(params, context());
    expect(result).toMatchObject({ ok: true, outputs: { archiveMode: 'off' } });
    expect(result.detail).toContain('Drill: archiving left off on "restore" on purpose');
    expect(await onNewPrimary('SHOW archive_mode')).toBe('off');
  });

  it('with the inherited archive_command, pgBackRest refuses and the step fails with its error, within seconds', async () => {
    const params = parse('postgres.enableArchiving', { database: 'restore' });
    const preview = await enableArchiving.preview!(params, context());
    expect(preview.dryRun?.ok).toBe(true);
    const text = preview.details.map((d) => `${d.label}: ${d.value}`).join('\n');
    expect(text).toContain(`archive_command: ${PGBACKREST_BIN} --config=${stanza.configPath} --stanza=main archive-push %p (kept)`);
    expect(text).toContain("statement: ALTER SYSTEM SET archive_mode = 'on'");
    expect(text).toContain('queue for the archiver: 00000002.history (written while archiving was off)');
    const started = Date.now();
    const result = await enableArchiving.run(params, context());
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^the new primary cannot archive: archive command failed with exit code \d+; ERROR: \[032\]: PostgreSQL working directory '.*new-primary' is not the same as option pg1-path/);
    expect(result.failure?.advice).toContain('--pg1-path=DIR archive-push %p');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await onNewPrimary('SHOW archive_mode')).toBe('on');
  });

  it('with an archive_command for the new primary, the history file and a fresh segment reach the repo', async () => {
    const command = `${PGBACKREST_BIN} --config=${stanza.configPath} --stanza=main --pg1-path=${restoreDir} archive-push %p`;
    progress.length = 0;
    const result = await enableArchiving.run(parse('postgres.enableArchiving', { database: 'restore', archiveCommand: command }), context());
    expect(result.ok, `${result.detail}\n${progress.slice(-2).join('\n')}`).toBe(true);
    const walFile = result.outputs.walFile as string;
    expect(walFile).toMatch(/^00000002/);
    expect(result.outputs.historyFiles).toEqual(['00000002.history']);
    expect(result.detail).toContain(`Archiving is on for "restore" (timeline 00000002, restarted): pg_stat_archiver shows ${walFile} archived at `);
    // pgBackRest's own view: the repo holds the history file and the segment on the new timeline.
    const archiveDir = join(stanza.repoPaths[0]!, 'archive', stanza.stanza, '15-1');
    expect(existsSync(join(archiveDir, '00000002.history'))).toBe(true);
    const info = await stanza.info();
    expect(info[0].archive[0].max >= walFile).toBe(true);
    expect(await onNewPrimary('SHOW archive_command')).toBe(command);
    // A second run changes nothing more: no restart, one more segment archived.
    const again = await enableArchiving.run(parse('postgres.enableArchiving', { database: 'restore' }), context());
    expect(again.ok, again.detail).toBe(true);
    expect(again.detail).not.toContain('restarted');
  });
});
