/**
 * Colours of the TUI in one place. NO_COLOR (https://no-color.org) turns every colour off;
 * emphasis (bold, dim) stays, and selection is always also marked by a glyph, never by colour alone.
 */
import { createContext } from 'react';

/** A colour name Ink understands, or undefined for the terminal's default. */
export type Colour = string | undefined;

export interface Theme {
  readonly accent: Colour;
  readonly selected: Colour;
  readonly muted: Colour;
  readonly ok: Colour;
  readonly warning: Colour;
  readonly danger: Colour;
  /** Marks the highlighted row of a list. */
  readonly pointer: string;
}

const colourful: Theme = {
  accent: 'cyan',
  selected: 'blue',
  muted: 'gray',
  ok: 'green',
  warning: 'yellow',
  danger: 'red',
  pointer: '›',
};

const plain: Theme = {
  accent: undefined,
  selected: undefined,
  muted: undefined,
  ok: undefined,
  warning: undefined,
  danger: undefined,
  pointer: '›',
};

/** The theme for an environment: plain when NO_COLOR is set to a non-empty value. */
export function themeFor(env: NodeJS.ProcessEnv): Theme {
  return env.NO_COLOR ? plain : colourful;
}

/** The theme the screens render with; the command provides themeFor(io.env). */
export const ThemeContext = createContext<Theme>(colourful);
