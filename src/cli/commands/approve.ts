/**
 * `runbook approve <session> [STEP] [--reason TEXT] [--confirm NAME]`: shows the exact preview the
 * driver saw (resolved parameters, dry run, hash), asks for confirmation (on a protected
 * environment its name is typed; without a terminal `--confirm NAME` is that typing) and records
 * the approval in the session's log. Never your own request.
 */
import { createInterface } from 'node:readline/promises';
import { CancelledError, UsageError } from '../../errors.js';
import type { ApprovalTarget } from '../../services/approvals/pending.js';
import { protectedName } from '../../state/decide.js';
import { shortHash } from '../../state/preview-hash.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';
import { decideRequest } from './approval-decision.js';
import { textOption } from '../option-values.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const reason = textOption(command, 'reason') ?? null;
  const { target, recorded, actor } = await decideRequest(command, io, async (found) => ({ kind: 'approve', typed: await confirmation(found, command, io), reason }));
  const status = recorded.status;
  const counted = status.kind === 'approved' || status.kind === 'pending' ? status.approvals.length : 0;
  writeLine(io.stdout, `Approved step ${target.step.id} of session ${target.state.id} (preview ${shortHash(target.request.hash)}) as ${actor}; it holds until ${recorded.decision?.expiresAt}.`);
  writeLine(
    io.stdout,
    status.kind === 'approved'
      ? `${counted} of ${target.request.required} approvals: the action may run now (the driver's screen or headless run sees it within a second).`
      : `${counted} of ${target.request.required} approvals: it still waits for ${target.request.required - counted} more.`,
  );
  return 0;
}

/** What the approver typed: the protected environment's name, or null (a yes on a terminal elsewhere). */
async function confirmation(target: ApprovalTarget, command: ParsedCommand, io: CliIO): Promise<string | null> {
  const given = textOption(command, 'confirm');
  const { state } = target;
  if (state.protected) {
    const name = protectedName(state);
    if (given !== undefined) return given;
    if (!io.interactive) {
      throw new UsageError(`approving an action on protected ${state.env} needs its name typed: read the preview above, then run this again with --confirm ${JSON.stringify(name)}`);
    }
    const typed = await ask(io, `Type "${name}" to approve this action on PROTECTED ${state.env} (anything else cancels): `);
    if (typed.trim() !== name) throw new CancelledError(`not approved: "${name}" was not typed`);
    return typed.trim();
  }
  if (given !== undefined || !io.interactive) return given ?? null;
  const answer = (await ask(io, 'Approve this action? [y/N] ')).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') throw new CancelledError('not approved');
  return null;
}

async function ask(io: CliIO, question: string): Promise<string> {
  const lines = createInterface({ input: io.stdin as NodeJS.ReadableStream, output: io.stdout as NodeJS.WritableStream });
  try {
    return await lines.question(question);
  } finally {
    lines.close();
  }
}
