/**
 * Real sessions for component tests: a runbooks file parsed from text, a SQLite store in a temp
 * directory, the built-in providers (shell.run runs node; ec2.snapshots talks to the emulator).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbooksText, type LoadedRunbooks } from '../../../src/runbooks/load.js';
import { openEventStore, type EventStore } from '../../../src/state/event-store.js';
import { SessionService, type StartRequest } from '../../../src/services/session/session-service.js';
import { type DrivenSession } from '../../../src/services/session/driven-session.js';

export interface SessionFixture {
  readonly directory: string;
  readonly store: EventStore;
  readonly service: SessionService;
  readonly runbooks: LoadedRunbooks;
  start(runbookId: string, options?: Partial<Omit<StartRequest, 'runbooks' | 'runbookId'>>): Promise<DrivenSession>;
  /** Event types of a session as stored (durable), in order. */
  types(sessionId: string): string[];
  /** A second service on the same database (another process, for resume). */
  reopen(): SessionService;
  close(): void;
}

/** A fixture on a runbooks file (given its own temp directory, for paths inside it). */
export function sessionFixture(yamlFor: (directory: string) => string): SessionFixture {
  const directory = mkdtempSync(join(tmpdir(), 'runbook-ui-session-'));
  const yaml = yamlFor(directory);
  const store = openEventStore(join(directory, 'sessions.db'));
  const options = { store, operator: 'alice@test', processEnv: {} };
  const service = new SessionService(options);
  const runbooks = parseRunbooksText(yaml, join(directory, 'runbooks.yaml'));
  const opened: EventStore[] = [store];
  return {
    directory,
    store,
    service,
    runbooks,
    start: (runbookId, options = {}) => service.start({ runbooks, runbookId, env: 'staging', ...options }),
    types: (sessionId) => store.read(sessionId).map((event) => event.type),
    reopen() {
      const second = openEventStore(join(directory, 'sessions.db'));
      opened.push(second);
      // A different pid: the first process's lock must look dead (released or its pid gone).
      return new SessionService({ ...options, store: second });
    },
    close() {
      for (const each of opened) each.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** `node -e SCRIPT` as a YAML flow list for shell.run's argv. */
export function nodeArgv(script: string, ...args: string[]): string {
  return JSON.stringify(['node', '-e', script, ...args]);
}
