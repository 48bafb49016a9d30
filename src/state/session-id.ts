/** Session ids: sortable by start time and unique, e.g. `20240501-142233-k3v9qa`. */
import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new id for a session starting at `now` (UTC). */
export function newSessionId(now: Date): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  const bytes = randomBytes(6);
  let suffix = '';
  for (const byte of bytes) suffix += BASE32[byte & 31];
  return `${stamp}-${suffix}`;
}

