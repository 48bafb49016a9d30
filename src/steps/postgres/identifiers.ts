/** Quoting of identifiers that come from parameters: always through pg's escapeIdentifier. */
import pg from 'pg';

/** `"schema"."table"` from "schema.table" or "table" (each part quoted; a quoted part may hold dots). */
export function quoteQualified(name: string): string {
  return splitQualified(name).map((part) => pg.escapeIdentifier(part)).join('.');
}

/** Splits "schema.table" / "\"my.schema\".table" into its parts, unquoting quoted parts. */
function splitQualified(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (quoted) {
      if (ch === '"' && name[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** A quoted identifier. */
export const quoteIdent = (name: string): string => pg.escapeIdentifier(name);
