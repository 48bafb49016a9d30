import { OperatorError } from '../../errors.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** Not built yet: see the README's command tour. */
export async function run(_command: ParsedCommand, _io: CliIO): Promise<number> {
  throw new OperatorError('"runbook start" is not built yet; see the README for what works today');
}
