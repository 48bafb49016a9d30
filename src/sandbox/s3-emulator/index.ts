/**
 * A small S3-compatible emulator (path-style) on loopback. We use our own rather than s3rver:
 * s3rver 3.7 encrypts continuation tokens with DES, which Node 20's OpenSSL 3 refuses without
 * `--openssl-legacy-provider`, so every truncated ListObjectsV2 page answers 500.
 */
import { listenOnLoopback } from '../loopback-server.js';
import { createS3Handler, S3Controls } from './server.js';
import { S3Store } from './store.js';

export { S3Controls, type S3FaultInjection, type S3DelayInjection, decodeAwsChunked } from './server.js';
export { S3Store, S3Error, type StoredObject } from './store.js';

export interface S3EmulatorOptions {
  /** Loopback port; 0 or absent picks a free one. */
  readonly port?: number;
  /** Where objects persist; absent keeps them in memory. */
  readonly directory?: string;
  /** When set, requests signed with another access key id get InvalidAccessKeyId. */
  readonly requiredAccessKeyId?: string;
}

export interface S3Emulator {
  /** `http://127.0.0.1:PORT`, for the client's `endpoint` (with `forcePathStyle`). */
  readonly endpoint: string;
  readonly port: number;
  readonly store: S3Store;
  readonly controls: S3Controls;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 (never another address). */
export async function startS3Emulator(options: { port?: number; directory?: string; requiredAccessKeyId?: string } = {}): Promise<S3Emulator> {
  const store = new S3Store(options.directory);
  const controls = new S3Controls();
  controls.requiredAccessKeyId = options.requiredAccessKeyId;
  const server = await listenOnLoopback(createS3Handler(store, controls), options.port);
  return { ...server, store, controls };
}
