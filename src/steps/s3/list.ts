/** Paginated listing of the objects under a prefix: metadata only, never bodies. */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { awsCall } from '../aws/call.js';
import type { StepContext } from '../provider.js';

/** What listing tells about one object. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly etag?: string;
}

/** Yields every object under `prefix`, one ListObjectsV2 page (up to 1000 keys) at a time. */
export async function* listObjects(client: S3Client, context: StepContext, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let continuationToken: string | undefined;
  let pages = 0;
  do {
    const page = await awsCall(context, `S3 ListObjectsV2 s3://${bucket}/${prefix}`, (abortSignal) =>
      client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }), { abortSignal }),
    );
    pages += 1;
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0), ...(object.ETag ? { etag: object.ETag } : {}) };
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (pages % 10 === 0) context.onProgress?.({ message: `listed ${pages} pages of s3://${bucket}/${prefix}` });
  } while (continuationToken);
}
