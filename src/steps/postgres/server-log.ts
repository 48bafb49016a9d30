/**
 * What a server's own log says about its recovery and its end: the FATAL/PANIC line that stopped
 * it, how far replay got, and advice that fits the reason. The log is the one `pg_ctl -l` writes;
 * when the copied postgresql.conf turns logging_collector on, PostgreSQL says so there ("Future
 * log output will appear in directory …") and the newest file of that directory is read instead.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/** The file a restore's server writes its log to (pg_ctl -l), inside its data directory. */
export const RESTORE_LOG = 'runbook-restore.log';

/** Where the server's messages actually are: `logFile`, or the collector's newest file. */
export async function serverLogPath(dataDir: string, logFile = join(dataDir, RESTORE_LOG)): Promise<string | undefined> {
  const head = await readFile(logFile, 'utf8').catch(() => undefined);
  if (head === undefined) return undefined;
  const redirected = /Future log output will appear in directory "([^"]+)"/.exec(head)?.[1];
  if (!redirected) return logFile;
  const dir = isAbsolute(redirected) ? redirected : join(dataDir, redirected);
  if (!existsSync(dir)) return logFile;
  const newest = readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return newest ?? logFile;
}

/** Reads a log from where it was last read, so a long recovery's log is not read again and again. */
export class LogFollower {
  private offset = 0;
  private text = '';

  constructor(readonly path: string) {}

  /** Everything read so far. */
  get all(): string {
    return this.text;
  }

  /** Reads what was appended since the last call and returns it. */
  async next(): Promise<string> {
    const file = await open(this.path, 'r').catch(() => undefined);
    if (!file) return '';
    try {
      const { size } = await file.stat();
      if (size <= this.offset) return '';
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const added = buffer.subarray(0, bytesRead).toString('utf8');
      this.text += added;
      return added;
    } finally {
      await file.close();
    }
  }
}

/** The message part of a log line ("FATAL:  recovery ended …"), without its prefix. */
function messageOf(line: string): string {
  const match = /\b(LOG|FATAL|PANIC|ERROR|WARNING|HINT|DETAIL):\s+(.*)$/.exec(line);
  return match ? `${match[1]}:  ${match[2]}` : line.trim();
}

/** The first FATAL or PANIC line (its message), with the DETAIL/HINT lines right after it. */
export function fatalLine(log: string): string | undefined {
  const lines = log.split('\n');
  const at = lines.findIndex((line) => /\b(FATAL|PANIC):\s/.test(line));
  if (at < 0) return undefined;
  const extra = lines.slice(at + 1, at + 3).filter((line) => /\b(DETAIL|HINT):\s/.test(line));
  return [lines[at]!, ...extra].map(messageOf).join(' ');
}

/** A timestamp as PostgreSQL logs it ("2024-05-01 10:00:00.123456+00"), as a Date. */
export function parseLogTimestamp(text: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, day, time, fraction = '', hours, minutes = '00'] = match;
  const date = new Date(`${day}T${time}${fraction.slice(0, 4)}${hours}:${minutes}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** What recovery reported about where it stopped. */
export interface RecoveryFacts {
  /** "last completed transaction was at log time …": the newest commit replayed. */
  readonly lastReplayedCommitAt?: Date;
  /** "recovery stopping before commit of transaction N, time …": the first commit past the target. */
  readonly stoppedBeforeCommitAt?: Date;
  /** The last "restored log file … from archive". */
  readonly lastRestoredSegment?: string;
  readonly consistent: boolean;
  /** "database system is ready to accept connections" (not "read-only"): recovery is over and it takes writes. */
  readonly promoted: boolean;
}

export function recoveryFacts(log: string): RecoveryFacts {
  const last = (pattern: RegExp) => {
    let found: string | undefined;
    for (const match of log.matchAll(pattern)) found = match[1];
    return found;
  };
  const replayed = last(/last completed transaction was at log time ([^\n]+)/g);
  const stopped = last(/recovery stopping (?:before|after) (?:commit|abort) of transaction \d+, time ([^\n]+)/g);
  const segment = last(/restored log file "([0-9A-F]{24}|[0-9A-F]{8}\.history)" from archive/g);
  const replayedAt = replayed ? parseLogTimestamp(replayed) : undefined;
  const stoppedAt = stopped ? parseLogTimestamp(stopped) : undefined;
  return {
    ...(replayedAt ? { lastReplayedCommitAt: replayedAt } : {}),
    ...(stoppedAt ? { stoppedBeforeCommitAt: stoppedAt } : {}),
    ...(segment ? { lastRestoredSegment: segment } : {}),
    consistent: /consistent recovery state reached/.test(log),
    promoted: /database system is ready to accept connections/.test(log),
  };
}

/** On the live cluster, what makes a time target reachable (postgres.switchWal does both). */
const ARCHIVE_PAST_TARGET =
  'PostgreSQL stops a time target only at the first commit after it, so that commit must be in the WAL archive: on the live cluster run the postgres.switchWal action (it commits an empty transaction, closes the segment and waits until it is archived), or choose an earlier target; then empty the data directory and re-run';

/** Advice that fits the reason a restored server gave for stopping. */
export function adviceFor(fatal: string | undefined, facts: RecoveryFacts): string {
  const reason = fatal ?? '';
  if (/recovery ended before configured recovery target was reached/.test(reason)) {
    const reached = facts.lastReplayedCommitAt ? `the newest commit the archive holds is from ${facts.lastReplayedCommitAt.toISOString()}, none after the target; ` : 'the archive holds no commit after the target; ';
    return `${reached}${ARCHIVE_PAST_TARGET}`;
  }
  if (/before consistent recovery point/.test(reason)) {
    return 'the target lies inside the backup (before its end): choose a later target, or an older backup with backup:; then empty the data directory and re-run';
  }
  if (/could not bind|already in use|could not create listen socket|could not create any TCP\/IP sockets|lock file .* already exists/i.test(reason)) {
    return 'another server holds the restore connection\'s port or socket: stop it or give the restore connection another port in its URL, then empty the data directory and re-run';
  }
  if (/insufficient parameter settings|must be set to at least|hot standby is not possible/i.test(reason)) {
    return 'the restored cluster\'s settings are lower than the backed-up server\'s (max_connections, max_worker_processes…): raise them in the data directory\'s postgresql.conf and start it again, or empty it and re-run';
  }
  if (/could not locate required checkpoint record|could not find redo location|requested timeline|WAL file .* not found|invalid checkpoint/i.test(reason)) {
    return 'WAL the backup needs is missing from the archive: check the archive (pgbackrest info, archive_command failures), choose another backup, then empty the data directory and re-run';
  }
  if (/permission denied/i.test(reason)) {
    return 'give the cluster\'s OS user (runAs) access to the data directory, then empty it and re-run';
  }
  if (/No space left|could not write|could not extend/i.test(reason)) {
    return 'the restore disk is full: give the data directory more room, then empty it and re-run';
  }
  return 'read the server log named above, fix the cause, then empty the data directory and re-run';
}
