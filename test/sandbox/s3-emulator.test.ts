/**
 * The S3 emulator as a third-party client sees it: the real @aws-sdk/client-s3 over HTTPS
 * (trusting only the CA the sandbox makes), delimiter listing with CommonPrefixes, multi-object
 * delete, multipart uploads with S3's rules, and the digests S3 checks.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorError } from '../../src/errors.js';
import { createLoopbackCertificate, ensureLoopbackCertificate, loopbackCertificateProblem, type LoopbackCertificateFiles } from '../../src/sandbox/tls-certificate.js';
import { fixtureS3Client, startS3Emulator, type S3Emulator } from '../support/s3-emulator.js';

const MiB = 1024 * 1024;

let workDir: string;
let certificate: LoopbackCertificateFiles;
let emulator: S3Emulator;
let client: S3Client;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 's3-emulator-tls-'));
  certificate = await createLoopbackCertificate(join(workDir, 'tls'));
  emulator = await startS3Emulator({ tls: certificate });
  client = fixtureS3Client(emulator.endpoint, { caFile: certificate.caFile });
  await client.send(new CreateBucketCommand({ Bucket: 'repo' }));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** The error name the SDK raised, or 'no error'. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

describe('the loopback certificate', () => {
  it('is a CA plus a server certificate for 127.0.0.1 and localhost, the CA key gone and the server key private', () => {
    const ca = new X509Certificate(readFileSync(certificate.caFile));
    const server = new X509Certificate(readFileSync(certificate.certFile));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.subjectAltName).toContain('DNS:127.0.0.1');
    expect(readdirSync(join(workDir, 'tls')).sort()).toEqual(['ca.crt', 'server.crt', 'server.key']);
    expect(statSync(certificate.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(certificate.caFile).mode & 0o777).toBe(0o644);
    expect(loopbackCertificateProblem(join(workDir, 'tls'))).toBeUndefined();
  });

  it('is reused while good and replaced when damaged', async () => {
    const directory = join(workDir, 'reuse');
    const first = await ensureLoopbackCertificate(directory);
    const firstCa = readFileSync(first.caFile, 'utf8');
    expect(first.created).toBe(true);
    const again = await ensureLoopbackCertificate(directory);
    expect(again.created).toBe(false);
    expect(readFileSync(again.caFile, 'utf8')).toBe(firstCa);
    // A key from another certificate: the pair no longer matches.
    writeFileSync(first.keyFile, readFileSync(certificate.keyFile));
    expect(loopbackCertificateProblem(directory)).toContain('is not the key of');
    const replaced = await ensureLoopbackCertificate(directory);
    expect(replaced.created).toBe(true);
    expect(readFileSync(replaced.caFile, 'utf8')).not.toBe(firstCa);
    expect(loopbackCertificateProblem(directory)).toBeUndefined();
  });

  it('names the package to install when openssl is missing', async () => {
    const failure = await createLoopbackCertificate(join(workDir, 'no-openssl'), { openssl: join(workDir, 'no-such-openssl') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OperatorError);
    expect((failure as Error).message).toContain('install the openssl package');
    expect(existsSync(join(workDir, 'no-openssl', 'ca.crt'))).toBe(false);
  });
});

describe('the emulator over HTTPS', () => {
  it('serves the SDK that trusts the sandbox CA, and refuses one that does not', async () => {
    expect(emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await client.send(new PutObjectCommand({ Bucket: 'repo', Key: 'hello.txt', Body: 'over tls' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'repo', Key: 'hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('over tls');
    const untrusting = fixtureS3Client(emulator.endpoint);
    const refused = await untrusting.send(new GetObjectCommand({ Bucket: 'repo', Key: 'hello.txt' })).catch((error: NodeJS.ErrnoException) => error.code);
    expect(refused).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('serves one store over HTTPS and, when asked, plain HTTP beside it', async () => {
    const both = await startS3Emulator({ tls: certificate, plainPort: 0 });
    try {
      expect(both.endpoint).toMatch(/^https:/);
      expect(both.plainEndpoint).toBe(`http://127.0.0.1:${both.plainPort}`);
      await fixtureS3Client(both.endpoint, { caFile: certificate.caFile }).send(new CreateBucketCommand({ Bucket: 'shared' }));
      await fixtureS3Client(both.endpoint, { caFile: certificate.caFile }).send(new PutObjectCommand({ Bucket: 'shared', Key: 'k', Body: 'written over https' }));
      const got = await fixtureS3Client(both.plainEndpoint!).send(new GetObjectCommand({ Bucket: 'shared', Key: 'k' }));
      expect(await got.Body!.transformToString()).toBe('written over https');
    } finally {
      await both.close();
    }
  });

  it('still serves plain HTTP by default', async () => {
    const plain = await startS3Emulator();
    try {
      expect(plain.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const plainClient = fixtureS3Client(plain.endpoint);
      await plainClient.send(new CreateBucketCommand({ Bucket: 'plain' }));
      await plainClient.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'v' }));
      expect(plain.store.body('plain', 'k').toString()).toBe('v');
    } finally {
      await plain.close();
    }
  });
});

describe('ListObjectsV2 with a delimiter', () => {
  beforeAll(() => {
    const keys = ['archive/main/archive.info', 'archive/main/15-1/0000000100000000/a', 'archive/main/15-1/0000000100000001/b', 'archive/main/16-2/x', 'archive/main/16-2/y',
      'backup/main/backup.info', 'backup/main/20260301-000000F/backup.manifest', 'backup/main/20260302-000000F/backup.manifest', 'backup/main/20260302-000000F/pg_data/PG_VERSION', 'top.txt'];
    for (const key of keys) emulator.store.put('repo', key, Buffer.from(key), 'text/plain');
  });

  it('rolls keys below the delimiter up into CommonPrefixes', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'repo', Prefix: 'archive/main/', Delimiter: '/' }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['archive/main/archive.info']);
    expect(listed.CommonPrefixes?.map((common) => common.Prefix)).toEqual(['archive/main/15-1/', 'archive/main/16-2/']);
    expect(listed.KeyCount).toBe(3);
    expect(listed.Delimiter).toBe('/');
    expect(listed.IsTruncated).toBe(false);
  });

  it('pages through keys and prefixes together, never repeating a prefix across pages', async () => {
    const pages: ListObjectsV2CommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'repo', Prefix: 'backup/main/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
      pages.push(page);
      token = page.NextContinuationToken;
    } while (token);
    expect(pages.map((page) => [...(page.CommonPrefixes ?? []).map((common) => common.Prefix), ...(page.Contents ?? []).map((object) => object.Key)])).toEqual([
      ['backup/main/20260301-000000F/'],
      ['backup/main/20260302-000000F/'],
      ['backup/main/backup.info'],
    ]);
    expect(pages.map((page) => page.IsTruncated)).toEqual([true, true, false]);
  });

  it('lists the top level of the bucket', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'repo', Delimiter: '/' }));
    expect(listed.CommonPrefixes?.map((common) => common.Prefix)).toEqual(['archive/', 'backup/']);
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['hello.txt', 'top.txt']);
  });

  it('lists everything under a prefix when there is no delimiter', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'repo', Prefix: 'archive/main/16-2/' }));
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['archive/main/16-2/x', 'archive/main/16-2/y']);
    expect(listed.CommonPrefixes).toBeUndefined();
  });
});

describe('DeleteObjects', () => {
  it('deletes the keys listed, counting a missing key as deleted', async () => {
    emulator.store.put('repo', 'doomed/1', Buffer.from('1'), 'text/plain');
    emulator.store.put('repo', 'doomed/2', Buffer.from('2'), 'text/plain');
    const result = await client.send(new DeleteObjectsCommand({ Bucket: 'repo', Delete: { Objects: [{ Key: 'doomed/1' }, { Key: 'doomed/2' }, { Key: 'doomed/never' }] } }));
    expect(result.Deleted?.map((deleted) => deleted.Key)).toEqual(['doomed/1', 'doomed/2', 'doomed/never']);
    expect(emulator.store.objects('repo').filter((object) => object.key.startsWith('doomed/'))).toEqual([]);
    const quiet = await client.send(new DeleteObjectsCommand({ Bucket: 'repo', Delete: { Quiet: true, Objects: [{ Key: 'doomed/1' }] } }));
    expect(quiet.Deleted).toBeUndefined();
  });
});

describe('multipart upload', () => {
  const first = Buffer.alloc(5 * MiB, 'a');
  const last = Buffer.from('the last part may be small');

  it('assembles the parts in order, with S3-style ETag', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'repo', Key: 'big/object', ContentType: 'application/x-test' }));
    expect(UploadId).toBeTruthy();
    // Parts may arrive in any order; the object follows the part numbers.
    const two = await client.send(new UploadPartCommand({ Bucket: 'repo', Key: 'big/object', UploadId, PartNumber: 2, Body: last }));
    const one = await client.send(new UploadPartCommand({ Bucket: 'repo', Key: 'big/object', UploadId, PartNumber: 1, Body: first }));
    expect(one.ETag).toBe(`"${createHash('md5').update(first).digest('hex')}"`);
    const done = await client.send(new CompleteMultipartUploadCommand({
      Bucket: 'repo', Key: 'big/object', UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] },
    }));
    const expectedEtag = `"${createHash('md5').update(Buffer.concat([createHash('md5').update(first).digest(), createHash('md5').update(last).digest()])).digest('hex')}-2"`;
    expect(done.ETag).toBe(expectedEtag);
    const got = await client.send(new GetObjectCommand({ Bucket: 'repo', Key: 'big/object' }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    expect(body.length).toBe(first.length + last.length);
    expect(body.equals(Buffer.concat([first, last]))).toBe(true);
    expect(got.ContentType).toBe('application/x-test');
    expect(got.ETag).toBe(expectedEtag);
    expect(emulator.uploads.inProgress).toBe(0);
  });

  it('refuses what S3 refuses: a small part before the last, a wrong ETag, parts out of order, an aborted upload', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'repo', Key: 'bad/object' }));
    const small = await client.send(new UploadPartCommand({ Bucket: 'repo', Key: 'bad/object', UploadId, PartNumber: 1, Body: last }));
    const big = await client.send(new UploadPartCommand({ Bucket: 'repo', Key: 'bad/object', UploadId, PartNumber: 2, Body: first }));
    const complete = (parts: Array<{ PartNumber: number; ETag?: string }>) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'repo', Key: 'bad/object', UploadId, MultipartUpload: { Parts: parts } }));
    expect(await errorOf(complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: big.ETag }]))).toBe('EntityTooSmall');
    expect(await errorOf(complete([{ PartNumber: 2, ETag: small.ETag }]))).toBe('InvalidPart');
    expect(await errorOf(complete([{ PartNumber: 2, ETag: big.ETag }, { PartNumber: 1, ETag: small.ETag }]))).toBe('InvalidPartOrder');
    expect(await errorOf(client.send(new UploadPartCommand({ Bucket: 'repo', Key: 'bad/object', UploadId, PartNumber: 10_001, Body: last })))).toBe('InvalidArgument');
    await client.send(new AbortMultipartUploadCommand({ Bucket: 'repo', Key: 'bad/object', UploadId }));
    expect(await errorOf(complete([{ PartNumber: 2, ETag: big.ETag }]))).toBe('NoSuchUpload');
    expect(await errorOf(client.send(new GetObjectCommand({ Bucket: 'repo', Key: 'bad/object' })))).toBe('NoSuchKey');
    expect(emulator.uploads.inProgress).toBe(0);
  });
});

describe('payload digests', () => {
  it('answers BadDigest when Content-MD5 does not match the body', async () => {
    const wrong = createHash('md5').update('something else').digest('base64');
    expect(await errorOf(client.send(new PutObjectCommand({ Bucket: 'repo', Key: 'digest/bad', Body: 'the body', ContentMD5: wrong })))).toBe('BadDigest');
    await client.send(new PutObjectCommand({ Bucket: 'repo', Key: 'digest/good', Body: 'the body', ContentMD5: createHash('md5').update('the body').digest('base64') }));
    expect(emulator.store.body('repo', 'digest/good').toString()).toBe('the body');
    expect(await errorOf(client.send(new GetObjectCommand({ Bucket: 'repo', Key: 'digest/bad' })))).toBe('NoSuchKey');
  });
});

describe('a persisted emulator', () => {
  it('loads only bucket folders from its directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 's3-emulator-dir-'));
    try {
      const first = await startS3Emulator({ directory });
      first.store.createBucket('kept');
      first.store.put('kept', 'k', Buffer.from('v'), 'text/plain');
      await first.close();
      // Something else kept beside the buckets, e.g. the certificate folder of a sandbox.
      await createLoopbackCertificate(join(directory, '.tls'));
      const second = await startS3Emulator({ directory });
      try {
        expect(second.store.bucketNames()).toEqual(['kept']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
