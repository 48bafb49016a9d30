import React, { useRef, useState } from 'react';
import { Text, useInput } from 'ink';
import { useTheme } from '../hooks/use-theme.js';

interface TextFieldProps {
  /** Shows this character instead of each one typed (secrets). */
  readonly mask?: string | undefined;
  /** Every change of the text. */
  readonly onChange?: (value: string) => void;
  /** Enter, with the text as typed so far. */
  readonly onSubmit: (value: string) => void;
}

/**
 * A one-line text field. The text lives in a ref, not only in state: keys that arrive in one
 * read (a paste, a fast typist, then Enter) are applied one after the other to the latest text,
 * never to the text of the last render. A paste that ends in a newline ("text\r") types the
 * text and then submits it, as typing it and pressing Enter would.
 */
export function TextField({ mask, onChange, onSubmit }: TextFieldProps) {
  const theme = useTheme();
  const text = useRef('');
  const cursor = useRef(0);
  const [, redraw] = useState(0);

  const set = (value: string, position: number) => {
    text.current = value;
    cursor.current = Math.max(0, Math.min(value.length, position));
    onChange?.(value);
    redraw((count) => count + 1);
  };
  const insert = (typed: string) => set(text.current.slice(0, cursor.current) + typed + text.current.slice(cursor.current), cursor.current + typed.length);

  useInput((input, key) => {
    if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === 'c')) return;
    if (key.return) return onSubmit(text.current);
    if (key.leftArrow) return set(text.current, cursor.current - 1);
    if (key.rightArrow) return set(text.current, cursor.current + 1);
    if (key.home || (key.ctrl && input === 'a')) return set(text.current, 0);
    if (key.end || (key.ctrl && input === 'e')) return set(text.current, text.current.length);
    if (key.ctrl && input === 'u') return set(text.current.slice(cursor.current), 0);
    if (key.backspace || key.delete) {
      if (cursor.current > 0) set(text.current.slice(0, cursor.current - 1) + text.current.slice(cursor.current), cursor.current - 1);
      return;
    }
    if (key.ctrl || key.meta) return;
    const newline = input.search(/[\r\n]/);
    if (newline === -1) return insert(printable(input));
    // A paste holding a newline: what comes before it is typed, then Enter; the rest is dropped.
    insert(printable(input.slice(0, newline)));
    onSubmit(text.current);
  });

  const shown = mask ? mask.repeat(text.current.length) : text.current;
  const at = cursor.current;
  return (
    <Text>
      {shown.slice(0, at)}
      <Text inverse color={theme.accent}>
        {shown[at] ?? ' '}
      </Text>
      {shown.slice(at + 1)}
    </Text>
  );
}

/** Input without control characters (a paste may carry tabs or escape codes). */
function printable(input: string): string {
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}
