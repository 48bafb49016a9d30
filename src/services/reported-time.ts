/**
 * The time of an asset's last success as a check reported it: one rule shared by the Prometheus
 * output and the evidence store, so both read the same output of the same check.
 */

/** Output names that carry the time of an asset's last success, in order of preference. */
const SUCCESS_TIME_OUTPUTS = ['lastBackupAt', 'lastArchivedAt', 'newestStartTime', 'lastModified', 'recoveryPoint'] as const;

/** A success time a check reported, and the output it came from. */
export interface ReportedTime {
  /** ISO-8601, normalised. */
  readonly at: string;
  readonly ms: number;
  /** The output name (`json.lastBackupAt` when it came from a shell check's printed JSON). */
  readonly from: string;
}

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const time = new Date(value).getTime();
  return Number.isFinite(time) ? time : undefined;
}

/** The newest-backup time in a check's outputs, or undefined when it reported none. */
export function reportedSuccessTime(outputs: Readonly<Record<string, unknown>>): ReportedTime | undefined {
  // A shell check of a custom backup script reports its times inside the JSON it printed.
  const printed = outputs.json;
  const sources: [string, Readonly<Record<string, unknown>>][] = [['', outputs]];
  if (printed && typeof printed === 'object' && !Array.isArray(printed)) sources.push(['json.', printed as Record<string, unknown>]);
  for (const [prefix, source] of sources) {
    for (const name of SUCCESS_TIME_OUTPUTS) {
      const ms = parseTime(source[name]);
      if (ms !== undefined) return { at: new Date(ms).toISOString(), ms, from: `${prefix}${name}` };
    }
  }
  return undefined;
}
