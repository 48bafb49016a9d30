/**
 * The session service: the one command API the TUI, the headless commands and the tests share.
 * It starts and reopens sessions (taking their lock, recording takeovers and resumes) and hands
 * back a DrivenSession whose commands run steps through the one step runner.
 */
import { join } from 'node:path';
import { OperatorError } from '../../errors.js';
import { productVersion } from '../../product.js';
import { resolveEnvironment } from '../../runbooks/environment.js';
import type { LoadedRunbooks } from '../../runbooks/load.js';
import { findEnvironment, findRunbook, findSection } from '../../runbooks/lookup.js';
import type { Environment } from '../../runbooks/schema.js';
import { toPlainJson } from '../../state/canonical-json.js';
import { decide, drillRefusal, unknownInputRefusal, type Command } from '../../state/decide.js';
import type { EventStore, SqliteEventStore } from '../../state/event-store.js';
import type { EventData } from '../../state/events.js';
import { acquireLock, defaultLockOptions, type LockOptions, type SessionLock } from '../../state/lock.js';
import { currentHost, currentOperator } from '../../state/operator.js';
import { REDACTED, Redactor } from '../../state/redact.js';
import { loadSessionState } from '../../state/resume.js';
import { newSessionId } from '../../state/session-id.js';
import { foldEvents, type SessionState } from '../../state/session-state.js';
import { resolveSessionId } from '../../state/sessions.js';
import { loadProvider, providerDefinitions } from '../../steps/catalog.js';
import type { ProviderDefinition } from '../../steps/definition.js';
import type { ProviderLoader } from '../step-runner.js';
import { CommandRefusedError, DrivenSession } from './driven-session.js';
import { runbookChanges, runbookHash } from './runbook-pin.js';
import { SessionLog } from './session-log.js';
import { SessionSecrets } from './session-secrets.js';

/** The runbooks file a session starts from: its validated content and where it was read. */
export type RunbooksSource = Pick<LoadedRunbooks, 'file' | 'path'>;

export interface SessionServiceOptions {
  readonly store: EventStore;
  /** Provider implementations by name (default: the built-in catalog). */
  readonly providers?: ProviderLoader;
  /** Provider definitions by name (default: the built-in catalog). */
  readonly definitions?: ReadonlyMap<string, ProviderDefinition>;
  readonly now?: () => Date;
  readonly operator?: string;
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Where session artifacts go (default: `artifacts/` beside the database). */
  readonly artifactsRoot?: string;
  readonly lock?: Partial<LockOptions>;
  readonly productVersion?: string;
  /**
   * This machine's local log (the SQLite file), opened when a session on the shared store goes
   * on there because the store cannot be reached (DrivenSession.continueLocally).
   */
  readonly localLog?: () => SqliteEventStore;
  /** Set when the service itself runs on the local log because the shared store was unreachable at start: recorded in each session it starts or resumes. */
  readonly localFallback?: EventData<'SwitchedToLocalLog'>;
}

export interface StartRequest {
  readonly runbooks: RunbooksSource;
  readonly runbookId: string;
  readonly env: string;
  readonly drill?: boolean;
  readonly incident?: string | null;
  /** Section to start at (`--at`). */
  readonly at?: string | null;
  /** Runbook inputs (`--set key=value`, RUNBOOK_INPUT_*). */
  readonly inputs?: Readonly<Record<string, string>>;
}

/**
 * Refuses, before anything is drawn or written, what `start` would refuse about the runbook, the
 * environment (when named), the section, the inputs and a drill; the incident is asked for later.
 */
export function checkStart(request: Omit<StartRequest, 'env'> & { readonly env?: string }): void {
  const { file } = request.runbooks;
  const runbook = findRunbook(file, request.runbookId);
  if (request.at) findSection(runbook, request.at);
  for (const name of Object.keys(request.inputs ?? {})) {
    const unknown = unknownInputRefusal(runbook, name);
    if (unknown) throw new CommandRefusedError(unknown);
  }
  const environments = request.env === undefined ? Object.entries(file.environments) : [[request.env, findEnvironment(file, request.env)] as const];
  if (request.drill) {
    const refusals = environments.map(([name, environment]) => drillRefusal(name, environment));
    if (refusals.every((refusal) => refusal !== null)) {
      throw new CommandRefusedError(
        environments.length === 1 ? refusals[0]! : { code: 'drill-on-protected', message: 'drills are refused on protected environments, and every environment in this file is protected' },
      );
    }
  }
}

/** Starts and reopens sessions. */
export class SessionService {
  readonly store: EventStore;
  private readonly options: SessionServiceOptions;
  private readonly now: () => Date;
  private readonly operator: string;
  private readonly lockOptions: LockOptions;
  private local: SqliteEventStore | undefined;

  constructor(options: SessionServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
    this.operator = options.operator ?? currentOperator(options.processEnv);
    this.lockOptions = { ...defaultLockOptions(currentHost(), options.processEnv), now: this.now, ...options.lock };
  }

  /** Starts a session of a runbook on an environment, holding its lock. */
  async start(request: StartRequest): Promise<DrivenSession> {
    const { file, path } = request.runbooks;
    const runbook = findRunbook(file, request.runbookId);
    const environment = findEnvironment(file, request.env);
    if (request.at) findSection(runbook, request.at);
    const resolved = resolveEnvironment(request.env, environment, this.options.processEnv);
    const secrets = new SessionSecrets(resolved.secrets);
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(request.inputs ?? {})) {
      if (runbook.inputs[name]?.secret) {
        secrets.rememberInput(name, value);
        inputs[name] = REDACTED;
      } else {
        inputs[name] = value;
      }
    }
    const id = newSessionId(this.now());
    const started: EventData<'SessionStarted'> = {
      runbookId: runbook.id,
      runbookTitle: runbook.title,
      runbookHash: runbookHash(runbook),
      runbook: toPlainJson(runbook),
      runbooksFile: path,
      env: request.env,
      environment: secrets.redactor.redact(toPlainJson(environment)) as Record<string, unknown>,
      protected: environment.protected,
      drill: request.drill ?? false,
      incident: request.incident?.trim() || null,
      operator: this.operator,
      productVersion: this.options.productVersion ?? productVersion(),
      startSection: request.at ?? null,
      inputs,
    };
    const decision = decide(foldEvents(id, []), { type: 'StartSession', started, environment });
    if (!decision.ok) throw new CommandRefusedError(decision.refusal);
    const lock = acquireLock(this.store, id, { ...this.lockOptions, operator: this.operator });
    try {
      const session = this.drive(foldEvents(id, []), lock, secrets, resolved, []);
      session.appendEvents(decision.events);
      session.appendEvents(this.fallbackEvents(session));
      return session;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Reopens a session (resume): folds its events back to exactly where it was, takes its lock
   * (recording a takeover of a dead holder), and records the resumption with what changed in the
   * runbook since it was pinned. The session keeps running its pinned copy.
   */
  async open(typedId: string, options: { readonly runbooks?: RunbooksSource } = {}): Promise<DrivenSession> {
    const id = resolveSessionId(this.store, typedId);
    const state = this.inspect(id);
    if (state.status !== 'open') {
      throw new OperatorError(`session ${id} is ${state.status}; nothing to resume (export it with "runbook export ${id}")`);
    }
    const lock = acquireLock(this.store, id, { ...this.lockOptions, operator: this.operator });
    try {
      const environment = (options.runbooks?.file.environments[state.env] ?? state.environment) as Environment;
      const resolved = resolveEnvironment(state.env, environment, this.options.processEnv);
      const changes = runbookChanges(state, options.runbooks);
      // Folded again under the lock: another process may have appended before we took it.
      const session = this.drive(this.inspect(id), lock, new SessionSecrets(resolved.secrets), resolved, changes);
      const events = [];
      if (lock.takenOver) {
        const { pid, host, since, heartbeatAt, reason } = lock.takenOver;
        events.push(...session.decideOrThrow({ type: 'RecordTakeover', data: { pid, host, since, heartbeatAt, reason } }));
      }
      events.push(
        ...session.decideOrThrow({
          type: 'Resume',
          data: { previous: state.interrupted ? 'interrupted' : 'crashed', runbookChanged: changes.length > 0, changes, pid: this.lockOptions.pid },
        }),
      );
      // Another operator picking the session up is a hand-off too, unless it was handed to them by name.
      const current = session.state;
      if (current.driver && current.driver !== this.operator && current.handoffs.at(-1)?.to !== this.operator) {
        events.push(...session.decideOrThrow({ type: 'HandOff', data: { from: current.driver, to: this.operator, note: null, implicit: true } }));
      }
      events.push(...this.fallbackEvents(session));
      session.appendEvents(events);
      return session;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Hands a session over (`runbook handoff`): records who hands it to whom, with a note, and
   * leaves it interrupted for them to resume, on this machine or another. A session still driven
   * by a live process is refused (leave it there first); a dead holder's lease is taken over.
   */
  handOff(typedId: string, options: { readonly to?: string | null; readonly note?: string | null } = {}): SessionState {
    const id = resolveSessionId(this.store, typedId);
    const state = this.inspect(id);
    if (state.status !== 'open') throw new OperatorError(`session ${id} is ${state.status}; there is nothing to hand over`);
    const lock = acquireLock(this.store, id, { ...this.lockOptions, operator: this.operator });
    // No step runs: nothing of the environment is resolved, so a missing secret cannot stop a hand-off.
    const log = new SessionLog({ store: this.store, lock, redactor: new Redactor(), actor: this.operator, now: this.now });
    try {
      let current = this.inspect(id);
      const apply = (command: Command) => {
        const decision = decide(current, command);
        if (!decision.ok) throw new CommandRefusedError(decision.refusal);
        current = log.append(current, decision.events).state;
      };
      if (lock.takenOver) {
        const { pid, host, since, heartbeatAt, reason } = lock.takenOver;
        apply({ type: 'RecordTakeover', data: { pid, host, since, heartbeatAt, reason } });
      }
      const to = options.to?.trim() || null;
      apply({ type: 'HandOff', data: { from: current.driver || this.operator, to, note: options.note ?? null, implicit: false } });
      if (!current.interrupted) apply({ type: 'Interrupt', reason: `handed off${to ? ` to ${to}` : ''}` });
      return current;
    } finally {
      log.close();
    }
  }

  /** Closes the store, and the local log when a session went on there. */
  close(): void {
    this.store.close();
    this.local?.close();
  }

  /** A session's state without driving it (no lock): for listings, exports and screens. */
  inspect(sessionId: string): SessionState {
    const state = loadSessionState(this.store, sessionId);
    if (state.lastSeq === 0) throw new OperatorError(`no session "${sessionId}"; list them with "runbook sessions --all"`);
    return state;
  }

  /** The operator's choice to go on locally, when the service runs on the local log because the shared store was unreachable. */
  private fallbackEvents(session: DrivenSession) {
    return this.options.localFallback ? session.decideOrThrow({ type: 'RecordLocalFallback', data: this.options.localFallback }) : [];
  }

  /** A lock on the session in this machine's local log, opened once, for going on there. */
  private localLogFor(sessionId: string): { store: SqliteEventStore; lock: SessionLock } {
    this.local ??= this.options.localLog!();
    return { store: this.local, lock: acquireLock(this.local, sessionId, { ...this.lockOptions, operator: this.operator }) };
  }

  private drive(state: SessionState, lock: SessionLock, secrets: SessionSecrets, environment: ReturnType<typeof resolveEnvironment>, changes: readonly string[]): DrivenSession {
    const shared = this.store.kind === 'postgres';
    // On a shared store the log keeps a copy of what it has seen, to go on locally from if the store goes away.
    const events = shared && state.lastSeq > 0 ? this.store.readRaw(state.id).slice(0, state.lastSeq) : [];
    return new DrivenSession({
      state,
      log: new SessionLog({ store: this.store, lock, redactor: secrets.redactor, actor: this.operator, now: this.now, events }),
      ...(shared && this.options.localLog ? { localLog: (sessionId: string) => this.localLogFor(sessionId) } : {}),
      environment,
      secrets,
      runbookChanges: changes,
      artifactsRoot: this.options.artifactsRoot ?? join(this.store.localDirectory, 'artifacts'),
      definitions: this.options.definitions ?? providerDefinitions,
      providers: this.options.providers ?? loadProvider,
      now: this.now,
    });
  }
}
