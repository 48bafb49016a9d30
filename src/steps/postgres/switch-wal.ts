/**
 * postgres.switchWal: commits an empty marker transaction, closes the current WAL segment
 * (pg_switch_wal()) and waits until the archiver has copied it, so the archive holds every change
 * made so far and a commit after every earlier moment. A point-in-time restore can only reach a
 * target when WAL past it is archived, and PostgreSQL checks a time target only at commit (and
 * abort) records: on a quiet database, where nothing commits after the target, it stops with
 * "recovery ended before configured recovery target was reached" (recoveryStopsBefore() in
 * src/backend/access/transam/xlogrecovery.c). The marker is `SELECT txid_current()` in its own
 * transaction: it takes a transaction id, so its commit is written to WAL, and changes no table;
 * it works in a read-only (frozen) database too. Repeating it is harmless, so it needs no reconcile.
 */
import type pg from 'pg';
import type { ActionPreview, Provider, StepContext } from '../provider.js';
import { ProviderFailure, sleep } from '../support/call.js';
import { connectionFor, maskUrl, withClient } from './connect.js';
import type { SwitchWalParams } from './definitions.js';
import { guarded } from './result.js';

// Its own transaction (autocommit): the commit record is what a time target can stop at.
export const MARKER_SQL = 'SELECT txid_current()::text AS xid, clock_timestamp() AS at';

// Works in a read-only session too (a frozen database): it writes no table.
export const SWITCH_SQL = 'SELECT pg_walfile_name(lsn) AS wal, lsn::text AS lsn FROM pg_switch_wal() AS lsn';

const ARCHIVER_SQL = `SELECT last_archived_wal, last_archived_time, last_failed_wal, last_failed_time, failed_count::int AS failed_count,
       current_setting('archive_mode') AS archive_mode
  FROM pg_stat_archiver`;

/** What pg_stat_archiver says, with archive_mode. */
export interface ArchiverRow {
  last_archived_wal: string | null;
  last_archived_time: Date | null;
  last_failed_wal: string | null;
  last_failed_time: Date | null;
  failed_count: number;
  archive_mode: string;
}

/** The segment part of an archived file name ("…0C.00000028.backup" → "…0C"); history files have none. */
function segmentOf(name: string | null): string | undefined {
  return name ? /^[0-9A-F]{24}/.exec(name)?.[0] : undefined;
}

/** Whether segment `wanted` is archived: names of one timeline sort in WAL order. */
export function archived(row: ArchiverRow, wanted: string): boolean {
  const last = segmentOf(row.last_archived_wal);
  return last !== undefined && last >= wanted;
}

/** The archiver's state, read from pg_stat_archiver. */
export async function archiverState(client: pg.Client): Promise<ArchiverRow> {
  return (await client.query(ARCHIVER_SQL)).rows[0] as ArchiverRow;
}

/** "archiving X failed at T" when the last attempt failed, else undefined. */
export function failingSince(row: ArchiverRow): string | undefined {
  const failing = row.last_failed_time !== null && (row.last_archived_time === null || row.last_failed_time > row.last_archived_time);
  return failing ? `archiving ${row.last_failed_wal} failed at ${row.last_failed_time!.toISOString()}` : undefined;
}

async function waitUntilArchived(client: pg.Client, wanted: string, context: StepContext): Promise<ArchiverRow> {
  let delayMs = 50;
  for (;;) {
    const row = await archiverState(client);
    if (archived(row, wanted)) return row;
    const failing = failingSince(row);
    context.onProgress?.({ message: `waiting for the archiver to copy ${wanted}${failing ? ` (${failing}; the server retries)` : ''}` });
    // On the step's timeout the wait ends as a timeout failure; the progress line above says what was seen last.
    await sleep(delayMs, context.signal);
    delayMs = Math.min(delayMs * 2, 1000);
  }
}

export const switchWal: Provider<SwitchWalParams> = {
  async preview(params, context): Promise<ActionPreview> {
    const connection = connectionFor(params.database, context);
    const details = [
      { label: 'connection', value: `${params.database} (${maskUrl(connection.url)})` },
      { label: 'marker commit', value: `${MARKER_SQL} (an empty transaction: a commit after every earlier target, for PostgreSQL to stop at)` },
      { label: 'statement', value: SWITCH_SQL },
      { label: 'then', value: 'poll pg_stat_archiver until last_archived_wal reaches that segment' },
    ];
    let dryRun: ActionPreview['dryRun'];
    try {
      const row = await withClient(params.database, context, archiverState);
      const failing = failingSince(row);
      dryRun =
        row.archive_mode === 'off'
          ? { ok: false, detail: 'archive_mode is off: nothing is archived, so a point-in-time restore cannot use this WAL' }
          : { ok: !failing, detail: `last archived ${row.last_archived_wal ?? 'nothing yet'}${failing ? `; ${failing}` : ''}` };
    } catch (error) {
      dryRun = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    return { summary: `Close the current WAL segment of "${params.database}" and wait until it is archived`, details, dryRun };
  },

  run: (params, context) =>
    guarded('postgres.switchWal', context, async () =>
      withClient(
        params.database,
        context,
        async (client) => {
          const before = await archiverState(client);
          if (before.archive_mode === 'off') {
            throw new ProviderFailure('expectation', `archive_mode is off on "${params.database}": nothing is archived`, 'turn archive_mode on (it needs a restart) before relying on point-in-time recovery');
          }
          const marker = (await client.query(MARKER_SQL)).rows[0] as { xid: string; at: Date };
          const switched = (await client.query(SWITCH_SQL)).rows[0] as { wal: string; lsn: string };
          const row = await waitUntilArchived(client, switched.wal, context);
          const archivedAt = row.last_archived_time?.toISOString() ?? null;
          return {
            ok: true,
            observed: { walFile: switched.wal, lastArchivedWal: row.last_archived_wal, markerXid: marker.xid },
            outputs: { walFile: switched.wal, lsn: switched.lsn, archivedAt, markerCommittedAt: marker.at.toISOString() },
            detail: `WAL up to ${switched.lsn} (segment ${switched.wal}) is archived, with the marker commit of transaction ${marker.xid} at ${marker.at.toISOString()}: a restore can reach any moment before that commit.`,
          };
        },
        // A retry would switch again: harmless, but the wait below must not be repeated silently.
        { retry: false },
      ),
    ),
};
