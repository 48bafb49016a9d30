/** Runs the real promtool (Debian's `prometheus` package); a missing one fails with what to install. */
import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  readonly status: number | null;
  /** stdout and stderr together: promtool prints its findings on either. */
  readonly output: string;
}

export function promtool(args: readonly string[], input?: string): PromtoolResult {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000, ...(input === undefined ? {} : { input }) });
  if (result.error) {
    throw new Error(`cannot run promtool (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}): install it with "apt-get install prometheus" or scripts/install-test-deps.sh`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
