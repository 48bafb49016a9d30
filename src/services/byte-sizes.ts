/**
 * Byte counts for people in headless output. Providers report exact counts ("5368709120 bytes"),
 * which scripts keep in the JSON; the table shows them in binary units (1 GiB = 1024³ bytes, the
 * units `df -h` and the EC2 console use).
 */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** "512 B", "1.2 GiB", "5 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (Math.abs(bytes) < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${UNITS[unit]}`;
}

// "12345 bytes" as providers write a size, and "bytes 123 > 456" / "bytes <= 456" as they
// write an expectation on one.
const COUNT = /(?<![\w.])(\d+) bytes\b/g;
const COMPARISON = /\bbytes (?:(\d+) )?(<=|>=|<|>|=) (\d+)(?!\w|\.\d)/g;

/** The text with every byte count a provider wrote in it shown in binary units. */
export function humanizeByteCounts(text: string): string {
  return text
    .replace(COMPARISON, (_match, left: string | undefined, operator: string, right: string) =>
      `bytes ${left === undefined ? '' : `${formatBytes(Number(left))} `}${operator} ${formatBytes(Number(right))}`,
    )
    .replace(COUNT, (_match, count: string) => formatBytes(Number(count)));
}
