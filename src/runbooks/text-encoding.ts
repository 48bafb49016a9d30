/**
 * A runbooks file is UTF-8 (a UTF-8 byte-order mark is fine). A file saved as UTF-16 or UTF-32,
 * or with a stray Latin-1 byte, is refused naming the byte and where it is, instead of being
 * read as garbage ("not a mapping") or silently changed into replacement characters.
 */
import { isUtf8 } from 'node:buffer';
import { ConfigError } from '../errors.js';

/** The bytes as text; a ConfigError naming the offset (and line and column) of the first byte that is not UTF-8. */
export function decodeRunbooksText(bytes: Buffer, label: string): string {
  const wide = wideEncoding(bytes);
  if (wide) throw new ConfigError(`runbooks file ${label} looks like ${wide}; save it as UTF-8`);
  if (!isUtf8(bytes)) {
    const offset = firstInvalidByte(bytes);
    const byte = bytes[offset] ?? 0;
    throw new ConfigError(
      `runbooks file ${label} is not UTF-8: invalid byte 0x${hex(byte)} at offset ${offset} (${lineAndColumn(bytes, offset)}); save it as UTF-8`,
    );
  }
  const zero = bytes.indexOf(0);
  if (zero !== -1) {
    throw new ConfigError(`runbooks file ${label} is not text: a zero byte at offset ${zero} (${lineAndColumn(bytes, zero)}); save it as UTF-8`);
  }
  return bytes.toString('utf8');
}

/** UTF-16 or UTF-32, by its byte-order mark or, without one, by zero bytes beside ASCII ones. */
function wideEncoding(bytes: Buffer): string | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32 (BOM ff fe 00 00)';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 (BOM 00 00 fe ff)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 (BOM ff fe)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 (BOM fe ff)';
  // Text that starts with ASCII: every other byte zero is UTF-16 without a mark.
  const sample = bytes.subarray(0, Math.min(bytes.length, 64) & ~1);
  if (sample.length < 2) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let index = 0; index < sample.length; index++) if (sample[index] === 0) index % 2 === 0 ? zeroEven++ : zeroOdd++;
  const half = sample.length / 2;
  if (zeroOdd === half && zeroEven === 0) return 'UTF-16 (little-endian, no BOM: every other byte is zero)';
  if (zeroEven === half && zeroOdd === 0) return 'UTF-16 (big-endian, no BOM: every other byte is zero)';
  return undefined;
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence (RFC 3629: no surrogates, no overlong forms). */
function firstInvalidByte(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let length: number;
    let min = 0x80;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) min = 0xa0;
      if (lead === 0xed) max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) min = 0x90;
      if (lead === 0xf4) max = 0x8f;
    } else return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [low, high] = next === 1 ? [min, max] : [0x80, 0xbf];
      if (byte === undefined || byte < low || byte > high) return index;
    }
    index += length;
  }
  return bytes.length;
}

/** `line L, column C` of a byte offset, counting \r\n, \r and \n as line breaks and columns in characters. */
function lineAndColumn(bytes: Buffer, offset: number): string {
  const before = bytes.subarray(0, offset).toString('utf8');
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < before.length; index++) {
    const code = before.charCodeAt(index);
    if (code === 10 || (code === 13 && before.charCodeAt(index + 1) !== 10)) {
      line++;
      lineStart = index + 1;
    }
  }
  return `line ${line}, column ${[...before.slice(lineStart)].length + 1}`;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
