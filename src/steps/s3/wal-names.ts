/**
 * Which objects in a WAL archive are WAL segments. Archives hold other files beside them, and
 * counting those hides what matters: pgBackRest rewrites `archive.info` at every backup (so a
 * fresh backup made a stopped archive look fresh), and PostgreSQL archives a backup history file
 * (`<segment>.<offset>.backup`) per base backup and a timeline history file (`<timeline>.history`)
 * per promotion, none of which is a segment, let alone a full backup.
 *
 * Segment names, as each tool stores them: PostgreSQL's `000000010000000000000003` (24 hex digits),
 * pgBackRest's `000000010000000000000003-<sha1>[.gz|.lz4|.zst|.bz2]`, WAL-G's
 * `000000010000000000000003.lz4` (or .br, .zst, .lzma). A `.partial` segment (left by a promotion)
 * is incomplete and is not counted as one.
 */

export type WalObjectKind = 'segment' | 'partial' | 'backup-history' | 'timeline-history' | 'archive-info' | 'other';

const SEGMENT = /^([0-9A-F]{24})(-[0-9a-f]{40})?(\.(gz|lz4|zst|bz2|br|lzma|xz))?$/;
const PARTIAL = /^[0-9A-F]{24}\.partial(-[0-9a-f]{40})?(\.[a-z0-9]+)?$/;
const BACKUP_HISTORY = /^[0-9A-F]{24}\.[0-9A-F]{8}\.backup(-[0-9a-f]{40})?(\.[a-z0-9]+)?$/;
const TIMELINE_HISTORY = /^[0-9A-F]{8}\.history(-[0-9a-f]{40})?(\.[a-z0-9]+)?$/;
const ARCHIVE_INFO = /^archive\.info(\.copy)?$/;

/** The last path element of an object key or file path. */
function baseName(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? key : key.slice(slash + 1);
}

/** What an archive object is, by its name. */
export function walObjectKind(key: string): WalObjectKind {
  const name = baseName(key);
  if (SEGMENT.test(name)) return 'segment';
  if (PARTIAL.test(name)) return 'partial';
  if (BACKUP_HISTORY.test(name)) return 'backup-history';
  if (TIMELINE_HISTORY.test(name)) return 'timeline-history';
  if (ARCHIVE_INFO.test(name)) return 'archive-info';
  return 'other';
}

/** The 24-hex-digit segment name of a WAL segment object, or undefined when the object is not one. */
export function walSegmentOf(key: string): string | undefined {
  return SEGMENT.exec(baseName(key))?.[1];
}

/** True for a complete WAL segment (compressed or not), false for anything else in an archive. */
export function isWalSegmentName(key: string): boolean {
  return walSegmentOf(key) !== undefined;
}
