/**
 * Opening the session database only to read it, for the commands that never write (sessions,
 * export, verify, evidence): an auditor with read access, a copy on read-only media, a file the
 * operator may read but not write. Nothing here creates, tunes or migrates the file.
 *
 * A WAL database with a -wal file is read through its -shm index, which SQLite must be able to
 * open or create (https://www.sqlite.org/wal.html#readonly); a -wal without its -shm in a
 * directory the user cannot write cannot be read without writing, and is refused with what to
 * do. Without a -wal file, every committed transaction is in the main file, so where opening it
 * in place would create files, an image of it read into memory is the whole database. A schema
 * older than this build is upgraded in a private in-memory copy, never in the file, and the
 * caller is told once.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { OperatorError } from '../errors.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';

/** A connection that reads the database, and what the reader should be told about it. */
export interface ReadOnlyDatabase {
  readonly db: Database.Database;
  /** Set when the file's schema is older than this build and was upgraded in memory for reading. */
  readonly notice?: string;
}

// Bytes 18 and 19 of the header: file format versions; 2 means WAL, 1 the rollback journal.
// An in-memory image must not claim WAL, which an in-memory database cannot have
// (https://www.sqlite.org/fileformat2.html#database_header).
const FORMAT_READ_VERSION = 18;
const FORMAT_WRITE_VERSION = 19;
const BUSY_TIMEOUT_MS = 10_000;

/** Opens `path` (which must exist) for reading only; OperatorErrors name the file and what to do. */
export function openReadOnlyDatabase(path: string): ReadOnlyDatabase {
  checkReadable(path);
  const db = openCurrent(path);
  try {
    return upgradedForReading(db, path);
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

function checkReadable(path: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OperatorError(
      code === 'EACCES'
        ? `cannot read the session database ${path}: permission denied; run as a user who may read it, or point --db / RUNBOOK_DB at a readable copy`
        : `cannot read the session database ${path}: ${code ?? (error as Error).message}; check the path (--db or RUNBOOK_DB)`,
    );
  }
}

/**
 * With a -wal beside it, a writer is connected (or stopped without a checkpoint): read in place,
 * through the log. Without one, the main file holds every committed transaction. Its owner (or
 * root, for whom SQLite gives new files to the owner) reads it in place; SQLite then creates an
 * empty -wal and -shm if the directory allows. Another user reads an image of the file in
 * memory instead: files it created would be its own, and could lock the owner out of the
 * database. So does anyone where the directory is not writable and the files cannot be made.
 */
function openCurrent(path: string): Database.Database {
  const wal = `${path}-wal`;
  const uid = process.getuid?.();
  if (!existsSync(wal) && (uid === 0 || uid === statSync(path).uid)) {
    const db = openInPlace(path, { orUndefined: true });
    if (db) return db;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    if (existsSync(wal)) return openInPlace(path);
    const before = statSync(path);
    const image = readFileSync(path);
    const after = statSync(path);
    // A writer that started meanwhile writes its -wal first and copies pages in only at a checkpoint; a change means look again.
    if (before.size !== after.size || before.mtimeMs !== after.mtimeMs || existsSync(wal)) continue;
    try {
      const db = inMemory(image);
      db.pragma('user_version', { simple: true });
      return db;
    } catch (error) {
      throw notADatabase(path, error);
    }
  }
  throw new OperatorError(`the session database ${path} kept changing while it was read; run the command again`);
}

/** The file itself, read-only, through its write-ahead log; `orUndefined`: undefined where that would need a write. */
function openInPlace(path: string, options: { orUndefined: true }): Database.Database | undefined;
function openInPlace(path: string): Database.Database;
function openInPlace(path: string, options?: { orUndefined: true }): Database.Database | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    // The first read is where a missing index (-shm) that cannot be created shows.
    db.pragma('user_version', { simple: true });
    return db;
  } catch (error) {
    if (db?.open) db.close();
    const code = (error as { code?: string }).code ?? '';
    const needsWrite = code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN');
    if (needsWrite && options?.orUndefined) return undefined;
    if (needsWrite) {
      throw new OperatorError(
        `cannot read the session database ${path} without writing: its write-ahead log ${path}-wal has no index (${path}-shm) and ${dirname(path)} is not writable; ` +
          'run it as a user who may write that directory, or copy the database and its -wal file to a writable directory and point --db at the copy',
      );
    }
    throw notADatabase(path, error);
  }
}

function notADatabase(path: string, error: unknown): OperatorError {
  return new OperatorError(`cannot open the session database ${path}: ${(error as Error).message}; check that it is a runbook session database (--db or RUNBOOK_DB)`);
}

/** A private in-memory database from a file image. */
function inMemory(image: Buffer): Database.Database {
  if (image.length > FORMAT_WRITE_VERSION) {
    image[FORMAT_READ_VERSION] = 1;
    image[FORMAT_WRITE_VERSION] = 1;
  }
  return new Database(image);
}

/** The database as this build reads it: as it is when current, else upgraded in a private copy. */
function upgradedForReading(db: Database.Database, path: string): ReadOnlyDatabase {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new OperatorError(
      `the session database ${path} was written by a newer runbook (schema ${version}, this build knows ${SCHEMA_VERSION}); upgrade runbook`,
    );
  }
  if (version === SCHEMA_VERSION) return { db };
  const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number;
  if (version === 0 && tables > 0) {
    throw new OperatorError(`${path} is not a runbook session database; point --db or RUNBOOK_DB at the right file`);
  }
  const copy = version === 0 ? new Database(':memory:') : inMemory(db.serialize());
  db.close();
  migrate(copy);
  // An empty file (a write command stopped before its first transaction) holds no sessions: nothing to tell.
  if (version === 0) return { db: copy };
  return {
    db: copy,
    notice: `the session database ${path} has schema ${version}, older than this runbook's ${SCHEMA_VERSION}; read through an upgraded copy in memory. Run a command that writes (e.g. "runbook check") once to upgrade the file`,
  };
}
