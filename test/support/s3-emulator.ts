/**
 * Test access to the S3 emulator, plus a client configured as the providers configure theirs
 * (path-style, checksums only when required) for arranging fixtures over real HTTP or HTTPS.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
export { startS3Emulator, type S3Emulator } from '../../src/sandbox/s3-emulator.js';

export interface FixtureClientOptions {
  readonly accessKeyId?: string;
  /** For an HTTPS endpoint: the CA file to trust (instead of the system's CAs). */
  readonly caFile?: string;
}

/** An SDK client for arranging fixtures against `endpoint`. */
export function fixtureS3Client(endpoint: string, options: string | FixtureClientOptions = {}): S3Client {
  const { accessKeyId = 'sandbox', caFile } = typeof options === 'string' ? { accessKeyId: options } : options;
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'sandbox-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...(caFile ? { requestHandler: { httpsAgent: new Agent({ ca: readFileSync(caFile) }) } } : {}),
  });
}

/** Creates `bucket` and puts `objects` (key → body) into it. */
export async function putObjects(client: S3Client, bucket: string, objects: Record<string, string>): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
