/**
 * Reading a request's payload as S3 does: aws-chunked bodies decoded rather than stored verbatim,
 * and the digests a client sends (Content-MD5, a hex x-amz-content-sha256) checked, so a client
 * that corrupts or mis-signs a body hears BadDigest here as it would from S3.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3Error } from './store.js';

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

/** The raw bytes of a request. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
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

/** The payload of `raw`: decoded when aws-chunked, after checking the digests the client sent. */
export function payloadOf(request: IncomingMessage, raw: Buffer): Buffer {
  const sha256 = String(request.headers['x-amz-content-sha256'] ?? '');
  if (/^[0-9a-f]{64}$/i.test(sha256) && createHash('sha256').update(raw).digest('hex') !== sha256.toLowerCase()) {
    throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
  }
  const body = isChunked(request) ? decodeAwsChunked(raw) : raw;
  const md5 = request.headers['content-md5'];
  if (typeof md5 === 'string' && createHash('md5').update(body).digest('base64') !== md5.trim()) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  }
  return body;
}
