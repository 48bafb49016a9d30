/**
 * Buckets and objects of the S3 emulator, in memory, optionally persisted under a directory
 * (one folder per bucket; each object as `<hex key>.body` and `<hex key>.json`) so a sandbox
 * keeps its objects across restarts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  lastModified: string;
  readonly contentType: string;
}

/** An S3 error: code, message, HTTP status. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly resource?: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const hex = (key: string) => Buffer.from(key, 'utf8').toString('hex');

/** The emulator's buckets and objects. */
export class S3Store {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly bodies = new Map<string, Buffer>();

  constructor(private readonly directory?: string) {
    if (directory) this.load(directory);
  }

  createBucket(bucket: string): void {
    if (!BUCKET_NAME.test(bucket)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, bucket);
    if (this.buckets.has(bucket)) throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, bucket);
    this.buckets.set(bucket, new Map());
    if (this.directory) mkdirSync(join(this.directory, bucket), { recursive: true });
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort();
  }

  /** Objects of a bucket in key order. */
  objects(bucket: string): StoredObject[] {
    return [...this.requireBucket(bucket).values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  head(bucket: string, key: string): StoredObject {
    const found = this.requireBucket(bucket).get(key);
    if (!found) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, key);
    return found;
  }

  body(bucket: string, key: string): Buffer {
    this.head(bucket, key);
    const cached = this.bodies.get(`${bucket}/${key}`);
    if (cached) return cached;
    return readFileSync(join(this.directory!, bucket, `${hex(key)}.body`));
  }

  /** Stores an object; its ETag is the body's MD5 unless given (a multipart upload's differs). */
  put(bucket: string, key: string, body: Buffer, contentType: string, etag?: string): StoredObject {
    const objects = this.requireBucket(bucket);
    const stored: StoredObject = {
      key,
      size: body.length,
      etag: etag ?? `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date().toISOString(),
      contentType,
    };
    objects.set(key, stored);
    if (this.directory) {
      writeFileSync(join(this.directory, bucket, `${hex(key)}.body`), body);
      this.persist(bucket, stored);
    } else {
      this.bodies.set(`${bucket}/${key}`, body);
    }
    return stored;
  }

  delete(bucket: string, key: string): void {
    const objects = this.requireBucket(bucket);
    if (!objects.delete(key)) return;
    this.bodies.delete(`${bucket}/${key}`);
    if (this.directory) {
      rmSync(join(this.directory, bucket, `${hex(key)}.body`), { force: true });
      rmSync(join(this.directory, bucket, `${hex(key)}.json`), { force: true });
    }
  }

  /** Backdates (or moves) an object's LastModified: real stores can't, drills and tests need it. */
  setLastModified(bucket: string, key: string, when: Date): void {
    const stored = this.head(bucket, key);
    stored.lastModified = when.toISOString();
    if (this.directory) this.persist(bucket, stored);
  }

  requireBucket(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, bucket);
    return objects;
  }

  private persist(bucket: string, stored: StoredObject): void {
    writeFileSync(join(this.directory!, bucket, `${hex(stored.key)}.json`), JSON.stringify(stored));
  }

  private load(directory: string): void {
    if (!existsSync(directory)) mkdirSync(directory, { recursive: true });
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      // Only bucket folders: anything else kept beside them is not a bucket.
      if (!entry.isDirectory() || !BUCKET_NAME.test(entry.name)) continue;
      const objects = new Map<string, StoredObject>();
      for (const file of readdirSync(join(directory, entry.name))) {
        if (!file.endsWith('.json')) continue;
        const stored = JSON.parse(readFileSync(join(directory, entry.name, file), 'utf8')) as StoredObject;
        objects.set(stored.key, stored);
      }
      this.buckets.set(entry.name, objects);
    }
  }
}
