/** `runbook alerts --format prometheus-rules`: alerting rules for the runbooks file's required alerts. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OperatorError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { buildAlertRules } from '../../services/alert-rules.js';
import { formatPrometheusRules } from '../../services/prometheus-rules.js';
import { parseDurationSeconds } from '../../steps/params.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

/** Where the rules point when no base is given: the pages of `runbook render`, beside the rules. */
export const DEFAULT_RUNBOOK_URL_BASE = 'runbooks/';
/** How often cron is assumed to run `runbook check --prom` and `runbook evidence --prom`. */
export const DEFAULT_CHECK_INTERVAL = '15m';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const format = (command.options.format as string | undefined) ?? 'prometheus-rules';
  if (format !== 'prometheus-rules') throw new UsageError(`unknown alerts format "${format}"; use --format prometheus-rules`);
  const runbookUrlBase = (command.options['runbook-url-base'] as string | undefined) ?? DEFAULT_RUNBOOK_URL_BASE;
  if (/\s/.test(runbookUrlBase)) throw new UsageError(`--runbook-url-base "${runbookUrlBase}" holds a space; give a URL such as https://docs.example.com/runbooks/`);
  const interval = (command.options['check-interval'] as string | undefined) ?? DEFAULT_CHECK_INTERVAL;
  const checkIntervalSeconds = parseDurationSeconds(interval);
  if (checkIntervalSeconds === undefined || checkIntervalSeconds <= 0) {
    throw new UsageError(`--check-interval "${interval}" is not a duration; give how often cron runs "runbook check --prom", e.g. 15m or 1h`);
  }

  const { file } = loadCommandRunbooks(command, io);
  const { rules, notes } = buildAlertRules(file, { runbookUrlBase, checkIntervalSeconds });
  for (const note of notes) writeLine(io.stderr, `note: ${note}`);
  const text = formatPrometheusRules(rules, `runbook alerts --format prometheus-rules --runbook-url-base ${runbookUrlBase} --check-interval ${interval}`);

  const output = command.options.output as string | undefined;
  if (!output) {
    io.stdout.write(text);
    return ExitCode.ok;
  }
  const path = resolve(io.cwd, output);
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new OperatorError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --output`);
  }
  writeLine(io.stderr, `wrote ${rules.length} alerting rules for ${file.alerts.length} alerts to ${path}`);
  return ExitCode.ok;
}
