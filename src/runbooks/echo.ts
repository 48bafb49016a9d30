/**
 * Values a runbooks file gives us, echoed back in messages. A hostile or broken file can hold a
 * key or a value of megabytes; a message quotes at most its first 80 characters and says how long
 * it is, so one line stays one line and the output stays small.
 */

/** How many characters of a file's value a message quotes. */
export const ECHO_LIMIT = 80;
/** Longer messages (a provider's, quoting several values) are cut here as a last resort. */
const MESSAGE_LIMIT = 600;

/** The text itself when short, else its first 80 characters and an ellipsis. */
export function cutShort(text: string, limit = ECHO_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}

/** `"value"`, or `"first 80 characters…" (10,000,000 characters)` for a long one. */
export function quote(text: string): string {
  return text.length <= ECHO_LIMIT ? `"${text}"` : `"${cutShort(text)}" (${text.length.toLocaleString('en-US')} characters)`;
}

/**
 * The message with every long quoted value cut short, then the whole message if it is still
 * long: a safety net for messages built elsewhere (provider schemas) that quote what they got.
 */
export function boundedMessage(message: string): string {
  if (message.length <= ECHO_LIMIT) return message;
  // 82 and up: a value quote() already cut is 81 characters between its quotes.
  const quotedCut = message.replace(/"([^"]{82,})"/g, (_, inner: string) => quote(inner));
  return quotedCut.length <= MESSAGE_LIMIT ? quotedCut : `${quotedCut.slice(0, MESSAGE_LIMIT)}… (${quotedCut.length.toLocaleString('en-US')} characters)`;
}

/** Quotes and joins names: `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
export function quoteList(names: readonly string[]): string {
  const quoted = names.map(quote);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
