/** Exit codes: the contract scripts rely on (DESIGN.md, "Commands"). */
export const ExitCode = {
  ok: 0,
  /** A check, drill or verification failed. */
  failed: 1,
  /** Usage or configuration error: bad YAML, unknown runbook, missing environment, wrong flag. */
  usage: 2,
  /** An internal error: a bug in runbook, not a failed check (cron can tell the two apart). */
  internal: 70,
  /** Left unfinished or cancelled by the operator. */
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
