/** Exit codes: the contract scripts rely on (DESIGN.md, "Commands"). */
export const ExitCode = {
  ok: 0,
  /** A check, drill or verification failed. */
  failed: 1,
  /** Usage or configuration error: bad YAML, unknown runbook, missing environment, wrong flag. */
  usage: 2,
  /** Cancelled by the operator. */
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
