/**
 * The timeline of a session as data, before it is drawn: one bar per step over the session's
 * time, what happened on each bar (check results, action results), the marked moments (crashes,
 * resumes, interruptions…), the stretches with nobody driving, and for a drill its restore window.
 */
import type { RawEvent } from '../events.js';
import type { StepStatus } from '../session-state.js';
import type { AuditRecord } from './audit-record.js';
import { markerRules, type MarkerKind } from './timeline-markers.js';

export interface TimelineTick {
  readonly at: number;
  readonly seq: number;
  readonly type: string;
  readonly ok: boolean;
}

export interface TimelineBar {
  readonly stepId: string;
  readonly title: string;
  readonly kind: string;
  readonly status: StepStatus;
  /** ms since the epoch; null for a step the session never reached. */
  readonly start: number | null;
  readonly end: number | null;
  /** The step is still open: its bar runs to the end of the record. */
  readonly unfinished: boolean;
  readonly ticks: readonly TimelineTick[];
}

export interface TimelineMarker {
  readonly kind: MarkerKind;
  readonly at: number;
  readonly seq: number;
  readonly label: string;
}

/** A stretch when no process drove the session. */
export interface TimelineGap {
  readonly kind: 'interrupted' | 'crashed';
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface RestoreWindow {
  readonly from: number;
  readonly to: number;
  readonly rtoMs: number;
}

export interface Timeline {
  readonly start: number;
  readonly end: number;
  readonly bars: readonly TimelineBar[];
  readonly markers: readonly TimelineMarker[];
  readonly gaps: readonly TimelineGap[];
  /** Drills whose restore ended: SessionStarted → the last restore step's completion (the RTO, from drillResult). */
  readonly restoreWindow: RestoreWindow | null;
}

const TICK_TYPES: Readonly<Record<string, boolean>> = { CheckPassed: true, CheckFailed: false, ActionSucceeded: true, ActionFailed: false };

/** Lays out the record's timeline. */
export function buildTimeline(record: AuditRecord): Timeline {
  const { state, events } = record;
  const times = events.map((event) => Date.parse(event.at)).filter(Number.isFinite);
  const start = parse(state.startedAt) ?? Math.min(...times);
  const end = Math.max(parse(state.endedAt) ?? -Infinity, ...times, start);

  const ticks = new Map<string, TimelineTick[]>();
  const markers: TimelineMarker[] = [];
  const gaps: TimelineGap[] = [];
  let interruptedAt: number | null = null;
  events.forEach((event, index) => {
    const at = Date.parse(event.at);
    const previous = index > 0 ? events[index - 1] : undefined;
    if (event.stepId !== null && event.type in TICK_TYPES) {
      const list = ticks.get(event.stepId) ?? [];
      list.push({ at, seq: event.seq, type: event.type, ok: TICK_TYPES[event.type]! });
      ticks.set(event.stepId, list);
    }
    for (const marker of markerRules[event.type]?.(event, previous) ?? []) markers.push({ ...marker, at, seq: event.seq });
    if (event.type === 'SessionInterrupted') interruptedAt = at;
    if (event.type === 'SessionResumed' && interruptedAt !== null) {
      gaps.push({ kind: 'interrupted', from: interruptedAt, to: at, label: `interrupted from ${new Date(interruptedAt).toISOString()} to ${event.at}` });
      interruptedAt = null;
    } else if (previous && foundCrash(event, previous)) {
      gaps.push({ kind: 'crashed', from: Date.parse(previous.at), to: at, label: `no driver: last event ${previous.at}, crash found ${event.at}` });
    }
  });

  // Where each branch kept beside the log leaves it, after that event's own markers.
  for (const branch of record.branches) {
    const fork = branch.forkSeq > 0 ? events[branch.forkSeq - 1] : undefined;
    const at = fork ? Date.parse(fork.at) : start;
    markers.push({ kind: 'diverged', at, seq: branch.forkSeq, label: `diverged here: branch ${branch.name} (${branch.events.length} event${branch.events.length === 1 ? '' : 's'} of a local log, kept beside this log, not merged)` });
  }
  markers.sort((one, two) => one.seq - two.seq);

  const bars: TimelineBar[] = state.order.map((id) => {
    const step = state.steps[id]!;
    const opened = parse(step.openedAt) ?? parse(step.completedAt);
    const completed = parse(step.completedAt);
    const unfinished = opened !== null && completed === null;
    return {
      stepId: id,
      title: step.title,
      kind: step.kind,
      status: step.status,
      start: opened,
      end: opened === null ? null : (completed ?? end),
      unfinished,
      ticks: ticks.get(id) ?? [],
    };
  });

  const drill = record.drill;
  const restoreEnd = parse(drill?.restoreEndedAt ?? null);
  const restoreWindow = drill && restoreEnd !== null && drill.rtoMs !== null ? { from: start, to: restoreEnd, rtoMs: drill.rtoMs } : null;
  return { start, end, bars, markers, gaps, restoreWindow };
}

/** The event where a crash came to light: a takeover, or a resume after a crash that no takeover announced. */
function foundCrash(event: RawEvent, previous: RawEvent): boolean {
  if (event.type === 'LockTakenOver') return true;
  return event.type === 'SessionResumed' && (event.data as { previous?: string } | null)?.previous === 'crashed' && previous.type !== 'LockTakenOver';
}

function parse(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
