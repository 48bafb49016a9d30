import { useCallback, useLayoutEffect, useRef } from 'react';
import { useInput } from 'ink';
import { intentOf, type Intent } from '../keys.js';

export type IntentHandlers = Partial<Record<Intent, () => void>>;

/**
 * Calls the handler of the intent a key press expresses. Only the focused widget listens
 * (`isActive`), and only for the intents it has handlers for, in the order they are given.
 * The listener reads the latest handlers through a ref: a key that arrives between a render and
 * its effects (fast typing, pasted keys) still sees the current state, not the previous one.
 */
export function useIntents(handlers: IntentHandlers, options: { isActive?: boolean } = {}): void {
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  const listener = useCallback((input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
    const current = latest.current;
    const intent = intentOf(Object.keys(current) as Intent[], input, key);
    if (intent) current[intent]?.();
  }, []);
  useInput(listener, { isActive: options.isActive ?? true });
}
