import { useEffect, useState } from 'react';

/**
 * The time (ms), refreshed every `intervalMs`: fast while something runs (spinners), slow
 * otherwise (elapsed). With `since`, refreshes fall on whole intervals after it, so an idle
 * screen showing whole minutes since `since` redraws exactly when the minute turns, and no
 * more often: every redraw is one a key press may have to wait behind (Ink draws at most 30
 * frames a second).
 */
export function useSessionClock(intervalMs: number, since?: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const elapsed = since === undefined ? 0 : Date.now() - since;
      // A few ms past the turn, so the refreshed time is on the new side of it.
      const wait = since === undefined || elapsed < 0 ? intervalMs : intervalMs - (elapsed % intervalMs) + 5;
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, wait);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [intervalMs, since]);
  return now;
}
