/**
 * Verification: recomputes a session's hash chain from its database rows or from an exported
 * JSON file. Any edited, removed, reordered or inserted event breaks the chain; the first bad
 * seq is named.
 */
import { readFileSync } from 'node:fs';
import { OperatorError } from '../errors.js';
import type { EventStore } from './event-store.js';
import type { RawEvent } from './events.js';
import { eventHash, GENESIS_HASH } from './hash-chain.js';

export interface VerifyResult {
  readonly ok: boolean;
  readonly sessionId: string;
  readonly events: number;
  /** Hash of the last event (the chain's head) when intact. */
  readonly head: string | null;
  /** The first seq at which the chain is broken. */
  readonly firstBadSeq?: number;
  readonly problem?: string;
}

/**
 * Recomputes the chain over events in the order given; an optional expected head catches removed
 * trailing events. `start` is the event the first one follows (a kept branch continues its fork
 * point): by default none, so the first must follow the genesis hash.
 */
export function verifyChain(
  sessionId: string,
  events: readonly RawEvent[],
  expectedHead?: { readonly seq: number; readonly hash: string },
  start: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS_HASH },
): VerifyResult {
  let prevHash = start.hash;
  const fail = (seq: number, problem: string): VerifyResult => ({ ok: false, sessionId, events: events.length, head: null, firstBadSeq: seq, problem });
  if (events.length === 0) return fail(start.seq + 1, 'the session has no events');
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const expectedSeq = start.seq + index + 1;
    if (event.seq !== expectedSeq) {
      const problem =
        event.seq > expectedSeq
          ? `event ${expectedSeq} is missing (the next event found is ${event.seq})`
          : `event ${event.seq} appears out of order or twice (expected event ${expectedSeq} here)`;
      return fail(expectedSeq, problem);
    }
    if (event.prevHash !== prevHash) {
      if (index === 0 && start.seq > 0) return fail(event.seq, `its first event ${event.seq} does not continue the log's event ${start.seq}: its previous-hash is not that event's hash`);
      return fail(event.seq, `event ${event.seq} does not follow event ${event.seq - 1}: its previous-hash does not match (an event before it was edited, removed, inserted or reordered)`);
    }
    if (eventHash(sessionId, event) !== event.hash) {
      return fail(event.seq, `event ${event.seq} (${event.type}) was changed after it was written: its hash does not match its content`);
    }
    prevHash = event.hash;
  }
  const last = events[events.length - 1]!;
  if (expectedHead && (expectedHead.seq !== last.seq || expectedHead.hash !== last.hash)) {
    return fail(
      Math.min(expectedHead.seq, last.seq + 1),
      `the log ends at event ${last.seq} but the session's head records event ${expectedHead.seq}: events were removed from the end or the head was edited`,
    );
  }
  return { ok: true, sessionId, events: events.length, head: last.hash };
}

/** Verifies a session in the database, including its recorded head. */
export function verifyStoredSession(store: EventStore, sessionId: string): VerifyResult {
  const row = store.session(sessionId);
  const events = store.readRaw(sessionId);
  return verifyChain(sessionId, events, row ? { seq: row.lastSeq, hash: row.lastHash } : undefined);
}

/** Verifies an exported JSON audit record (format runbook-audit/1). */
export function verifyExportFile(path: string): VerifyResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OperatorError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new OperatorError(`${path} is not JSON (${(error as Error).message}); verify takes a session id or a file from "runbook export S --format json"`);
  }
  return verifyExportDocument(document, path);
}

/** Verifies an already parsed export document. */
function verifyExportDocument(document: unknown, name = 'the export'): VerifyResult {
  const record = document as { format?: unknown; session?: { id?: unknown; lastSeq?: unknown; lastHash?: unknown }; events?: unknown };
  if (!record || record.format !== 'runbook-audit/1' || typeof record.session?.id !== 'string' || !Array.isArray(record.events)) {
    throw new OperatorError(`${name} is not a runbook audit record (format "runbook-audit/1" with session.id and events)`);
  }
  const events = record.events as RawEvent[];
  const head =
    typeof record.session.lastSeq === 'number' && typeof record.session.lastHash === 'string'
      ? { seq: record.session.lastSeq, hash: record.session.lastHash }
      : undefined;
  return verifyChain(record.session.id, events, head);
}
