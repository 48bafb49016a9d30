/**
 * Test access to the S3 emulator, plus a client configured as the providers configure theirs
 * (path-style, checksums only when required) for arranging fixtures over real HTTP.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { startS3Emulator, type S3Emulator } from '../../src/sandbox/s3-emulator.js';

/** An SDK client for arranging fixtures against `endpoint`. */
export function fixtureS3Client(endpoint: string, accessKeyId = 'sandbox'): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'sandbox-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** Creates `bucket` and puts `objects` (key → body) into it. */
export async function putObjects(client: S3Client, bucket: string, objects: Record<string, string>): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
