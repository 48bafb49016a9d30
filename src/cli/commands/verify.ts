import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FailedError } from '../../errors.js';
import { resolveSessionId } from '../../state/sessions.js';
import { verifyExportFile, verifyStoredSession, type VerifyResult } from '../../state/verify.js';
import { commandStoreLabel, requireReadCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** `runbook verify <session | export.json>`: recomputes the hash chain; exit 1 naming the first bad event. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const target = command.positionals[0]!;
  const path = resolve(io.cwd, target);
  let result: VerifyResult;
  let source: string;
  if (looksLikeFile(target, path)) {
    result = verifyExportFile(path);
    source = path;
  } else {
    const store = await requireReadCommandStore(command, io);
    try {
      result = verifyStoredSession(store, resolveSessionId(store, target));
    } finally {
      store.close();
    }
    source = commandStoreLabel(command);
  }
  if (!result.ok) {
    throw new FailedError(`verification FAILED for session ${result.sessionId} (${source}): first bad event is seq ${result.firstBadSeq}: ${result.problem}`);
  }
  writeLine(io.stdout, `ok: session ${result.sessionId}, ${result.events} events, hash chain intact (head ${result.head})`);
  return 0;
}

function looksLikeFile(target: string, path: string): boolean {
  if (target.endsWith('.json') || target.includes('/')) return true;
  return existsSync(path) && statSync(path).isFile();
}
