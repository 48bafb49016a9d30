import React from 'react';
import { KeyHints, type KeyHint } from '../components/KeyHints.js';

/** The keys that work right now (from the session screen's key map). */
export function Footer({ hints }: { readonly hints: readonly KeyHint[] }) {
  return <KeyHints hints={hints} />;
}
