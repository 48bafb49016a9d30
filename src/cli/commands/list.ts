/** `runbook list [--json]`: the runbooks with their sections and step counts, and the alerts that open them. */
import { ExitCode } from '../../exit-codes.js';
import { listRunbooks, stepCount, type RunbooksListing } from '../../runbooks/list.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const listing = listRunbooks(loadCommandRunbooks(command, io).file);
  if (command.options.json) {
    writeLine(io.stdout, JSON.stringify(listing, null, 2));
  } else {
    io.stdout.write(renderListing(listing));
  }
  return ExitCode.ok;
}

/** Human listing: one block per runbook, then the alerts. */
function renderListing(listing: RunbooksListing): string {
  const lines: string[] = [];
  for (const runbook of listing.runbooks) {
    const cadence = runbook.cadence ? `  [restore test, ${runbook.cadence}]` : '';
    lines.push(`${runbook.id}  ${runbook.title}${cadence}`);
    lines.push(`  ${runbook.summary}`);
    const width = Math.max(...runbook.sections.map((section) => section.id.length));
    for (const section of runbook.sections) {
      const count = section.steps.length;
      lines.push(`    ${section.id.padEnd(width)}  ${section.title} (${count} step${count === 1 ? '' : 's'})`);
    }
    const total = stepCount(runbook);
    lines.push(`  ${runbook.sections.length} section${runbook.sections.length === 1 ? '' : 's'}, ${total} step${total === 1 ? '' : 's'}`, '');
  }
  if (listing.alerts.length > 0) {
    lines.push('Alerts:');
    for (const alert of listing.alerts) lines.push(`  ${alert.name}  →  ${alert.runbook}#${alert.section}`);
  }
  return `${lines.join('\n')}\n`;
}
