/**
 * postgres.enableArchiving: after a real switch-over, turns WAL archiving on for the new primary
 * and waits for its first archived segment. A restore keeps `archive_mode = off` (the copy must
 * not archive into the live cluster's archive while both exist): right for a drill, wrong for a
 * cluster that now takes the writes, whose changes would be in no archive and in no backup's reach.
 *
 * archive_mode needs a restart: ALTER SYSTEM, then `pg_ctl restart` of the local data directory.
 * The new timeline's history file (00000002.history) was written while archiving was off, so
 * the archiver never queued it; without it in the archive a later restore cannot follow the new
 * timeline. It is queued the way the server queues files (archive_status/<name>.ready), and the
 * wait ends when both it and a freshly closed segment are archived. An archiver that keeps
 * failing fails the step with the archive command's own error from the server log (e.g. a
 * pgBackRest pg1-path that still names the old primary's data directory).
 * In a drill (`drill: true`) nothing is changed and the result says so.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chown, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import type { ActionPreview, Provider, Reconciliation, StepContext } from '../provider.js';
import { ProviderFailure, sleep } from '../support/call.js';
import { connectionFor, maskUrl, withClient, type PostgresConnectionSettings } from './connect.js';
import type { EnableArchivingParams } from './definitions.js';
import { findExecutable, isRoot, runCommand, type Command } from './restore/commands.js';
import { guarded } from './result.js';
import { LogFollower, RESTORE_LOG, serverLogPath } from './server-log.js';
import { postmasterOf } from './server-process.js';
import { archived, archiverState, failingSince, MARKER_SQL, SWITCH_SQL, type ArchiverRow } from './switch-wal.js';

// With archive_mode off, SHOW archive_command says "(disabled)": the configured one is in pg_file_settings.
const SETTINGS_SQL = `SELECT current_setting('archive_mode') AS archive_mode,
       COALESCE((SELECT setting FROM pg_file_settings WHERE name = 'archive_command' AND error IS NULL ORDER BY seqno DESC LIMIT 1),
                current_setting('archive_command')) AS archive_command,
       current_setting('wal_level') AS wal_level, pg_is_in_recovery() AS in_recovery,
       substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS timeline`;

// ALTER SYSTEM takes no bind parameters: the server quotes the value itself (format %L).
const SET_COMMAND_SQL = "SELECT format('ALTER SYSTEM SET archive_command = %L', $1::text) AS statement";
const SET_MODE_SQL = "ALTER SYSTEM SET archive_mode = 'on'";

/** Archive attempts that may fail in a row before the step stops waiting and says why. */
const FAILURES_TOLERATED = 3;

interface Settings {
  archive_mode: string;
  archive_command: string;
  wal_level: string;
  in_recovery: boolean;
  timeline: string;
}

function localCluster(params: EnableArchivingParams, context: StepContext): { connection: PostgresConnectionSettings; dataDir: string; pgCtl: string; runAs?: string } {
  const connection = connectionFor(params.database, context);
  const dataDir = connection.dataDir;
  if (!dataDir) throw new ProviderFailure('invalid-input', `connection "${params.database}" has no dataDir`, `archive_mode needs a restart: set environments.${context.envName}.postgres.${params.database}.dataDir (run runbook on that host)`);
  const pgCtl = connection.binDir ? join(connection.binDir, 'pg_ctl') : findExecutable('pg_ctl');
  if (!pgCtl || !existsSync(pgCtl)) throw new ProviderFailure('not-found', `pg_ctl not found${connection.binDir ? ` in ${connection.binDir}` : ' on PATH'}`, `install the PostgreSQL server or set postgres.${params.database}.binDir`);
  const runAs = isRoot() ? connection.runAs : undefined;
  if (isRoot() && !runAs) throw new ProviderFailure('invalid-input', 'PostgreSQL cannot run as root', `set environments.${context.envName}.postgres.${params.database}.runAs (e.g. postgres)`);
  return { connection, dataDir, pgCtl, ...(runAs ? { runAs } : {}) };
}

function restartCommand(pgCtl: string, dataDir: string, runAs: string | undefined, context: StepContext): Command {
  const seconds = String(Math.max(10, Math.floor(context.timeoutMs / 2000)));
  return { argv: [pgCtl, '-D', dataDir, '-l', join(dataDir, RESTORE_LOG), '-m', 'fast', '-w', '-t', seconds, 'restart'], ...(runAs ? { runAs } : {}) };
}

/** Timeline history files not archived yet (no .done), and which of them nothing has queued (no .ready either). */
function historyFiles(dataDir: string): { pending: string[]; unqueued: string[] } {
  const wal = join(dataDir, 'pg_wal');
  const status = new Set(existsSync(join(wal, 'archive_status')) ? readdirSync(join(wal, 'archive_status')) : []);
  const pending = (existsSync(wal) ? readdirSync(wal) : []).filter((name) => /^[0-9A-F]{8}\.history$/.test(name) && !status.has(`${name}.done`)).sort();
  return { pending, unqueued: pending.filter((name) => !status.has(`${name}.ready`)) };
}

/** The archive command's last failure in the server log: the "archive command failed" line, its DETAIL and the tool's own error. */
async function lastArchiveFailure(dataDir: string): Promise<string | undefined> {
  const path = await serverLogPath(dataDir);
  if (!path) return undefined;
  const follower = new LogFollower(path);
  await follower.next();
  const lines = follower.all.split('\n');
  let at = -1;
  lines.forEach((line, index) => {
    if (/archive command failed/.test(line)) at = index;
  });
  if (at < 0) return undefined;
  // The command's own stderr comes just before the server's line about it, without the log prefix.
  const said: string[] = [];
  for (let index = at - 1; index >= 0 && lines[index]!.trim() !== '' && !/^\d{4}-\d{2}-\d{2} /.test(lines[index]!); index--) said.unshift(lines[index]!.trim());
  const errorLines = said.filter((line) => /ERROR/.test(line));
  const detail = lines[at + 1]?.match(/DETAIL:\s+(.*)$/)?.[1];
  return [lines[at]!.replace(/^.*?LOG:\s+/, ''), ...(errorLines.length ? errorLines : said).slice(0, 2), ...(detail ? [detail] : [])].join('; ');
}

async function waitForArchive(client: pg.Client, wanted: string, history: string[], dataDir: string, context: StepContext): Promise<ArchiverRow> {
  const start = await archiverState(client);
  let delayMs = 100;
  for (;;) {
    const row = await archiverState(client);
    const historyDone = history.every((name) => existsSync(join(dataDir, 'pg_wal', 'archive_status', `${name}.done`)));
    if (archived(row, wanted) && historyDone) return row;
    if (row.failed_count - start.failed_count >= FAILURES_TOLERATED && (row.last_archived_time === null || row.last_failed_time! > row.last_archived_time)) {
      const said = await lastArchiveFailure(dataDir);
      throw new ProviderFailure(
        'expectation',
        `the new primary cannot archive: ${said ?? failingSince(row) ?? `archiving ${row.last_failed_wal} failed`} (${row.failed_count - start.failed_count} failures in a row)`,
        'make archive_command work for this cluster (for pgBackRest: a stanza whose pg1-path is this data directory, e.g. archiveCommand: "pgbackrest --stanza=S --pg1-path=DIR archive-push %p"), then re-run this step',
      );
    }
    context.onProgress?.({ message: `waiting for the archiver to copy ${[...history, wanted].join(' and ')}${failingSince(row) ? ` (${failingSince(row)}; the server retries)` : ''}` });
    await sleep(delayMs, context.signal);
    delayMs = Math.min(delayMs * 2, 1000);
  }
}

export const enableArchiving: Provider<EnableArchivingParams> = {
  async preview(params, context): Promise<ActionPreview> {
    if (params.drill) {
      return {
        summary: `Drill: leave archiving off on "${params.database}"`,
        details: [{ label: 'why', value: 'a drill\'s restored copy must not archive into the live cluster\'s archive: nothing is changed' }],
        dryRun: { ok: true, detail: 'drill: nothing will be changed' },
      };
    }
    try {
      const { connection, dataDir, pgCtl, runAs } = localCluster(params, context);
      const settings = (await withClient(params.database, context, async (client) => (await client.query(SETTINGS_SQL)).rows[0])) as Settings;
      const command = params.archiveCommand ?? settings.archive_command;
      const problems = [
        ...(settings.in_recovery ? ['the server is still in recovery: wait until it is promoted'] : []),
        ...(settings.wal_level === 'minimal' ? ['wal_level is minimal: archiving needs replica or logical (a restart with wal_level = replica)'] : []),
        ...(!command || command === '(disabled)' ? ['archive_command is empty: give archiveCommand'] : []),
      ];
      return {
        summary: `Turn WAL archiving on for the new primary "${params.database}" (restart) and wait for its first archived segment`,
        details: [
          { label: 'connection', value: `${params.database} (${maskUrl(connection.url)})` },
          { label: 'now', value: `archive_mode = ${settings.archive_mode}, wal_level = ${settings.wal_level}, timeline ${settings.timeline}` },
          { label: 'archive_command', value: params.archiveCommand ? `${params.archiveCommand} (set by this step)` : `${settings.archive_command} (kept)` },
          ...(settings.archive_mode === 'on' ? [] : [{ label: 'statement', value: SET_MODE_SQL }]),
          ...(params.archiveCommand ? [{ label: 'statement', value: `${SET_COMMAND_SQL} with $1 = the archive_command above, then the statement it returns` }] : []),
          ...(settings.archive_mode === 'on' && !params.archiveCommand ? [] : [{ label: 'restart', value: restartCommand(pgCtl, dataDir, runAs, context).argv.join(' ') }]),
          ...historyFiles(dataDir).unqueued.map((name) => ({ label: 'queue for the archiver', value: `${name} (written while archiving was off): pg_wal/archive_status/${name}.ready` })),
          { label: 'then', value: `${MARKER_SQL}; ${SWITCH_SQL}; poll pg_stat_archiver until that segment is archived (fail after ${FAILURES_TOLERATED} failed attempts in a row, with the archive command's error)` },
        ],
        dryRun: problems.length ? { ok: false, detail: problems.join('; ') } : { ok: true, detail: `the server answers, is promoted, and a server runs from ${dataDir}` },
      };
    } catch (error) {
      if (!(error instanceof ProviderFailure)) throw error;
      return { summary: `Archiving on "${params.database}" cannot be turned on`, details: [{ label: 'problem', value: error.message }], dryRun: { ok: false, detail: `${error.message}: ${error.advice}` } };
    }
  },

  // A re-run is safe (archiving already on: no restart, one more segment archived); reconcile only reports.
  async reconcile(params, context): Promise<Reconciliation> {
    if (params.drill) return { found: true, outputs: { archiveMode: 'off', walFile: null, archivedAt: null, historyFiles: [] }, detail: 'drill: nothing was to be changed' };
    const row = await withClient(params.database, context, archiverState, { retry: false }).catch(() => undefined);
    if (!row) return { found: false, detail: `"${params.database}" does not answer: look at the server (it may be restarting), then re-run; the step is safe to repeat` };
    return row.archive_mode === 'on' && row.last_archived_wal
      ? { found: true, outputs: { archiveMode: 'on', walFile: row.last_archived_wal, archivedAt: row.last_archived_time?.toISOString() ?? null, historyFiles: [] }, detail: `archive_mode is on and pg_stat_archiver shows ${row.last_archived_wal} archived` }
      : { found: false, detail: `archive_mode is ${row.archive_mode}${row.last_archived_wal ? '' : ', nothing archived yet'}: re-running is safe` };
  },

  run: (params, context) =>
    guarded('postgres.enableArchiving', context, async () => {
      if (params.drill) {
        return {
          ok: true,
          observed: { changed: false, drill: true },
          outputs: { archiveMode: 'off', walFile: null, archivedAt: null, historyFiles: [] },
          detail: `Drill: archiving left off on "${params.database}" on purpose (the restored copy must not archive into the live cluster's archive). In a real switch-over this step turns it on.`,
        };
      }
      const { dataDir, pgCtl, runAs } = localCluster(params, context);
      const before = (await withClient(params.database, context, async (client) => (await client.query(SETTINGS_SQL)).rows[0])) as Settings;
      if (before.in_recovery) throw new ProviderFailure('conflict', `"${params.database}" is still in recovery`, 'wait until it is promoted (postgres.inRecovery expect false), then re-run');
      if (before.wal_level === 'minimal') throw new ProviderFailure('invalid-input', `wal_level is minimal on "${params.database}"`, 'set wal_level = replica and restart before turning archiving on');
      const command = params.archiveCommand ?? before.archive_command;
      if (!command || command === '(disabled)') throw new ProviderFailure('invalid-input', `"${params.database}" has no archive_command`, 'give the step archiveCommand (the command the live cluster used, adjusted to this cluster)');

      // Queued before the restart, so the archiver that starts finds them; looked at before, since it archives them at once.
      const { pending: history, unqueued } = historyFiles(dataDir);
      // Owned like the data directory: the archiver opens the file to rename it to .done.
      const owner = await stat(dataDir);
      for (const name of unqueued) {
        const ready = join(dataDir, 'pg_wal', 'archive_status', `${name}.ready`);
        await writeFile(ready, '', { mode: 0o600 });
        if (isRoot()) await chown(ready, owner.uid, owner.gid);
      }
      const restart = before.archive_mode !== 'on' || params.archiveCommand !== undefined;
      if (restart) {
        await withClient(
          params.database,
          context,
          async (client) => {
            // A frozen database (default_transaction_read_only) would refuse ALTER SYSTEM.
            await client.query('SET default_transaction_read_only = off');
            if (params.archiveCommand !== undefined) {
              const { statement } = (await client.query(SET_COMMAND_SQL, [params.archiveCommand])).rows[0] as { statement: string };
              await client.query(statement);
            }
            await client.query(SET_MODE_SQL);
          },
          { retry: false },
        );
        context.onProgress?.({ message: `restarting "${params.database}": archive_mode takes effect only at start` });
        await runCommand(restartCommand(pgCtl, dataDir, runAs, context), context.signal);
      }
      if (!(await postmasterOf(dataDir))) throw new ProviderFailure('unreachable', `no server runs from ${dataDir} after the restart`, `read ${join(dataDir, RESTORE_LOG)}`);

      return withClient(
        params.database,
        context,
        async (client) => {
          const settings = (await client.query(SETTINGS_SQL)).rows[0] as Settings;
          if (settings.archive_mode !== 'on') throw new ProviderFailure('expectation', `archive_mode is still ${settings.archive_mode} after the restart`, 'a setting in postgresql.conf or a -c option may override postgresql.auto.conf: check with SHOW archive_mode and pg_settings.sourcefile');
          await client.query(MARKER_SQL);
          const switched = (await client.query(SWITCH_SQL)).rows[0] as { wal: string; lsn: string };
          const row = await waitForArchive(client, switched.wal, history, dataDir, context);
          const archivedAt = row.last_archived_time?.toISOString() ?? null;
          return {
            ok: true,
            observed: { archiveMode: 'on', lastArchivedWal: row.last_archived_wal, historyFiles: history },
            outputs: { archiveMode: 'on', walFile: switched.wal, archivedAt, historyFiles: history },
            detail: `Archiving is on for "${params.database}" (timeline ${settings.timeline}${restart ? ', restarted' : ''}): pg_stat_archiver shows ${switched.wal} archived at ${archivedAt}${history.length ? `, after the history file${history.length > 1 ? 's' : ''} ${history.join(', ')}` : ''}; archive_command = ${settings.archive_command}.`,
          };
        },
        { retry: false },
      );
    }),
};
