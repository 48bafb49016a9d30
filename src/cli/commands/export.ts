import { writeFileSync, chmodSync } from 'node:fs';
import { OperatorError } from '../../errors.js';
import { loadAuditRecord, parseExportFormat, renderExport } from '../../state/export/index.js';
import { resolveSessionId } from '../../state/sessions.js';
import { requireReadCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';
import { resolve } from 'node:path';

/** `runbook export <session> [--format md|json|html] [--output FILE]`: the audit record. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const format = parseExportFormat(command.options.format as string | undefined);
  const store = await requireReadCommandStore(command, io);
  let text: string;
  let sessionId: string;
  try {
    sessionId = resolveSessionId(store, command.positionals[0]!);
    text = renderExport(loadAuditRecord(store, sessionId), format);
  } finally {
    store.close();
  }
  const output = command.options.output as string | undefined;
  if (!output) {
    io.stdout.write(text);
    return 0;
  }
  const path = resolve(io.cwd, output);
  try {
    // The record names systems and people: readable by its owner only.
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  } catch (error) {
    throw new OperatorError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --output`);
  }
  writeLine(io.stderr, `wrote ${format} audit record of session ${sessionId} to ${path}`);
  return 0;
}
