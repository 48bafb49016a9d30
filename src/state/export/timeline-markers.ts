/**
 * Which events the export's timeline marks, and how: a table from event type to marker, so a
 * new kind of moment (a hand-off, an approval) is one more entry here. Hand-off and approval
 * markers are drawn already; their events only have to map to them.
 */
import type { RawEvent } from '../events.js';
import { shortHash } from '../preview-hash.js';

export type MarkerKind = 'crash' | 'resume' | 'interrupt' | 'handoff' | 'approval' | 'local' | 'diverged';

export interface MarkerSpec {
  readonly kind: MarkerKind;
  /** What happened, without the kind (the legend names it). */
  readonly label: string;
}

/** The markers one event puts on the timeline; `previous` is the event just before it. */
export type MarkerRule = (event: RawEvent, previous: RawEvent | undefined) => readonly MarkerSpec[];

type Data = Record<string, unknown>;
const dataOf = (event: RawEvent): Data => (event.data ?? {}) as Data;

/** Event type → markers. Types not listed are not marked. */
export const markerRules: Readonly<Record<string, MarkerRule>> = {
  SessionInterrupted: (event) => [{ kind: 'interrupt', label: String(dataOf(event).reason) }],
  // A dead driver's lock taken over: the crash, as the next driver found it.
  LockTakenOver: (event) => {
    const data = dataOf(event);
    return [{ kind: 'crash', label: `pid ${data.pid} on ${data.host} stopped (last heartbeat ${data.heartbeatAt}); its lock was taken over` }];
  },
  SessionHandedOff: (event) => {
    const data = dataOf(event);
    return [{ kind: 'handoff', label: `${String(data.from)} handed over${data.to ? ` to ${String(data.to)}` : ''}${data.implicit ? ' (resumed there)' : ''}${data.note ? `: ${String(data.note)}` : ''}` }];
  },
  SwitchedToLocalLog: (event) => {
    const data = dataOf(event);
    return [{ kind: 'local', label: `went on in the local log ${String(data.localLog)}: the shared store ${String(data.store)} was unreachable (${String(data.reason)})` }];
  },
  ApprovalRequested: (event) => [{ kind: 'approval', label: `${event.actor} asked for approval of ${event.stepId} (preview ${shortHash(String(dataOf(event).hash))})` }],
  ActionApproved: (event) => {
    const reason = dataOf(event).reason;
    return [{ kind: 'approval', label: `${event.actor} approved ${event.stepId}${reason ? `: ${String(reason)}` : ''}` }];
  },
  ActionRejected: (event) => [{ kind: 'approval', label: `${event.actor} REJECTED ${event.stepId}: ${String(dataOf(event).reason)}` }],
  SessionResumed: (event, previous) => {
    const crashed = dataOf(event).previous === 'crashed';
    // A takeover just before already marked this crash.
    const crash: MarkerSpec[] =
      crashed && previous?.type !== 'LockTakenOver' ? [{ kind: 'crash', label: 'the previous driver ended without recording an interruption' }] : [];
    return [...crash, { kind: 'resume', label: crashed ? 'after a crash' : 'after an interruption' }];
  },
};

/** How each marker kind is drawn and named in the legend. */
export const markerStyles: Readonly<Record<MarkerKind, { readonly legend: string; readonly color: string; readonly shape: 'cross' | 'triangle' | 'square' | 'diamond' | 'circle' | 'ring' | 'fork' }>> = {
  crash: { legend: 'crash', color: '#c62828', shape: 'cross' },
  resume: { legend: 'resume', color: '#2e7d32', shape: 'triangle' },
  interrupt: { legend: 'interruption', color: '#616161', shape: 'square' },
  handoff: { legend: 'hand-off', color: '#1565c0', shape: 'diamond' },
  approval: { legend: 'approval', color: '#6a1b9a', shape: 'circle' },
  local: { legend: 'local log', color: '#ef6c00', shape: 'ring' },
  // Not an event of the log: where a branch kept beside it leaves it (see timeline.ts).
  diverged: { legend: 'diverged', color: '#ad1457', shape: 'fork' },
};
