/**
 * Keeps the S3 emulator's buckets in step with the sandbox: with pg_basebackup, the local base
 * backups and WAL archive mirrored as the off-site copy (LastModified = the file's modification
 * time, so ages are real; with pgBackRest, its repo2 is that copy), the key backup, and audit
 * logs that keep arriving while the sandbox runs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Store } from './s3-emulator/index.js';
import type { SandboxNames } from './layout.js';
import { auditHistory, auditLogObject, keyBackupObject, type SeedObject } from './seed.js';

export interface MirrorSources {
  readonly names: SandboxNames;
  readonly baseBackupDir: string;
  readonly walArchiveDir: string;
}

/** A fresh audit log is written when the newest is older than this. */
const AUDIT_EVERY_MS = 12 * 3_600_000;

function ensureBucket(store: S3Store, bucket: string): void {
  if (!store.bucketNames().includes(bucket)) store.createBucket(bucket);
}

function has(store: S3Store, bucket: string, key: string, size?: number): boolean {
  try {
    const found = store.head(bucket, key);
    return size === undefined || found.size === size;
  } catch {
    return false;
  }
}

function putSeed(store: S3Store, object: SeedObject): void {
  store.put(object.bucket, object.key, object.body, object.contentType);
  store.setLastModified(object.bucket, object.key, object.lastModified);
}

function putFile(store: S3Store, bucket: string, key: string, path: string): boolean {
  const stat = statSync(path);
  if (!stat.isFile() || has(store, bucket, key, stat.size)) return false;
  store.put(bucket, key, readFileSync(path), 'application/octet-stream');
  store.setLastModified(bucket, key, stat.mtime);
  return true;
}

/** Mirrors completed base backups and archived WAL into the backup bucket; returns how many objects were written. */
export function mirrorBackups(store: S3Store, sources: MirrorSources): number {
  const { names } = sources;
  ensureBucket(store, names.backupBucket);
  let written = 0;
  if (existsSync(sources.baseBackupDir)) {
    for (const entry of readdirSync(sources.baseBackupDir, { withFileTypes: true })) {
      const dir = join(sources.baseBackupDir, entry.name);
      // Only completed backups: pg_basebackup writes backup_manifest last, and it goes up last here too.
      if (!entry.isDirectory() || !existsSync(join(dir, 'backup_manifest'))) continue;
      const files = readdirSync(dir).sort((a, b) => Number(a === 'backup_manifest') - Number(b === 'backup_manifest'));
      for (const file of files) written += Number(putFile(store, names.backupBucket, `${names.baseBackupPrefix}${entry.name}/${file}`, join(dir, file)));
    }
  }
  if (existsSync(sources.walArchiveDir)) {
    for (const file of readdirSync(sources.walArchiveDir).sort()) {
      written += Number(putFile(store, names.backupBucket, `${names.walPrefix}${file}`, join(sources.walArchiveDir, file)));
    }
  }
  return written;
}

/**
 * The buckets, the key backup and the audit logs: history on a first start, a new log at each
 * start-up and every 12 hours. The backup bucket is made even when nothing is mirrored into it:
 * pgBackRest's repo2 lives there, and stanza-create expects the bucket.
 */
export function ensureSeedObjects(store: S3Store, names: SandboxNames, now: Date, startingUp: boolean): void {
  ensureBucket(store, names.backupBucket);
  ensureBucket(store, names.keyBucket);
  ensureBucket(store, names.auditBucket);
  const key = keyBackupObject(names, now);
  if (!has(store, key.bucket, key.key)) putSeed(store, key);
  const audits = store.objects(names.auditBucket);
  if (audits.length === 0) for (const object of auditHistory(names, now)) putSeed(store, object);
  const newest = Math.max(0, ...audits.map((object) => Date.parse(object.lastModified)));
  if (startingUp || now.getTime() - newest > AUDIT_EVERY_MS) {
    putSeed(store, auditLogObject(names, now, `control-plane-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`));
  }
}
