/**
 * A value given for an input (typed at the prompt, or from a headless run's answers file), checked
 * against the input's type and turned into what the session records: a timestamp must name its
 * zone and is recorded in UTC with what was typed as its label, a number must be one.
 */
import { parseTimestamp } from './timestamp.js';

export type InputValue =
  | { readonly ok: true; readonly value: string | number; readonly label?: string }
  | { readonly ok: false; readonly error: string };

/** Checks `raw` for an input of `type` ("text" when absent). Secret text is kept exactly as given. */
export function parseInputValue(type: string | undefined, raw: string, options: { readonly secret?: boolean } = {}): InputValue {
  if (!raw.trim()) return { ok: false, error: 'type a value, or esc to put it aside' };
  if (type === 'timestamp') {
    const parsed = parseTimestamp(raw);
    return parsed.ok ? { ok: true, value: parsed.utc, label: `${raw.trim()} (= ${parsed.utc})` } : { ok: false, error: parsed.error };
  }
  if (type === 'number') {
    const value = Number(raw.trim());
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: `"${raw}" is not a number` };
  }
  return { ok: true, value: options.secret ? raw : raw.trim() };
}
