import { useEffect, useState } from 'react';

/**
 * `initial` at once, then what `load` resolves to: for data that must not delay the first frame
 * (home's interrupted sessions and drill evidence need the session database). A failed load
 * keeps `initial`: the screen still works, and `runbook sessions` reports what is wrong.
 */
export function useLoadedAfterFirstFrame<T>(load: () => Promise<T>, initial: T): T {
  const [value, setValue] = useState(initial);
  useEffect(() => {
    let cancelled = false;
    // setImmediate lets Ink write the first frame before the loading work starts.
    const timer = setImmediate(() => {
      load().then(
        (loaded) => {
          if (!cancelled) setValue(loaded);
        },
        () => undefined,
      );
    });
    return () => {
      cancelled = true;
      clearImmediate(timer);
    };
  }, [load]);
  return value;
}
