/**
 * The HTTP face of the S3 emulator: path-style REST (`/bucket/key`) for ListBuckets, CreateBucket,
 * HeadBucket, ListObjectsV2 (prefix, max-keys, continuation-token, start-after), PutObject (plain
 * or aws-chunked bodies, decoded rather than stored verbatim), GetObject, HeadObject and
 * DeleteObject, with S3's XML errors and injectable faults and delays.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error, type S3Store } from './store.js';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A fault answered instead of `times` requests of `operation` (or any, `*`). */
export interface S3FaultInjection {
  readonly operation: string;
  readonly code: string;
  readonly status: number;
  readonly times?: number;
}

/** Latency added to `times` requests of `operation` (or any, `*`). */
export interface S3DelayInjection {
  readonly operation: string;
  readonly ms: number;
  readonly times?: number;
}

/** Injections and settings the handler consults on each request. */
export class S3Controls {
  requiredAccessKeyId: string | undefined;
  readonly requestLog: string[] = [];
  private readonly faults: Array<S3FaultInjection & { remaining: number }> = [];
  private readonly delays: Array<S3DelayInjection & { remaining: number }> = [];

  injectFaults(fault: S3FaultInjection): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  injectDelay(delay: S3DelayInjection): void {
    this.delays.push({ ...delay, remaining: delay.times ?? 1 });
  }

  clearInjections(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }

  take<T extends { operation: string; remaining: number }>(list: T[], operation: string): T | undefined {
    const index = list.findIndex((item) => item.remaining > 0 && (item.operation === operation || item.operation === '*'));
    if (index < 0) return undefined;
    const item = list[index]!;
    item.remaining -= 1;
    if (item.remaining === 0) list.splice(index, 1);
    return item;
  }

  takeFault(operation: string): S3FaultInjection | undefined {
    return this.take(this.faults, operation);
  }

  takeDelay(operation: string): number {
    return this.take(this.delays, operation)?.ms ?? 0;
  }
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`);
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

/** Decodes an `aws-chunked` body (`size;chunk-signature=…\r\ndata\r\n…0\r\ntrailers`). */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new S3Error('IncompleteBody', 'The aws-chunked body ended early.', 400);
    const size = parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new S3Error('InvalidRequest', 'Malformed aws-chunked body.', 400);
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function isChunked(request: IncomingMessage): boolean {
  const encoding = String(request.headers['content-encoding'] ?? '');
  const sha = String(request.headers['x-amz-content-sha256'] ?? '');
  return encoding.split(',').map((part) => part.trim()).includes('aws-chunked') || sha.startsWith('STREAMING-');
}

function operationOf(method: string, key: string, query: URLSearchParams, bucket: string): string {
  if (!bucket) return 'ListBuckets';
  if (!key) {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return `${method}Bucket`;
  }
  return ({ PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<string, string>)[method] ?? `${method}Object`;
}

function listObjectsV2(store: S3Store, bucket: string, query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Number(query.get('max-keys') ?? 1000));
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'max-keys must be a non-negative integer', 400);
  const token = query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : query.get('start-after') ?? '';
  const matching = store.objects(bucket).filter((object) => object.key.startsWith(prefix) && object.key > after);
  const page = matching.slice(0, maxKeys);
  const truncated = matching.length > page.length;
  const contents = page
    .map((object) => `<Contents>${el('Key', object.key)}${el('LastModified', object.lastModified)}${el('ETag', object.etag)}${el('Size', object.size)}${el('StorageClass', 'STANDARD')}</Contents>`)
    .join('');
  const next = truncated ? Buffer.from(page[page.length - 1]!.key, 'utf8').toString('base64url') : undefined;
  return xml(
    `<ListBucketResult xmlns="${NAMESPACE}">${el('Name', bucket)}${el('Prefix', prefix)}${el('KeyCount', page.length)}${el('MaxKeys', maxKeys)}` +
      `${el('IsTruncated', truncated)}${el('ContinuationToken', token ?? undefined)}${el('NextContinuationToken', next)}${el('StartAfter', query.get('start-after') ?? undefined)}${contents}</ListBucketResult>`,
  );
}

function objectHeaders(object: { size: number; etag: string; lastModified: string; contentType: string }): Record<string, string | number> {
  return {
    'content-type': object.contentType,
    'content-length': object.size,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the request handler for `store`. */
export function createS3Handler(store: S3Store, controls: S3Controls): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
      const bucket = decodeURIComponent(bucketPart);
      const key = decodeURIComponent(keyParts.join('/'));
      const method = req.method ?? 'GET';
      const operation = operationOf(method, key, url.searchParams, bucket);
      controls.requestLog.push(operation);
      const raw = await readBody(req);
      const delay = controls.takeDelay(operation);
      if (delay > 0) await wait(delay);
      if (res.destroyed) return;
      try {
        const accessKey = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
        if (controls.requiredAccessKeyId !== undefined && accessKey !== controls.requiredAccessKeyId) {
          throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
        }
        const fault = controls.takeFault(operation);
        if (fault) throw new S3Error(fault.code, `Injected ${fault.code}`, fault.status);
        switch (operation) {
          case 'ListBuckets': {
            const buckets = store.bucketNames().map((name) => `<Bucket>${el('Name', name)}${el('CreationDate', new Date(0).toISOString())}</Bucket>`).join('');
            return send(res, 200, xml(`<ListAllMyBucketsResult xmlns="${NAMESPACE}"><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`));
          }
          case 'CreateBucket':
            store.createBucket(bucket);
            res.writeHead(200, { location: `/${bucket}`, 'content-length': 0 });
            return res.end();
          case 'HeadBucket':
            store.requireBucket(bucket);
            res.writeHead(200, { 'content-length': 0 });
            return res.end();
          case 'ListObjectsV2':
            return send(res, 200, listObjectsV2(store, bucket, url.searchParams));
          case 'PutObject': {
            const body = isChunked(req) ? decodeAwsChunked(raw) : raw;
            const stored = store.put(bucket, key, body, String(req.headers['content-type'] ?? 'application/octet-stream'));
            res.writeHead(200, { etag: stored.etag, 'content-length': 0 });
            return res.end();
          }
          case 'GetObject': {
            const object = store.head(bucket, key);
            const body = store.body(bucket, key);
            res.writeHead(200, objectHeaders(object));
            return res.end(body);
          }
          case 'HeadObject':
            res.writeHead(200, objectHeaders(store.head(bucket, key)));
            return res.end();
          case 'DeleteObject':
            store.delete(bucket, key);
            res.writeHead(204);
            return res.end();
          default:
            throw new S3Error('NotImplemented', `The emulator does not implement ${operation}.`, 501);
        }
      } catch (error) {
        const failure = error instanceof S3Error ? error : new S3Error('InternalError', `emulator bug: ${String(error)}`, 500);
        if (method === 'HEAD') {
          // HEAD responses have no body; the SDK classifies them by status alone, as with real S3.
          res.writeHead(failure.status, { 'x-amz-request-id': requestId, 'content-length': 0 });
          return res.end();
        }
        send(res, failure.status, xml(`<Error>${el('Code', failure.code)}${el('Message', failure.message)}${el('Resource', failure.resource)}${el('RequestId', requestId)}</Error>`));
      }
    })();
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
