/**
 * The little XML the S3 emulator speaks: escaped elements for responses, and reading the
 * flat request documents S3 accepts (CompleteMultipartUpload, Delete), which nest one level.
 */
import { S3Error } from './store.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `<name>value</name>`, or nothing when value is undefined. */
export const el = (name: string, value: string | number | boolean | undefined) => (value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`);

export const xmlDocument = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const known = ENTITIES[name];
    if (known === undefined) throw new S3Error('MalformedXML', `The XML you provided has an unknown entity ${whole}.`, 400);
    return known;
  });
}

/** The inner XML of each `<element>` in `xml` (namespace prefixes and attributes ignored), as written. */
export function elementTexts(xml: string, element: string): string[] {
  const pattern = new RegExp(`<(?:[\\w-]+:)?${element}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${element}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1]!);
}

/** The unescaped text of the first `<element>` in `xml`, or undefined. */
export function elementText(xml: string, element: string): string | undefined {
  const found = elementTexts(xml, element)[0];
  return found === undefined ? undefined : unescapeXml(found);
}

/** Reads a request body as XML whose root is `root`, or answers MalformedXML as S3 does. */
export function requireRoot(body: Buffer, root: string): string {
  const found = elementTexts(body.toString('utf8'), root);
  if (found.length !== 1) throw new S3Error('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema (expected one <${root}>).`, 400);
  return found[0]!;
}
