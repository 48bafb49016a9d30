import { useEffect, useState } from 'react';
import type { SessionFollower } from '../../services/follow/session-follower.js';
import type { SessionState } from '../../state/session-state.js';

/** The followed session's state, updated as it grows, and why following is paused (or null). */
export function useFollow(follower: SessionFollower): { state: SessionState; problem: string | null } {
  const [state, setState] = useState(follower.state);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const unsubscribe = follower.subscribe((next, _events, why) => {
      setState(next);
      setProblem(why);
    });
    follower.start();
    return () => {
      unsubscribe();
      follower.stop();
    };
  }, [follower]);
  return { state, problem };
}
