/**
 * A shell command shown so it can be copied from the screen: on one line when it fits, else
 * broken between words with a trailing backslash, so the copied lines still run as one command
 * (Ink writes hard line breaks; a terminal's copy keeps them).
 */

/** The command in lines of at most `width` characters where its words allow. */
export function commandLines(command: string, width: number): string[] {
  if (command.length <= width) return [command];
  const words = shellWords(command);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Splits at spaces outside single quotes (the quoting approveCommand uses). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  for (const char of command) {
    if (char === "'") quoted = !quoted;
    if (char === ' ' && !quoted) {
      if (word) words.push(word);
      word = '';
    } else word += char;
  }
  if (word) words.push(word);
  return words;
}
