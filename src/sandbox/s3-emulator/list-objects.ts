/**
 * ListObjectsV2: prefix, delimiter (keys rolled up into CommonPrefixes), max-keys (counting keys
 * and prefixes together, as S3 does), continuation-token and start-after.
 */
import { S3Error, type StoredObject } from './store.js';
import { el, S3_NAMESPACE, xmlDocument } from './xml.js';

interface Page {
  readonly contents: StoredObject[];
  readonly commonPrefixes: string[];
  /** Where the next page starts: the last key or common prefix of this page; undefined on the last page. */
  readonly resumeAfter: string | undefined;
}

/** One page of `objects` (sorted by key) as S3 forms it. */
function pageOfObjects(objects: readonly StoredObject[], options: { prefix: string; delimiter?: string; after: string; maxKeys: number }): Page {
  const { prefix, delimiter, after, maxKeys } = options;
  // A page that ended on a common prefix resumes past every key under it. Only a rolled-up prefix
  // can end on the delimiter, since a listed key has none after the prefix.
  const skipUnder = delimiter && after.startsWith(prefix) && after.slice(prefix.length).includes(delimiter) ? after : undefined;
  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const object of objects) {
    if (!object.key.startsWith(prefix) || object.key <= after) continue;
    if (skipUnder !== undefined && object.key.startsWith(skipUnder)) continue;
    const rest = object.key.slice(prefix.length);
    const at = delimiter ? rest.indexOf(delimiter) : -1;
    const common = at >= 0 ? prefix + rest.slice(0, at + delimiter!.length) : undefined;
    if (common !== undefined && common === commonPrefixes[commonPrefixes.length - 1]) continue;
    if (contents.length + commonPrefixes.length >= maxKeys) return { contents, commonPrefixes, resumeAfter: last };
    if (common !== undefined) commonPrefixes.push(common);
    else contents.push(object);
    last = common ?? object.key;
  }
  return { contents, commonPrefixes, resumeAfter: undefined };
}

const encodeToken = (after: string) => Buffer.from(after, 'utf8').toString('base64url');

function decodeToken(token: string): string {
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (encodeToken(after) !== token) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400);
  return after;
}

/** The ListBucketResult document for a ListObjectsV2 request's `query`. */
export function listObjectsV2(objects: readonly StoredObject[], bucket: string, query: URLSearchParams): string {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  const maxKeys = Math.min(1000, Number(query.get('max-keys') ?? 1000));
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'max-keys must be a non-negative integer', 400);
  const token = query.get('continuation-token') ?? undefined;
  const startAfter = query.get('start-after') ?? undefined;
  const after = token !== undefined ? decodeToken(token) : startAfter ?? '';
  const page = pageOfObjects(objects, { prefix, delimiter, after, maxKeys });
  const contents = page.contents
    .map((object) => `<Contents>${el('Key', object.key)}${el('LastModified', object.lastModified)}${el('ETag', object.etag)}${el('Size', object.size)}${el('StorageClass', 'STANDARD')}</Contents>`)
    .join('');
  const commonPrefixes = page.commonPrefixes.map((common) => `<CommonPrefixes>${el('Prefix', common)}</CommonPrefixes>`).join('');
  const truncated = page.resumeAfter !== undefined;
  return xmlDocument(
    `<ListBucketResult xmlns="${S3_NAMESPACE}">${el('Name', bucket)}${el('Prefix', prefix)}${el('Delimiter', delimiter)}` +
      `${el('KeyCount', page.contents.length + page.commonPrefixes.length)}${el('MaxKeys', maxKeys)}${el('IsTruncated', truncated)}` +
      `${el('ContinuationToken', token)}${el('NextContinuationToken', truncated ? encodeToken(page.resumeAfter!) : undefined)}${el('StartAfter', startAfter)}` +
      `${contents}${commonPrefixes}</ListBucketResult>`,
  );
}
