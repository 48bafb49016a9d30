/**
 * Waiting helpers for ink-testing-library: wait for input readiness and for frames, never sleep
 * a fixed time.
 */
import type { EventEmitter } from 'node:events';

const pollMs = 5;

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) {
      // A frame is written at commit; React runs the effects that re-subscribe input handlers
      // just after. Let them run so the next key reaches the handlers of this frame.
      await new Promise((resolve) => setImmediate(resolve));
      return found;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last frame:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Resolves to the first frame containing `text`. */
export function waitForText(lastFrame: () => string | undefined, text: string, timeoutMs = 2000): Promise<string> {
  return until(
    JSON.stringify(text),
    timeoutMs,
    () => {
      const frame = lastFrame();
      return frame?.includes(text) ? frame : undefined;
    },
    () => lastFrame() ?? '(none)',
  );
}

/** Resolves once a frame no longer contains `text`. */
export function waitForTextGone(lastFrame: () => string | undefined, text: string, timeoutMs = 2000): Promise<string> {
  return until(
    `${JSON.stringify(text)} to disappear`,
    timeoutMs,
    () => {
      const frame = lastFrame();
      return frame !== undefined && !frame.includes(text) ? frame : undefined;
    },
    () => lastFrame() ?? '(none)',
  );
}

/** Resolves once something listens to stdin, i.e. the focused widget can receive keys. */
export function waitForInput(stdin: EventEmitter, timeoutMs = 2000): Promise<true> {
  return until('a stdin listener', timeoutMs, () => (stdin.listenerCount('readable') > 0 ? true : undefined), () => '(stdin)');
}

/** Resolves once `check()` returns a value other than undefined. */
export function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 2000): Promise<T> {
  return until(what, timeoutMs, check, () => what);
}
