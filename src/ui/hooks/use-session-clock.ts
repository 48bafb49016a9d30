import { useEffect, useState } from 'react';

/** The time (ms), refreshed every `intervalMs`: fast while something runs (spinners), slow otherwise (elapsed). */
export function useSessionClock(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
