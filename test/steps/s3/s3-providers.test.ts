import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/s3/index.js';
import { awsContext } from '../../support/aws-context.js';
import { fixtureS3Client, putObjects, startS3Emulator, type S3Emulator } from '../../support/s3-emulator.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

let emulator: S3Emulator;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  emulator = await startS3Emulator();
  const client = fixtureS3Client(emulator.endpoint);
  await putObjects(client, 'backups', {
    'db/base-2026-03-01.tar.gz': 'a'.repeat(100),
    'db/base-2026-03-05.tar.gz': 'b'.repeat(200),
    'db/base-2026-03-09.tar.gz': 'c'.repeat(300),
    'db/wal/000000010000000000000001': 'w'.repeat(16),
    'db/wal/000000010000000000000002': 'w'.repeat(16),
    'other/file.txt': 'x',
  });
  emulator.store.setLastModified('backups', 'db/base-2026-03-01.tar.gz', hoursAgo(9 * 24));
  emulator.store.setLastModified('backups', 'db/base-2026-03-05.tar.gz', hoursAgo(5 * 24));
  emulator.store.setLastModified('backups', 'db/base-2026-03-09.tar.gz', hoursAgo(27));
  emulator.store.setLastModified('backups', 'db/wal/000000010000000000000001', hoursAgo(2));
  emulator.store.setLastModified('backups', 'db/wal/000000010000000000000002', hoursAgo(1));
  // 2,345 objects: three ListObjectsV2 pages of at most 1,000 keys.
  emulator.store.createBucket('many');
  for (let index = 0; index < 2345; index++) {
    emulator.store.put('many', `logs/${String(index).padStart(5, '0')}.log`, Buffer.from('0123456789'), 'text/plain');
    emulator.store.setLastModified('many', `logs/${String(index).padStart(5, '0')}.log`, hoursAgo(100 - index / 100));
  }
});

afterAll(async () => {
  await emulator.close();
});

const context = (extra: Parameters<typeof awsContext>[0] = {}) => awsContext({ s3: emulator.endpoint, now: NOW, ...extra });

describe('s3.newestObject', () => {
  it('finds the newest object under a prefix and its age', async () => {
    const result = await providers['s3.newestObject']!.run({ bucket: 'backups', prefix: 'db/', maxAge: 3 * 3600 }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ key: 'db/wal/000000010000000000000002', lastModified: hoursAgo(1).toISOString(), ageSeconds: 3600, size: 16 });
  });

  it('filters by suffix and fails when the newest is older than maxAge', async () => {
    const result = await providers['s3.newestObject']!.run({ bucket: 'backups', prefix: 'db/', suffix: '.tar.gz', maxAge: 26 * 3600 }, context());
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.outputs.key).toBe('db/base-2026-03-09.tar.gz');
    expect(result.outputs.ageSeconds).toBe(27 * 3600);
    expect(result.expected).toBe('age <= 26h');
    expect(result.detail).toContain('older than 26h');
  });

  it('paginates across pages without downloading bodies', async () => {
    const before = emulator.controls.requestLog.length;
    const result = await providers['s3.newestObject']!.run({ bucket: 'many', prefix: 'logs/' }, context());
    const requests = emulator.controls.requestLog.slice(before);
    expect(result.ok).toBe(true);
    expect(result.outputs.key).toBe('logs/02344.log');
    expect(result.observed).toMatchObject({ count: 2345 });
    expect(requests).toEqual(['ListObjectsV2', 'ListObjectsV2', 'ListObjectsV2']);
  });

  it('says so when nothing is under the prefix', async () => {
    const result = await providers['s3.newestObject']!.run({ bucket: 'backups', prefix: 'nothing/' }, context());
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('No objects under s3://backups/nothing/');
  });

  it('classifies a missing bucket as not-found', async () => {
    const result = await providers['s3.newestObject']!.run({ bucket: 'no-such-bucket', prefix: '' }, context());
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('NoSuchBucket');
  });
});

describe('s3.prefixUsage', () => {
  it('counts objects and bytes under a prefix', async () => {
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: 'db/' }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ count: 5, bytes: 632 });
  });

  it('fails an unmet expectation and says which', async () => {
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'many', prefix: 'logs/', expect: { maxCount: 2000, minBytes: 10 } }, context());
    expect(result.ok).toBe(false);
    expect(result.outputs).toEqual({ count: 2345, bytes: 23450 });
    expect(result.detail).toContain('count 2345 > 2000');
    expect(result.expected).toBe('count <= 2000, bytes >= 10');
  });
});

describe('s3.retention', () => {
  it('counts full backups inside the window', async () => {
    const result = await providers['s3.retention']!.run({ bucket: 'backups', prefix: 'db/', window: 7 * 86400, minFull: 2, fullPattern: '(base|full)', maxAge: 30 * 3600 }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ fullInWindow: 2, newest: hoursAgo(27).toISOString(), oldest: hoursAgo(216).toISOString(), olderThanWindow: 1 });
  });

  it('fails when too few full backups fall inside the window or the newest is too old', async () => {
    const result = await providers['s3.retention']!.run({ bucket: 'backups', prefix: 'db/', window: 3 * 86400, minFull: 2, fullPattern: 'base', maxAge: 24 * 3600 }, context());
    expect(result.ok).toBe(false);
    expect(result.outputs.fullInWindow).toBe(1);
    expect(result.detail).toContain('1 full backups in the last 3d (need 2)');
    expect(result.detail).toContain('newest full backup is 27h old (limit 1d)');
  });

  it('rejects an invalid pattern as invalid input', async () => {
    const result = await providers['s3.retention']!.run({ bucket: 'backups', prefix: 'db/', window: 86400, minFull: 1, fullPattern: '(' }, context());
    expect(result.failure?.class).toBe('invalid-input');
  });
});

describe('s3.objectExists', () => {
  it('reports size, time and etag of an existing object', async () => {
    const result = await providers['s3.objectExists']!.run({ bucket: 'backups', key: 'db/base-2026-03-05.tar.gz' }, context());
    expect(result.ok).toBe(true);
    expect(result.outputs.size).toBe(200);
    expect(result.outputs.lastModified).toBe(hoursAgo(120).toISOString());
    expect(result.outputs.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('classifies a missing key as not-found', async () => {
    const result = await providers['s3.objectExists']!.run({ bucket: 'backups', key: 'db/missing' }, context());
    expect(result.ok).toBe(false);
    expect(result.failure?.class).toBe('not-found');
    expect(result.detail).toContain('s3://backups/db/missing does not exist');
  });
});

describe('s3 failure classes', () => {
  it('unreachable: nothing listens on the endpoint', async () => {
    const port = await closedPort();
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: '' }, awsContext({ s3: `http://127.0.0.1:${port}` }));
    expect(result.failure?.class).toBe('unreachable');
    expect(result.failure?.advice).toContain('endpoint');
  });

  it('authentication: the store does not know the access key', async () => {
    const strict = await startS3Emulator({ requiredAccessKeyId: 'AKIAGOOD' });
    try {
      const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: '' }, awsContext({ s3: strict.endpoint, accessKeyId: 'AKIABAD' }));
      expect(result.failure?.class).toBe('authentication');
      expect(result.detail).toContain('InvalidAccessKeyId');
    } finally {
      await strict.close();
    }
  });

  it('throttled then recovering: SlowDown twice is retried and reported', async () => {
    emulator.controls.injectFaults({ operation: 'ListObjectsV2', code: 'SlowDown', status: 503, times: 2 });
    const ctx = context();
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: 'db/' }, ctx);
    expect(result.ok).toBe(true);
    expect(result.outputs).toEqual({ count: 5, bytes: 632 });
    expect(ctx.progress).toHaveLength(2);
    expect(ctx.progress[0]).toContain('SlowDown; retrying in');
  });

  it('throttled for good: gives up after the retries with the throttled class', async () => {
    emulator.controls.injectFaults({ operation: 'ListObjectsV2', code: 'SlowDown', status: 503, times: 5 });
    const ctx = context();
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: 'db/' }, ctx);
    expect(result.failure?.class).toBe('throttled');
    expect(ctx.progress).toHaveLength(4);
  });

  it('timeout: a store slower than the step timeout', async () => {
    emulator.controls.injectDelay({ operation: 'ListObjectsV2', ms: 1500 });
    const started = Date.now();
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: 'db/' }, context({ timeoutMs: 300 }));
    expect(result.failure?.class).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1400);
    await new Promise((resolve) => setTimeout(resolve, 1300));
  });

  it('cancellation: the operator aborts', async () => {
    emulator.controls.injectDelay({ operation: 'HeadObject', ms: 800 });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 100);
    const result = await providers['s3.objectExists']!.run({ bucket: 'backups', key: 'db/base-2026-03-05.tar.gz' }, context({ signal: cancel.signal }));
    expect(result.failure?.class).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 800));
  });

  it('refuses a non-loopback endpoint in an emulated environment', async () => {
    const result = await providers['s3.prefixUsage']!.run({ bucket: 'backups', prefix: '' }, awsContext({ s3: 'http://s3.example.com' }));
    expect(result.failure?.class).toBe('invalid-input');
    expect(result.detail).toContain('not a loopback address');
  });
});

describe('S3 emulator', () => {
  it('keeps objects (and backdated times) in its directory across restarts', async () => {
    const directory = mkdtempSync(join(tmpdir(), 's3-emulator-'));
    try {
      const first = await startS3Emulator({ directory });
      await putObjects(fixtureS3Client(first.endpoint), 'kept', { 'a/one': '12345', 'a/two': '123' });
      first.store.setLastModified('kept', 'a/one', hoursAgo(3));
      await first.close();
      const second = await startS3Emulator({ directory });
      try {
        const usage = await providers['s3.prefixUsage']!.run({ bucket: 'kept', prefix: 'a/' }, awsContext({ s3: second.endpoint }));
        expect(usage.outputs).toEqual({ count: 2, bytes: 8 });
        const exists = await providers['s3.objectExists']!.run({ bucket: 'kept', key: 'a/one' }, awsContext({ s3: second.endpoint }));
        expect(exists.outputs.lastModified).toBe(hoursAgo(3).toISOString());
      } finally {
        await second.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('decodes aws-chunked uploads from a client with default checksum settings instead of storing them verbatim', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: emulator.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const body = 'x'.repeat(70_000);
    await client.send(new PutObjectCommand({ Bucket: 'backups', Key: 'chunked/one', Body: Buffer.from(body), ContentLength: body.length }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'backups', Key: 'chunked/one' }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(emulator.store.head('backups', 'chunked/one').size).toBe(70_000);
  });
});
