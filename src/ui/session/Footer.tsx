import React from 'react';
import { KeyHints, type KeyHint } from '../components/KeyHints.js';

/** The keys that work right now, always ending with help and leave. */
export function Footer({ hints }: { readonly hints: readonly KeyHint[] }) {
  return <KeyHints hints={[...hints, ['?', 'help'], ['q', 'leave']]} />;
}
