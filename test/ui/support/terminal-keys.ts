/** Bytes a terminal sends for the keys the screens use. */
export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageDown: '\u001B[6~',
  enter: '\r',
  escape: '\u001B',
  ctrlC: '\u0003',
} as const;
