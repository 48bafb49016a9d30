/**
 * Reading a runbooks file without trusting it: only a regular file is read (a FIFO would block
 * the command until something writes to it, /dev/zero and /dev/urandom never end), never more
 * than the size limit, and the file is looked at before it is opened, so nothing blocks.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { ConfigError } from '../errors.js';

/** The largest runbooks file read: the bundled one is about 60 KiB, a 200-runbook file under 3 MiB. */
const RUNBOOKS_FILE_LIMIT = 8 * 1024 * 1024;

/** The file's bytes; a ConfigError naming the file and what to do when it is missing, not a file, or too large. */
export function readRunbooksBytes(path: string, label: string, limit = RUNBOOKS_FILE_LIMIT): Buffer {
  let descriptor: number | undefined;
  try {
    refuseUnlessReadable(statSync(path), label, limit);
    // O_NONBLOCK: had the path become a FIFO since the stat, opening it would wait for a writer.
    descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const opened = fstatSync(descriptor);
    refuseUnlessReadable(opened, label, limit);
    return readAtMost(descriptor, opened.size, label, limit);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError(`runbooks file not found: ${label}; pass --file or set RUNBOOK_FILE`);
    if (code === 'EISDIR') throw new ConfigError(`${label} is a directory, not a runbooks file; pass --file with the YAML file`);
    throw new ConfigError(`cannot read runbooks file ${label}: ${(error as Error).message}`);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function refuseUnlessReadable(stats: Stats, label: string, limit: number): void {
  if (stats.isDirectory()) throw new ConfigError(`${label} is a directory, not a runbooks file; pass --file with the YAML file`);
  if (!stats.isFile()) throw new ConfigError(`${label} is ${kindOf(stats)}, not a runbooks file; pass --file with a regular YAML file`);
  if (stats.size > limit) throw tooLarge(label, stats.size, limit);
}

/** Reads to the end, but never past the limit: a file growing (or a /proc file claiming size 0) is still bounded. */
function readAtMost(descriptor: number, size: number, label: string, limit: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(limit, size > 0 ? size : 64 * 1024) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) throw tooLarge(label, length, limit, true);
      const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const read = readSync(descriptor, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  if (length > limit) throw tooLarge(label, length, limit, true);
  return buffer.subarray(0, length);
}

function tooLarge(label: string, size: number, limit: number, atLeast = false): ConfigError {
  return new ConfigError(`runbooks file ${label} is ${atLeast ? 'over ' : ''}${mebibytes(size)}; the limit is ${mebibytes(limit)} (is it the right file?)`);
}

function mebibytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
