/**
 * A small S3-compatible emulator (path-style) on loopback, over HTTP or, with `tls`, HTTPS. We use
 * our own rather than s3rver: s3rver 3.7 encrypts continuation tokens with DES, which Node 20's
 * OpenSSL 3 refuses without `--openssl-legacy-provider`, so every truncated ListObjectsV2 page
 * answers 500.
 */
import { readFileSync } from 'node:fs';
import { listenOnLoopback, type LoopbackServer } from '../loopback-server.js';
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
  /** Serve HTTPS on `port` with this certificate; absent serves plain HTTP there. */
  readonly tls?: S3EmulatorTls;
  /**
   * With `tls`: also serve plain HTTP on this loopback port (0 picks a free one), from the same
   * store, for clients that are not given the CA while others (pgBackRest) insist on HTTPS.
   */
  readonly plainPort?: number;
}

export interface S3Emulator {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), for the client's `endpoint` (with `forcePathStyle`). */
  readonly endpoint: string;
  readonly port: number;
  /** With `tls` and `plainPort`: `http://127.0.0.1:PORT`, the same store over plain HTTP. */
  readonly plainEndpoint?: string;
  readonly plainPort?: number;
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
  const handler = createS3Handler({ store, uploads, controls });
  if (!options.tls) {
    const server = await listenOnLoopback(handler, options.port);
    return { ...server, store, uploads, controls };
  }
  const tls = { cert: readPem(options.tls.certFile), key: readPem(options.tls.keyFile) };
  const secure = await listenOnLoopback(handler, options.port, { tls });
  let plain: LoopbackServer | undefined;
  try {
    if (options.plainPort !== undefined) plain = await listenOnLoopback(handler, options.plainPort);
  } catch (error) {
    await secure.close();
    throw error;
  }
  return {
    endpoint: secure.endpoint,
    port: secure.port,
    plainEndpoint: plain?.endpoint,
    plainPort: plain?.port,
    store,
    uploads,
    controls,
    close: async () => {
      await Promise.all([secure.close(), plain?.close()]);
    },
  };
}

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`the S3 emulator cannot read its TLS certificate file ${path}: ${(error as Error).message}`);
  }
}
