import { ExitCode } from '../../exit-codes.js';
import { loadRunbooksFile } from '../../runbooks/load.js';
import { collectEvidence } from '../../services/evidence.js';
import { formatEvidenceJson, formatEvidenceTable } from '../../services/evidence-report.js';
import { chooseEnvironment } from '../../services/run-checks.js';
import { openStoreReadOnly } from '../../state/open-store.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** `runbook evidence [--env E] [--json]`: exit 1 when a restore test is overdue or an asset's newest backup is stale. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const loaded = loadRunbooksFile(command.file);
  const envOption = command.options.env as string | undefined;
  const env = envOption === undefined ? undefined : chooseEnvironment(loaded.file, envOption);
  // No database yet means nothing was ever recorded: everything with a cadence is overdue.
  const store = openStoreReadOnly(command.db, (notice) => io.stderr.write(`runbook: ${notice}\n`));
  let report;
  try {
    report = collectEvidence({ file: loaded.file, store, now: new Date(), ...(env ? { env } : {}) });
  } finally {
    store?.close();
  }
  io.stdout.write(command.options.json ? formatEvidenceJson(report) : formatEvidenceTable(report));
  return report.overdue ? ExitCode.failed : ExitCode.ok;
}
