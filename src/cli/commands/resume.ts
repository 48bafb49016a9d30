/**
 * `runbook resume [<session>]`: reopens an interrupted session at its exact step. Without an id:
 * the only interrupted session, or a list to pick from. The lock, an unknown id or a session that
 * already ended are refused in one line before anything is drawn.
 */
import { createElement } from 'react';
import { OperatorError } from '../../errors.js';
import type { LoadedRunbooks } from '../../runbooks/load.js';
import { currentHost } from '../../state/operator.js';
import { defaultLockOptions } from '../../state/lock.js';
import { listSessions, resolveSessionId } from '../../state/sessions.js';
import { SessionResume } from '../../ui/screens/SessionResume.js';
import type { CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import { drivingService } from '../driving-service.js';
import { launched, runSessionApp } from '../session-terminal.js';
import type { ParsedCommand } from '../spec.js';

/** Reopens a session and drives it on screen; resolves to the exit code. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const service = await drivingService(command, io, { existing: true, ...(command.positionals[0] === undefined ? {} : { sessionId: command.positionals[0] }) });
  const store = service.store;
  try {
    let sessionId = command.positionals[0] === undefined ? undefined : resolveSessionId(store, command.positionals[0]);
    const interrupted = listSessions(store, defaultLockOptions(currentHost(), io.env)).filter((session) => session.status === 'interrupted');
    if (sessionId === undefined) {
      if (interrupted.length === 0) throw new OperatorError('no interrupted session to resume; start one with "runbook start <runbook>" (see "runbook sessions --all")');
      if (interrupted.length === 1) sessionId = interrupted[0]!.id;
    }
    // The current file shows what changed since the session pinned its copy; a broken or missing
    // file must not keep an operator from finishing an incident, so resume goes on without it.
    const runbooks = currentRunbooks(command, io);
    // Open before drawing when the id is known, so a held lock or an ended session is one line.
    const opened = sessionId === undefined ? undefined : await service.open(sessionId, runbooks ? { runbooks } : {});
    return await runSessionApp(service, io, (onExit, track) => {
      if (opened) track(opened);
      return createElement(SessionResume, {
        sessions: interrupted,
        sessionId,
        now: new Date(),
        open: async (id: string) => {
          if (opened && id === opened.id) return launched(opened);
          const session = await service.open(id, runbooks ? { runbooks } : {});
          track(session);
          return launched(session);
        },
        onExit,
      });
    });
  } catch (error) {
    service.close();
    throw error;
  }
}

function currentRunbooks(command: ParsedCommand, io: CliIO): LoadedRunbooks | undefined {
  try {
    return loadCommandRunbooks(command, io);
  } catch {
    return undefined;
  }
}
