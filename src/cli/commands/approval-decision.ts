/** What `approve` and `reject` share: the store, the request decided, the preview shown, the decision recorded. */
import { OperatorError, UsageError } from '../../errors.js';
import { findApprovalTarget, type ApprovalTarget } from '../../services/approvals/pending.js';
import { previewLines } from '../../services/approvals/preview-lines.js';
import { recordDecision, type Decision, type RecordedDecision } from '../../services/approvals/record-decision.js';
import { CommandRefusedError } from '../../services/session/driven-session.js';
import { currentOperator } from '../../state/operator.js';
import { requireCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** Longest reason kept (a sentence or two, not a document). */
const REASON_LIMIT = 2000;

/**
 * Finds the request, prints its preview, asks `decide` for the decision (null: cancelled) and
 * records it as the operator at this terminal; the store is closed afterwards.
 */
export async function decideRequest(
  command: ParsedCommand,
  io: CliIO,
  decide: (target: ApprovalTarget) => Promise<Decision>,
): Promise<{ readonly target: ApprovalTarget; readonly recorded: RecordedDecision; readonly actor: string }> {
  const reason = command.options.reason;
  if (typeof reason === 'string' && reason.length > REASON_LIMIT) throw new UsageError(`--reason is ${reason.length} characters; keep it under ${REASON_LIMIT}`);
  const store = await requireCommandStore(command, io);
  try {
    const actor = currentOperator(io.env);
    const now = new Date();
    const target = findApprovalTarget(store, command.positionals[0]!, command.positionals[1], now);
    for (const line of previewLines(target, now)) writeLine(io.stdout, line);
    writeLine(io.stdout);
    // Said before anything is typed: the same rule decide applies when recording.
    if (target.request.requester === actor) {
      throw new CommandRefusedError({ code: 'self-approval', message: `${actor} asked for this approval, so cannot decide on it: another operator must` });
    }
    const decision = await decide(target);
    const recorded = recordDecision(store, { sessionId: target.state.id, stepId: target.step.id, hash: target.request.hash, decision, actor });
    if (recorded.decision?.void) {
      throw new OperatorError(`your decision was recorded (event ${recorded.event.seq}) but does not count: ${recorded.decision.void}`);
    }
    return { target, recorded, actor };
  } finally {
    store.close();
  }
}
