import { OperatorError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { loadRunbooksFile } from '../../runbooks/load.js';
import { collectDrillHistory, collectEvidence } from '../../services/evidence.js';
import { formatEvidenceHtml } from '../../services/evidence-html.js';
import { formatEvidenceJson, formatEvidenceTable } from '../../services/evidence-report.js';
import { writeTextfile } from '../../services/prometheus.js';
import { restoreTestPrometheusText } from '../../services/restore-test-metrics.js';
import { chooseEnvironment } from '../../services/run-checks.js';
import { readCommandStore } from '../command-store.js';
import type { CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';

type EvidenceFormat = 'text' | 'json' | 'html';

/** `runbook evidence [--env E] [--json | --format text|json|html]`: exit 1 when a restore test is overdue or an asset's newest backup is stale. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const format = evidenceFormat(command);
  const loaded = loadRunbooksFile(command.file);
  const envOption = command.options.env as string | undefined;
  const env = envOption === undefined ? undefined : chooseEnvironment(loaded.file, envOption);
  // No database yet means nothing was ever recorded: everything with a cadence is overdue.
  const store = await readCommandStore(command, io);
  let text: string;
  try {
    const options = { file: loaded.file, store, now: new Date(), ...(env ? { env } : {}) };
    const report = collectEvidence(options);
    if (format === 'html') text = formatEvidenceHtml(report, collectDrillHistory(options, report.runbooks.map((runbook) => runbook.runbook)));
    else text = format === 'json' ? formatEvidenceJson(report) : formatEvidenceTable(report);
    io.stdout.write(text);
    if (typeof command.options.prom === 'string') writeTextfile(command.options.prom, restoreTestPrometheusText(report));
    return report.overdue ? ExitCode.failed : ExitCode.ok;
  } finally {
    store?.close();
  }
}

function evidenceFormat(command: ParsedCommand): EvidenceFormat {
  const value = command.options.format as string | undefined;
  if (value === undefined) return command.options.json ? 'json' : 'text';
  const format = value.toLowerCase();
  if (format !== 'text' && format !== 'json' && format !== 'html') throw new OperatorError(`unknown evidence format "${value}"; use text, json or html`);
  if (command.options.json && format !== 'json') throw new OperatorError(`--json and --format ${format} disagree; give one of them`);
  return format;
}
