/** A real session database for the CLI tests: sessions with generated events, appended through the event store. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openEventStore } from '../../../src/state/event-store.js';
import { generatedEvents, sessionStarted } from '../../state/generated-events.js';

/** The built CLI (`npm run build`). */
export const binary = fileURLToPath(new URL('../../../dist/runbook.js', import.meta.url));

export function requireBinary(): void {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run "npm run build" first`);
}

/** Writes `sessions` sessions of `events` generated events each to `path`; returns their ids. */
export function writeSessions(path: string, sessions: number, events: number): string[] {
  const store = openEventStore(path);
  // Only the fixture is written this way: durability is the store's own tests' subject.
  store.db.pragma('synchronous = OFF');
  const ids: string[] = [];
  try {
    for (let index = 0; index < sessions; index++) {
      const id = `S-${String(index + 1).padStart(4, '0')}`;
      store.append(id, [sessionStarted(), ...generatedEvents(index + 1, events)], {
        expectedLastSeq: 0,
        actor: 'gen@host',
        at: new Date(Date.UTC(2024, 4, 1, 10, 0, index)).toISOString(),
      });
      ids.push(id);
    }
  } finally {
    store.close();
  }
  return ids;
}

/** The user unprivileged runs go through: root may write any file, whatever its mode says. */
export const UNPRIVILEGED = 'nobody';

/** Runs the built CLI as `user` (via runuser) when given, else as this process's user. */
export function runCli(args: readonly string[], options: { cwd: string; user?: string }): { code: number | null; out: string; err: string } {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' };
  const command = options.user ? 'runuser' : process.execPath;
  const argv = options.user ? ['-u', options.user, '--', process.execPath, binary, ...args] : [binary, ...args];
  const result = spawnSync(command, argv, { cwd: options.cwd, encoding: 'utf8', env, timeout: 30_000 });
  if (result.error) throw result.error;
  return { code: result.status, out: result.stdout, err: result.stderr };
}
