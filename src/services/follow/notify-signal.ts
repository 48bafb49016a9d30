/**
 * For the shared store: LISTEN on the channel the append function notifies (runbook_events,
 * payload "SESSION SEQ"), on a connection of its own. A dropped connection is said at once and
 * retried with backoff; each reconnect reports the problem gone, and the follower then catches up.
 */
import pg from 'pg';
import type { ChangeSignal } from './session-follower.js';

export const EVENTS_CHANNEL = 'runbook_events';

export function notifySignal(url: string, sessionId: string): ChangeSignal {
  return (onChange, onProblem) => {
    let stopped = false;
    let client: pg.Client | undefined;
    let retryMs = 250;
    let timer: NodeJS.Timeout | undefined;

    const connect = async () => {
      if (stopped) return;
      const next = new pg.Client({ connectionString: url, application_name: 'runbook follow', connectionTimeoutMillis: 5_000 });
      next.on('notification', (message) => {
        if (message.channel === EVENTS_CHANNEL && message.payload?.split(' ')[0] === sessionId) onChange();
      });
      const lost = (reason: string) => {
        if (stopped || client !== next) return;
        client = undefined;
        next.end().catch(() => undefined);
        onProblem(`following paused: the store's connection dropped (${reason}); reconnecting`);
        schedule();
      };
      next.on('error', (error) => lost(error.message));
      next.on('end', () => lost('closed by the server'));
      try {
        await next.connect();
        await next.query(`LISTEN ${EVENTS_CHANNEL}`);
      } catch (error) {
        next.end().catch(() => undefined);
        if (!stopped) {
          onProblem(`following paused: cannot reach the store (${(error as Error).message}); retrying`);
          schedule();
        }
        return;
      }
      if (stopped) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      retryMs = 250;
      onProblem(null);
    };
    const schedule = () => {
      timer = setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(5_000, retryMs * 2);
    };
    void connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      client?.end().catch(() => undefined);
      client = undefined;
    };
  };
}
