/**
 * `runbook push [<session> | --all]`: uploads sessions of this machine's local log to the shared
 * store, fast-forward only; a session someone continued on the store meanwhile keeps both
 * branches and says so. With --all, every local session whose chain verifies.
 */
import { FailedError, UsageError } from '../../errors.js';
import { describePush, pushSession, type PushOutcome } from '../../services/push/push-session.js';
import { currentHost } from '../../state/operator.js';
import { requireStoreReadOnly } from '../../state/open-store.js';
import { resolveSessionId } from '../../state/sessions.js';
import { openSharedStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  if (!command.store) throw new UsageError('name the shared store to push to with --store URL or RUNBOOK_STORE');
  const all = command.options.all === true;
  if (all === (command.positionals[0] !== undefined)) throw new UsageError('give one session to push, or --all');
  const local = requireStoreReadOnly(command.db, (notice) => io.stderr.write(`runbook: ${notice}\n`));
  const shared = await openSharedStore(command);
  const results: PushOutcome[] = [];
  try {
    const ids = all ? local.sessions().map((row) => row.id) : [resolveSessionId(local, command.positionals[0]!)];
    for (const id of ids) {
      const result = pushSession(local, shared, id, currentHost());
      results.push(result);
      writeLine(result.outcome === 'refused' || result.outcome === 'diverged' ? io.stderr : io.stdout, describePush(result));
    }
  } finally {
    local.close();
    shared.close();
  }
  const trouble = results.filter((result) => result.outcome === 'refused' || result.outcome === 'diverged');
  if (trouble.length > 0) throw new FailedError(`${trouble.length} of ${results.length} sessions were not pushed as they are: see above`);
  return 0;
}
