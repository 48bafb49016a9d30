/**
 * While the current action waits for another operator's decision, reads the session's store
 * every half second for it (DrivenSession.refresh), so the screen changes the moment the
 * approval or rejection is durable. The approver appends without the driver's lease; this
 * process keeps driving and never waits on a key to notice.
 */
import { useEffect } from 'react';
import { APPROVAL_POLL_MS, type DrivenSession } from '../../services/session/driven-session.js';

/** Polls while `waiting`; a failed read (a busy or unreachable store) is tried again at the next tick. */
export function useApprovalWatch(session: DrivenSession, waiting: boolean, onError: (error: unknown) => void): void {
  useEffect(() => {
    if (!waiting) return;
    let failed = false;
    const timer = setInterval(() => {
      try {
        session.refresh();
        failed = false;
      } catch (error) {
        // Said once per outage, not every half second.
        if (!failed) onError(error);
        failed = true;
      }
    }, APPROVAL_POLL_MS);
    return () => clearInterval(timer);
  }, [session, waiting, onError]);
}
