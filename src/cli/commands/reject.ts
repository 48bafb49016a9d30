/**
 * `runbook reject <session> STEP --reason TEXT`: refuses an action waiting for approval, with the
 * reason recorded in the session's log; it will not run on that preview. Never your own request.
 */
import { UsageError } from '../../errors.js';
import { shortHash } from '../../state/preview-hash.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';
import { decideRequest } from './approval-decision.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const reason = typeof command.options.reason === 'string' ? command.options.reason.trim() : '';
  if (!reason) throw new UsageError('say why with --reason TEXT (it is recorded, and the driver sees it)');
  const { target, actor } = await decideRequest(command, io, async () => ({ kind: 'reject', reason }));
  writeLine(io.stdout, `Rejected step ${target.step.id} of session ${target.state.id} (preview ${shortHash(target.request.hash)}) as ${actor}: ${reason}`);
  writeLine(io.stdout, 'It will not run on this preview; the driver may preview it again to ask anew, or skip it.');
  return 0;
}
