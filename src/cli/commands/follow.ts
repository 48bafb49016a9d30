/**
 * `runbook follow <session>`: a read-only live view of a session driven elsewhere. On the shared
 * store it is told of each append (LISTEN/NOTIFY) and catches up by sequence; on the SQLite file
 * it looks again every quarter second. It never takes the lease.
 */
import { createElement } from 'react';
import { SessionFollower, pollingSignal } from '../../services/follow/session-follower.js';
import { lockHolder } from '../../state/lock.js';
import { resolveSessionId } from '../../state/sessions.js';
import { FollowScreen } from '../../ui/screens/FollowScreen.js';
import { runApp, type TerminalStreams } from '../../ui/run-app.js';
import { themeFor } from '../../ui/theme.js';
import { requireReadCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const store = await requireReadCommandStore(command, io);
  try {
    const sessionId = resolveSessionId(store, command.positionals[0]!);
    const signal = command.store ? (await import('../../services/follow/notify-signal.js')).notifySignal(command.store, sessionId) : pollingSignal();
    const follower = new SessionFollower(store, sessionId, signal);
    const driver = () => {
      const holder = lockHolder(store, sessionId);
      return holder ? `${holder.operator || 'pid'} ${holder.operator ? `(pid ${holder.pid} on ${holder.host})` : `${holder.pid} on ${holder.host}`}` : null;
    };
    let closing: readonly string[] = [];
    const code = await runApp(
      (exit) =>
        createElement(FollowScreen, {
          follower,
          driver,
          onExit: (exitCode, lines) => {
            closing = lines;
            exit(exitCode);
          },
        }),
      io as unknown as TerminalStreams,
      themeFor(io.env),
    );
    follower.stop();
    for (const line of closing) writeLine(io.stdout, line);
    return code;
  } finally {
    store.close();
  }
}
