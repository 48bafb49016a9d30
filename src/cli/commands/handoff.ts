/**
 * `runbook handoff <session> [--to OPERATOR] [--note TEXT]`: hands a session to another operator.
 * The hand-off is an event naming who, to whom and when; the session is left interrupted for the
 * next operator to resume at the exact step, here or on another machine.
 */
import { writeLine, type CliIO } from '../io.js';
import { drivingService } from '../driving-service.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const service = await drivingService(command, io, { existing: true, mayContinueLocally: false });
  try {
    const to = typeof command.options.to === 'string' ? command.options.to : null;
    const note = typeof command.options.note === 'string' ? command.options.note : null;
    const state = service.handOff(command.positionals[0]!, { to, note });
    const handoff = state.handoffs.at(-1)!;
    writeLine(io.stdout, `Session ${state.id} handed off by ${handoff.from}${handoff.to ? ` to ${handoff.to}` : ''} at ${handoff.at}${handoff.note ? `: ${handoff.note}` : ''}.`);
    writeLine(io.stdout, `It waits at step ${state.currentStepId ?? '(all steps finished)'}; pick it up with: runbook resume ${state.id}`);
    return 0;
  } finally {
    service.close();
  }
}
