/**
 * postgres.discardRestore empties only a directory a runbook restore wrote: a live cluster's data
 * directory (no runbook-restore.json) is refused before anything is touched. A restored one (the
 * full path with a real server runs in test/integration/pgbackrest-drill.test.ts) is emptied.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardRestore } from '../../../src/steps/postgres/discard-restore.js';
import { stepContext, tempDir } from './context.js';

const url = 'postgres://postgres@127.0.0.1:1/control';

describe('postgres.discardRestore', () => {
  it('refuses a directory no restore wrote, in the preview and the run, and leaves it as it was', async () => {
    const dataDir = tempDir('runbook-live-');
    writeFileSync(join(dataDir, 'PG_VERSION'), '15\n');
    mkdirSync(join(dataDir, 'base'));
    const context = stepContext({ restore: { url, dataDir } });
    await expect(discardRestore.preview!({ into: 'restore' }, context)).rejects.toThrow(`${dataDir} holds no runbook-restore.json: it was not written by a runbook restore, so it is not emptied`);
    const result = await discardRestore.run({ into: 'restore' }, context);
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('invalid-input');
    expect(readdirSync(dataDir).sort()).toEqual(['PG_VERSION', 'base']);
  });

  it('empties a directory holding a restore record (no server running), keeps the directory, and reconcile sees it done', async () => {
    const dataDir = tempDir('runbook-scratch-');
    writeFileSync(join(dataDir, 'runbook-restore.json'), JSON.stringify({ format: 'runbook-restore/1', sessionId: 'S', stepId: 'restore-backup', tool: 'pgbackrest', backupLabel: '20261201-010101F', backupRepo: 'repo1', backupEndedAt: null, backupHasErrors: false, namedBy: 'test', targetTime: null }));
    mkdirSync(join(dataDir, 'base', '1'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), '15\n');
    const context = stepContext({ restore: { url, dataDir } });
    const preview = await discardRestore.preview!({ into: 'restore' }, context);
    expect(preview.summary).toBe(`remove the 3 entries of ${dataDir}: the restore of pgbackrest backup 20261201-010101F (session S)`);
    expect((await discardRestore.reconcile!({ into: 'restore' }, context)).found).toBe(false);
    const result = await discardRestore.run({ into: 'restore' }, context);
    expect(result).toMatchObject({ ok: true, outputs: { dataDir, removed: 3, stoppedPid: null } });
    expect(existsSync(dataDir)).toBe(true);
    expect(readdirSync(dataDir)).toEqual([]);
    expect((await discardRestore.reconcile!({ into: 'restore' }, context)).found).toBe(true);
  });
});
