import { ExitCode } from '../../exit-codes.js';
import { resolveEnvironment } from '../../runbooks/environment.js';
import { formatCheckJson, formatCheckTable } from '../../services/check-report.js';
import { writePrometheusFile } from '../../services/prometheus.js';
import { runChecks } from '../../services/run-checks.js';
import { storeCheckRun } from '../../services/store-check-run.js';
import { commandStoreLabel, openCommandStore } from '../command-store.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

/** `runbook check <runbook> [--env E] [--json] [--verbose] [--prom FILE]`; the results are also kept as evidence in the session database. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const loaded = loadCommandRunbooks(command, io);
  const result = await runChecks({
    file: loaded.file,
    runbookId: command.positionals[0]!,
    envName: command.options.env as string | undefined,
    processEnv: io.env,
  });
  io.stdout.write(command.options.json ? formatCheckJson(result) : formatCheckTable(result, { verbose: command.options.verbose === true, file: loaded.file }));
  // Evidence is a by-product: failing to keep it must not hide the checks' own results or exit code.
  try {
    const secrets = resolveEnvironment(result.env, loaded.file.environments[result.env]!, io.env).secrets;
    const store = await openCommandStore(command, io);
    try {
      storeCheckRun(store, result, secrets);
    } finally {
      store.close();
    }
  } catch (error) {
    writeLine(io.stderr, `warning: the check results were not stored as evidence in ${commandStoreLabel(command)}: ${oneLine((error as Error).message)}`);
  }
  // After the evidence: a metrics file that cannot be written (exit 2) loses nothing else.
  if (typeof command.options.prom === 'string') writePrometheusFile(command.options.prom, result, loaded.file);
  return result.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
