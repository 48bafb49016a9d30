/** Leases in the SQLite file: table `locks`, one row per session, taken in an immediate transaction. */
import type Database from 'better-sqlite3';
import type { LeaseHolder, LeaseRequest, LeaseStore, StaleCheck, TakenLease } from './lease-store.js';
import { SessionLockedError } from './lock.js';

interface LockRow {
  pid: number;
  host: string;
  operator: string | null;
  since: string;
  heartbeat_at: string;
  token: string;
  epoch: number;
}

export class SqliteLeases implements LeaseStore {
  private readonly selectRow: Database.Statement;

  // One machine: the callers' clock is the store's.
  constructor(private readonly db: Database.Database) {
    this.selectRow = db.prepare('SELECT pid, host, operator, since, heartbeat_at, token, epoch FROM locks WHERE session_id = ?');
  }

  holder(sessionId: string, now: Date): LeaseHolder | undefined {
    const row = this.row(sessionId);
    return row && row.token !== '' ? toHolder(row, now) : undefined;
  }

  take(sessionId: string, request: LeaseRequest, stale: StaleCheck): TakenLease {
    const take = this.db.transaction((): TakenLease => {
      const row = this.row(sessionId);
      let takenOver: TakenLease['takenOver'];
      if (row && row.token !== '') {
        const holder = toHolder(row, request.now);
        const reason = stale(holder);
        if (!reason) throw new SessionLockedError(sessionId, holder);
        takenOver = { ...holder, reason };
      }
      const epoch = (row?.epoch ?? 0) + 1;
      const at = request.now.toISOString();
      this.db
        .prepare('INSERT OR REPLACE INTO locks (session_id, pid, host, operator, since, heartbeat_at, token, epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(sessionId, request.pid, request.host, request.operator, at, at, request.token, epoch);
      return takenOver ? { epoch, takenOver } : { epoch };
    });
    return take.immediate();
  }

  heartbeat(sessionId: string, token: string, now: Date): boolean {
    const result = this.db.prepare('UPDATE locks SET heartbeat_at = ? WHERE session_id = ? AND token = ?').run(now.toISOString(), sessionId, token);
    return result.changes === 1;
  }

  isHeld(sessionId: string, token: string): boolean {
    return this.row(sessionId)?.token === token;
  }

  release(sessionId: string, token: string): void {
    this.db.prepare("UPDATE locks SET token = '', pid = 0 WHERE session_id = ? AND token = ?").run(sessionId, token);
  }

  private row(sessionId: string): LockRow | undefined {
    return this.selectRow.get(sessionId) as LockRow | undefined;
  }
}

function toHolder(row: LockRow, now: Date): LeaseHolder {
  return {
    pid: row.pid,
    host: row.host,
    operator: row.operator,
    since: row.since,
    heartbeatAt: row.heartbeat_at,
    ageMs: now.getTime() - Date.parse(row.heartbeat_at),
    epoch: row.epoch,
  };
}
