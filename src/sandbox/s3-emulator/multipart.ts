/**
 * Multipart uploads in progress: CreateMultipartUpload, UploadPart, CompleteMultipartUpload and
 * AbortMultipartUpload with S3's rules (part numbers 1–10,000, parts listed in ascending order
 * with the ETags UploadPart returned, every part but the last at least 5 MiB), so a client that
 * works here works against S3. Parts are held in memory: an upload in flight does not survive a
 * restart of the emulator, and its client gets NoSuchUpload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { S3Error } from './store.js';

/** S3's smallest part, except for the last one. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly contentType: string;
  readonly parts: Map<number, { readonly body: Buffer; readonly md5: Buffer }>;
}

/** A part as CompleteMultipartUpload lists it. */
export interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
}

const quoted = (md5: Buffer) => `"${md5.toString('hex')}"`;
const unquoted = (etag: string) => etag.trim().replace(/^"|"$/g, '');

/** The uploads begun and not yet completed or aborted. */
export class MultipartUploads {
  private readonly uploads = new Map<string, Upload>();

  /** Begins an upload and returns its id. */
  create(bucket: string, key: string, contentType: string): string {
    const uploadId = randomBytes(24).toString('base64url');
    this.uploads.set(uploadId, { bucket, key, contentType, parts: new Map() });
    return uploadId;
  }

  /** Stores (or replaces) part `partNumber`; returns its ETag. */
  putPart(bucket: string, key: string, uploadId: string, partNumber: string | null, body: Buffer): string {
    const upload = this.require(bucket, key, uploadId);
    const number = Number(partNumber);
    if (!Number.isInteger(number) || number < 1 || number > MAX_PART_NUMBER) {
      throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 400);
    }
    const md5 = createHash('md5').update(body).digest();
    upload.parts.set(number, { body, md5 });
    return quoted(md5);
  }

  /** Ends an upload with the parts listed; returns the object's body, ETag (`"md5-of-md5s-N"`) and content type. */
  complete(bucket: string, key: string, uploadId: string, requested: readonly RequestedPart[]): { body: Buffer; etag: string; contentType: string } {
    const upload = this.require(bucket, key, uploadId);
    if (requested.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema (no parts).', 400);
    const chosen = requested.map((part, index) => {
      if (index > 0 && part.partNumber <= requested[index - 1]!.partNumber) {
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', 400);
      }
      const stored = upload.parts.get(part.partNumber);
      if (!stored || unquoted(part.etag) !== stored.md5.toString('hex')) {
        throw new S3Error('InvalidPart', `One or more of the specified parts could not be found (part ${part.partNumber}). The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.`, 400);
      }
      if (index < requested.length - 1 && stored.body.length < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', `Your proposed upload is smaller than the minimum allowed size (part ${part.partNumber} is ${stored.body.length} bytes; every part but the last must be at least ${MIN_PART_SIZE}).`, 400);
      }
      return stored;
    });
    this.uploads.delete(uploadId);
    const etag = `"${createHash('md5').update(Buffer.concat(chosen.map((part) => part.md5))).digest('hex')}-${chosen.length}"`;
    return { body: Buffer.concat(chosen.map((part) => part.body)), etag, contentType: upload.contentType };
  }

  /** Drops an upload and its parts. */
  abort(bucket: string, key: string, uploadId: string): void {
    this.require(bucket, key, uploadId);
    this.uploads.delete(uploadId);
  }

  /** How many uploads are in progress. */
  get inProgress(): number {
    return this.uploads.size;
  }

  private require(bucket: string, key: string, uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, key);
    }
    return upload;
  }
}
