/**
 * The HTTP face of the S3 emulator: path-style REST (`/bucket/key`) for ListBuckets, CreateBucket,
 * HeadBucket, ListObjectsV2 (see list-objects.ts), PutObject, GetObject, HeadObject, DeleteObject,
 * DeleteObjects and multipart uploads (see multipart.ts), with S3's XML errors and injectable
 * faults and delays. Signatures are not checked; only the access key id, when one is required.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { S3Controls } from './controls.js';
import { listObjectsV2 } from './list-objects.js';
import type { MultipartUploads, RequestedPart } from './multipart.js';
import { payloadOf, readBody } from './request-body.js';
import { S3Error, type S3Store } from './store.js';
import { el, elementText, elementTexts, requireRoot, S3_NAMESPACE, xmlDocument } from './xml.js';

export { S3Controls, type S3FaultInjection, type S3DelayInjection } from './controls.js';
export { decodeAwsChunked } from './request-body.js';

/** What the handler works on. */
export interface S3Backend {
  readonly store: S3Store;
  readonly uploads: MultipartUploads;
  readonly controls: S3Controls;
}

/** Names a request by the S3 operation it is, as the AWS SDK names its commands. */
function operationOf(method: string, bucket: string, key: string, query: URLSearchParams, headers: IncomingHttpHeaders): string {
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method}Service`;
  if (!key) {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (method === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : query.has('uploads') ? 'ListMultipartUploads' : 'ListObjects';
    return `${method}Bucket`;
  }
  if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'DELETE' && query.has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'GET' && query.has('uploadId')) return 'ListParts';
  if (method === 'PUT' && headers['x-amz-copy-source'] !== undefined) return query.has('uploadId') ? 'UploadPartCopy' : 'CopyObject';
  if (method === 'PUT' && query.has('uploadId')) return 'UploadPart';
  return ({ PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<string, string>)[method] ?? `${method}Object`;
}

function objectHeaders(object: { size: number; etag: string; lastModified: string; contentType: string }): Record<string, string | number> {
  return {
    'content-type': object.contentType,
    'content-length': object.size,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
  };
}

function requestedParts(body: Buffer): RequestedPart[] {
  const document = requireRoot(body, 'CompleteMultipartUpload');
  return elementTexts(document, 'Part').map((part) => {
    const partNumber = Number(elementText(part, 'PartNumber'));
    const etag = elementText(part, 'ETag');
    if (!Number.isInteger(partNumber) || etag === undefined) throw new S3Error('MalformedXML', 'Each <Part> needs a <PartNumber> and an <ETag>.', 400);
    return { partNumber, etag };
  });
}

/** DeleteObjects: S3 counts a key that was not there as deleted; Quiet leaves the deleted out. */
function deleteObjects(store: S3Store, bucket: string, body: Buffer): string {
  store.requireBucket(bucket);
  const document = requireRoot(body, 'Delete');
  const keys = elementTexts(document, 'Object').map((object) => elementText(object, 'Key'));
  if (keys.length === 0 || keys.length > 1000 || keys.some((key) => key === undefined)) {
    throw new S3Error('MalformedXML', 'A Delete request lists 1 to 1,000 <Object> elements, each with a <Key>.', 400);
  }
  const quiet = elementText(document, 'Quiet')?.trim() === 'true';
  for (const key of keys) store.delete(bucket, key!);
  const deleted = quiet ? '' : keys.map((key) => `<Deleted>${el('Key', key)}</Deleted>`).join('');
  return xmlDocument(`<DeleteResult xmlns="${S3_NAMESPACE}">${deleted}</DeleteResult>`);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Returns the request handler for `backend`. */
export function createS3Handler(backend: S3Backend): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, uploads, controls } = backend;
  return (req, res) => {
    void (async () => {
      const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
      const bucket = decodeURIComponent(bucketPart);
      const key = decodeURIComponent(keyParts.join('/'));
      const method = req.method ?? 'GET';
      const query = url.searchParams;
      const operation = operationOf(method, bucket, key, query, req.headers);
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
        const contentType = String(req.headers['content-type'] ?? 'application/octet-stream');
        switch (operation) {
          case 'ListBuckets': {
            const buckets = store.bucketNames().map((name) => `<Bucket>${el('Name', name)}${el('CreationDate', new Date(0).toISOString())}</Bucket>`).join('');
            return send(res, 200, xmlDocument(`<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}"><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`));
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
            return send(res, 200, listObjectsV2(store.objects(bucket), bucket, query));
          case 'PutObject': {
            const stored = store.put(bucket, key, payloadOf(req, raw), contentType);
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
          case 'DeleteObjects':
            payloadOf(req, raw);
            return send(res, 200, deleteObjects(store, bucket, raw));
          case 'CreateMultipartUpload': {
            store.requireBucket(bucket);
            const uploadId = uploads.create(bucket, key, contentType);
            return send(res, 200, xmlDocument(`<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}">${el('Bucket', bucket)}${el('Key', key)}${el('UploadId', uploadId)}</InitiateMultipartUploadResult>`));
          }
          case 'UploadPart': {
            const etag = uploads.putPart(bucket, key, query.get('uploadId')!, query.get('partNumber'), payloadOf(req, raw));
            res.writeHead(200, { etag, 'content-length': 0 });
            return res.end();
          }
          case 'CompleteMultipartUpload': {
            payloadOf(req, raw);
            store.requireBucket(bucket);
            const done = uploads.complete(bucket, key, query.get('uploadId')!, requestedParts(raw));
            const stored = store.put(bucket, key, done.body, done.contentType, done.etag);
            return send(res, 200, xmlDocument(
              `<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}">${el('Location', `/${bucket}/${key}`)}${el('Bucket', bucket)}${el('Key', key)}${el('ETag', stored.etag)}</CompleteMultipartUploadResult>`,
            ));
          }
          case 'AbortMultipartUpload':
            uploads.abort(bucket, key, query.get('uploadId')!);
            res.writeHead(204);
            return res.end();
          default:
            throw new S3Error('NotImplemented', `The emulator does not implement ${operation}.`, 501);
        }
      } catch (error) {
        const failure = error instanceof S3Error ? error : new S3Error('InternalError', `emulator bug: ${String(error)}`, 500);
        controls.errorLog.push({ operation, code: failure.code, status: failure.status });
        if (method === 'HEAD') {
          // HEAD responses have no body; the SDK classifies them by status alone, as with real S3.
          res.writeHead(failure.status, { 'x-amz-request-id': requestId, 'content-length': 0 });
          return res.end();
        }
        send(res, failure.status, xmlDocument(`<Error>${el('Code', failure.code)}${el('Message', failure.message)}${el('Resource', failure.resource)}${el('RequestId', requestId)}</Error>`));
      }
    })();
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
