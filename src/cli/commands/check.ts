import { ExitCode } from '../../exit-codes.js';
import { loadRunbooksFile } from '../../runbooks/load.js';
import { formatCheckJson, formatCheckTable } from '../../services/check-report.js';
import { writePrometheusFile } from '../../services/prometheus.js';
import { runChecks } from '../../services/run-checks.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

/** `runbook check <runbook> [--env E] [--json] [--prom FILE]`. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const loaded = loadRunbooksFile(command.file);
  const result = await runChecks({
    file: loaded.file,
    runbookId: command.positionals[0]!,
    envName: command.options.env as string | undefined,
    processEnv: io.env,
  });
  io.stdout.write(command.options.json ? formatCheckJson(result) : formatCheckTable(result));
  if (typeof command.options.prom === 'string') writePrometheusFile(command.options.prom, result);
  return result.failed > 0 ? ExitCode.failed : ExitCode.ok;
}
