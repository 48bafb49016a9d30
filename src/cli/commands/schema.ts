/** `runbook schema`: the JSON Schema of the runbooks file, the same bytes as runbooks.schema.json. */
import { ExitCode } from '../../exit-codes.js';
import { runbooksJsonSchemaText } from '../../runbooks/json-schema.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

export async function run(_command: ParsedCommand, io: CliIO): Promise<number> {
  io.stdout.write(runbooksJsonSchemaText());
  return ExitCode.ok;
}
