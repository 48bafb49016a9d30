/** The drill result as label/value lines, shared by the Markdown and HTML exports. */
import type { DrillResult } from '../drill-result.js';
import { formatDuration } from './audit-record.js';

/** The facts of a drill, in the order the exports list them. */
export function drillFacts(drill: DrillResult): { readonly label: string; readonly value: string; readonly failed?: boolean }[] {
  const result = drill.outcome === 'unfinished' ? 'not finished' : drill.outcome === 'passed' ? 'passed' : 'FAILED';
  const facts: { label: string; value: string; failed?: boolean }[] = [
    { label: 'Result', value: drill.reasons.length > 0 ? `${result}: ${drill.reasons.join('; ')}` : result, failed: drill.outcome === 'failed' },
    { label: 'RTO (start to restore end)', value: formatDuration(drill.rtoMs) || 'not reached' },
    { label: 'Restore ended', value: drill.restoreEndedAt ?? 'not reached' },
    { label: 'Recovery point reached', value: drill.recoveryPoint ?? 'not recorded' },
    { label: 'Recovery target', value: drill.recoveryTarget ?? 'not recorded' },
  ];
  if (drill.recoveryGapMs !== null) facts.push({ label: 'Recovery gap', value: describeGap(drill.recoveryGapMs) });
  if (drill.overridden.length > 0) {
    facts.push({ label: 'Overridden', value: drill.overridden.map(({ step, reason }) => `${step} (${reason})`).join('; ') });
  }
  return facts;
}

/** One line to end a drill with, on screen and in a headless run: its verdict, RTO and recovery point. */
export function drillLine(drill: DrillResult): string {
  const verdict = drill.outcome === 'passed' ? 'passed' : drill.outcome === 'failed' ? `FAILED (${drill.reasons.join('; ')})` : 'not finished';
  const rto = drill.rtoMs === null ? 'not reached' : formatDuration(drill.rtoMs);
  const gap = drill.recoveryGapMs === null ? '' : `, ${describeGap(drill.recoveryGapMs)}`;
  return `Drill ${verdict}: RTO ${rto}, recovery point ${drill.recoveryPoint ?? 'not recorded'}${gap}.`;
}

/** target − point, for people: how far before (or after) the target the restore reached. */
export function describeGap(gapMs: number): string {
  if (gapMs === 0) return 'none (the recovery point is the target)';
  const size = formatDuration(Math.abs(gapMs));
  return gapMs > 0 ? `${size} before the target` : `${size} after the target`;
}
