/**
 * Timestamps typed by an operator at 3 a.m.: the zone must be explicit, because a restore to the
 * wrong hour is a silent data loss. Accepts ISO 8601 with an offset or `Z`, or
 * `YYYY-MM-DD HH:MM[:SS] ZONE` where ZONE is `UTC`, `Z`, `±HH:MM` or an IANA name (`Europe/Paris`).
 */

export type TimestampParse = { readonly ok: true; readonly utc: string } | { readonly ok: false; readonly error: string };

const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_THEN_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?\s+(\S+)$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** Parses `text` into a UTC ISO time, or says why it is refused and how to write it. */
export function parseTimestamp(text: string): TimestampParse {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'type a time, e.g. 2026-11-25T03:10:00Z' };
  const iso = ISO_WITH_ZONE.exec(trimmed);
  if (iso) {
    const offset = iso[3]!.toUpperCase() === 'Z' ? 'Z' : iso[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    // Date.parse rolls impossible dates over (February 30th becomes March 2nd): compare the wall time back.
    const wall = new Date(`${iso[1]}T${iso[2]}Z`);
    if (Number.isNaN(wall.getTime()) || wall.toISOString().slice(0, 16) !== `${iso[1]}T${iso[2]!.slice(0, 5)}`) {
      return { ok: false, error: `${trimmed} is not a real date and time` };
    }
    return fromMillis(Date.parse(`${iso[1]}T${iso[2]}${offset}`), trimmed);
  }
  const local = LOCAL_THEN_ZONE.exec(trimmed);
  if (local) {
    const [, year, month, day, hour, minute, second = '0', zone] = local;
    const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
    const asUtc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
    if (!validFields(asUtc, fields)) return { ok: false, error: `${trimmed} is not a real date and time` };
    const offsetMs = zoneOffsetMs(zone!, asUtc);
    if (offsetMs === undefined) return { ok: false, error: `unknown time zone "${zone}"; use UTC, an offset like +02:00, or a name like Europe/Paris` };
    return fromMillis(asUtc - offsetMs, trimmed);
  }
  return {
    ok: false,
    error: 'the time zone must be explicit: write 2026-11-25T03:10:00Z, 2026-11-25T04:10+01:00 or "2026-11-25 04:10 Europe/Paris"',
  };
}

function fromMillis(millis: number, text: string): TimestampParse {
  if (Number.isNaN(millis)) return { ok: false, error: `${text} is not a real date and time` };
  return { ok: true, utc: new Date(millis).toISOString() };
}

function validFields(asUtc: number, [year, month, day, hour, minute, second]: readonly number[]): boolean {
  const date = new Date(asUtc);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** The zone's offset from UTC (ms) at about `asUtc`, or undefined for an unknown zone. */
function zoneOffsetMs(zone: string, asUtc: number): number | undefined {
  if (/^(utc|z|gmt)$/i.test(zone)) return 0;
  const offset = OFFSET.exec(zone);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    return (offset[1] === '-' ? -1 : 1) * minutes * 60_000;
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return undefined;
  }
  // The wall time the zone shows at an instant, read as if it were UTC, minus the instant is the
  // offset. Evaluated at the local time's instant shifted by a first guess, so DST edges land right.
  const offsetAt = (instant: number) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - instant;
  };
  const guess = offsetAt(asUtc);
  return offsetAt(asUtc - guess);
}
