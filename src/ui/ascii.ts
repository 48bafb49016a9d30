/**
 * The home list view (the first frame of `runbook`) draws ASCII only. Ink measures every line
 * with string-width, which has a fast path for printable ASCII; the first other character makes
 * it segment graphemes with Intl.Segmenter, whose first use costs about 10 ms. That is a twentieth
 * of a bare Ink app's whole start-up, and the start-up budget allows a fifth for everything home
 * adds. Views opened later (a runbook's detail) use Unicode freely. test/ui/HomeScreen.test.tsx
 * keeps the list view ASCII.
 */

/** Marks the highlighted row of the home list. */
export const asciiPointer = '>';
/** Ends a cut title or id in a list row. */
export const asciiEllipsis = '...';
/** Between key hints and between the parts of a row. */
export const asciiSeparator = ' | ';
