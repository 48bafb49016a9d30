/**
 * A small S3-compatible emulator (path-style) on loopback, over HTTP or, with `tls`, HTTPS. We use
 * our own rather than s3rver: s3rver 3.7 encrypts continuation tokens with DES, which Node 20's
 * OpenSSL 3 refuses without `--openssl-legacy-provider`, so every truncated ListObjectsV2 page
 * answers 500.
 */
import { readFileSync } from 'node:fs';
import { listenOnLoopback } from '../loopback-server.js';
import { S3Controls } from './controls.js';
import { MultipartUploads } from './multipart.js';
import { createS3Handler } from './server.js';
import { S3Store } from './store.js';

export { S3Controls, type S3FaultInjection, type S3DelayInjection } from './controls.js';
export { decodeAwsChunked } from './request-body.js';
export { MultipartUploads, MIN_PART_SIZE } from './multipart.js';
export { S3Store, S3Error, type StoredObject } from './store.js';

/** The server certificate to serve HTTPS with, as PEM files (see ../tls-certificate.ts). */
export interface S3EmulatorTls {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface S3EmulatorOptions {
  /** Loopback port; 0 or absent picks a free one. */
  readonly port?: number;
  /** Where objects persist; absent keeps them in memory. */
  readonly directory?: string;
  /** When set, requests signed with another access key id get InvalidAccessKeyId. */
  readonly requiredAccessKeyId?: string;
  /** Serve HTTPS with this certificate; absent serves plain HTTP. */
  readonly tls?: S3EmulatorTls;
}

export interface S3Emulator {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), for the client's `endpoint` (with `forcePathStyle`). */
  readonly endpoint: string;
  readonly port: number;
  readonly store: S3Store;
  readonly uploads: MultipartUploads;
  readonly controls: S3Controls;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 (never another address). */
export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const store = new S3Store(options.directory);
  const uploads = new MultipartUploads();
  const controls = new S3Controls();
  controls.requiredAccessKeyId = options.requiredAccessKeyId;
  const tls = options.tls ? { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) } : undefined;
  const server = await listenOnLoopback(createS3Handler({ store, uploads, controls }), options.port, { tls });
  return { ...server, store, uploads, controls };
}
