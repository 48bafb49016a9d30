/** One event in words for the timeline of an export: what happened and how long it took. */
import type { RawEvent } from '../events.js';

export interface EventLine {
  readonly result: string;
  readonly durationMs: number | null;
}

/** A short human description of a stored event (its data as stored, already redacted). */
export function describeEvent(event: RawEvent): EventLine {
  const data = (event.data ?? {}) as Record<string, any>;
  const duration = typeof data.durationMs === 'number' ? data.durationMs : null;
  const line = (result: string): EventLine => ({ result, durationMs: duration });
  switch (event.type) {
    case 'SessionStarted':
      return line(
        `session started: ${data.runbookId} on ${data.env}${data.drill ? ' (drill)' : ''}${data.incident ? `, incident ${data.incident}` : ''}`,
      );
    case 'StepOpened':
      return line(data.attempt > 1 ? `opened again (time ${data.attempt})` : 'opened');
    case 'CheckPassed':
      return line(`check passed: observed ${short(data.observed)}${data.expected ? `, expected ${data.expected}` : ''}`);
    case 'CheckFailed':
      return line(`check FAILED: observed ${short(data.observed)}${data.expected ? `, expected ${data.expected}` : ''}; ${data.detail}`);
    case 'InputProvided':
      return line(`${data.name ? `input ${data.name}` : 'value'} = ${data.secret ? '[secret]' : short(data.value)}`);
    case 'ActionPreviewed':
      return line(`previewed: ${data.summary}${data.dryRun ? ` (dry run ${data.dryRun.ok ? 'ok' : 'FAILED'})` : ''}`);
    case 'ActionConfirmed':
      return line(`confirmed by typing "${data.typed}"`);
    case 'ApprovalRequested':
      return line(`approval requested (${data.required} needed: ${data.because}) for preview ${data.hash}`);
    case 'ActionApproved':
      return line(`APPROVED preview ${data.hash}${data.reason ? `: ${data.reason}` : ''} (holds until ${data.expiresAt})`);
    case 'ActionRejected':
      return line(`REJECTED preview ${data.hash}: ${data.reason}`);
    case 'ActionIntended':
      return line(`action started (${data.provider}, key ${data.idempotencyKey})`);
    case 'ActionSucceeded':
      return line(`action succeeded: ${data.detail}`);
    case 'ActionFailed':
      return line(`action FAILED: ${data.error}`);
    case 'ActionReconciled':
      return line(`reconciled after a crash (key ${data.idempotencyKey}): ${data.outcome}; ${data.detail}`);
    case 'StepCompleted':
      return line(`done${data.overrideReason ? ` despite failure: ${data.overrideReason}` : ''}${data.note ? `; note: ${data.note}` : ''}`);
    case 'StepSkipped':
      return line(`skipped${data.automatic ? ' automatically' : ''}: ${data.reason}`);
    case 'NoteAdded':
      return line(`note: ${data.text}`);
    case 'SessionInterrupted':
      return line(`session interrupted: ${data.reason}`);
    case 'SessionResumed':
      return line(
        `session resumed after ${data.previous === 'crashed' ? 'a crash' : 'an interruption'}${data.runbookChanged ? ` (runbook changed: ${(data.changes as string[]).join('; ')})` : ''}`,
      );
    case 'SessionHandedOff':
      return line(`handed off by ${data.from}${data.to ? ` to ${data.to}` : ''}${data.implicit ? ' (resumed by them)' : ''}${data.note ? `: ${data.note}` : ''}`);
    case 'SwitchedToLocalLog':
      return line(`went on in the local log ${data.localLog}: the shared store ${data.store} was unreachable (${data.reason})`);
    case 'LockTakenOver':
      return line(`lock taken over from pid ${data.pid} on ${data.host}: ${data.reason}`);
    case 'SessionCompleted':
      return line('session completed');
    case 'SessionAborted':
      return line(`session aborted: ${data.reason}`);
    default:
      return line(event.type);
  }
}

/** A value on one line, capped. */
export function short(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
