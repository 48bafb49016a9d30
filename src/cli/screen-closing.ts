/** What every screen that can drive sessions does when it closes (home, start, resume). */
import type { DrivenSession } from '../services/session/driven-session.js';
import { writeLine, type CliIO } from './io.js';

/**
 * Records the interruption of any session the screen left driven (it ended without leaving or
 * completing: a bug, a crash in render), so the session shows as resumable rather than held;
 * then prints the screen's closing lines, errors to standard error.
 */
export function closeScreen(driven: readonly DrivenSession[], closing: readonly string[], io: CliIO): void {
  for (const session of driven) {
    try {
      session.interrupt('the screen closed unexpectedly');
    } catch {
      session.release();
    }
  }
  for (const line of closing) writeLine(line.startsWith('runbook: ') ? io.stderr : io.stdout, line);
}
