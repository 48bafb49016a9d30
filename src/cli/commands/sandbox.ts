/** `runbook sandbox up|down|status [--json]`: the local staging environment for practising drills. */
import { isAbsolute, relative } from 'node:path';
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { sandboxLayout, type SandboxLayout } from '../../sandbox/layout.js';
import { sandboxDown, sandboxUp } from '../../sandbox/sandbox.js';
import { WORKLOAD_INSTANCE_ID } from '../../sandbox/seed.js';
import { sandboxStatus, type SandboxStatus } from '../../sandbox/status.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks, runbooksFileLabel } from '../runbooks-file.js';
import type { ParsedCommand } from '../spec.js';

const ACTIONS = ['up', 'down', 'status'] as const;

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const action = command.positionals[0];
  if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
    throw new UsageError(`unknown sandbox action "${action}"; use up, down or status`);
  }
  const layout = sandboxLayout(loadCommandRunbooks(command, io), runbooksFileLabel(command, io));
  const json = Boolean(command.options.json);
  const progress = (line: string) => (json ? undefined : writeLine(io.stdout, `  ${line}`));
  switch (action) {
    case 'up': {
      if (!json) writeLine(io.stdout, `Sandbox for ${layout.fileLabel}:`);
      const status = await sandboxUp(layout, progress);
      if (json) writeLine(io.stdout, JSON.stringify(status, null, 2));
      else io.stdout.write(`\n${renderStatus(status, io.cwd)}\n${nextCommands(layout, command, status)}`);
      return status.healthy ? ExitCode.ok : ExitCode.failed;
    }
    case 'down': {
      await sandboxDown(layout, progress);
      if (json) writeLine(io.stdout, JSON.stringify({ removed: layout.root }, null, 2));
      return ExitCode.ok;
    }
    default: {
      const status = await sandboxStatus(layout);
      if (json) writeLine(io.stdout, JSON.stringify(status, null, 2));
      else io.stdout.write(renderStatus(status, io.cwd));
      return status.healthy ? ExitCode.ok : ExitCode.failed;
    }
  }
}

function shortPath(path: string, cwd: string): string {
  const local = relative(cwd, path);
  return local && !local.startsWith('..') && !isAbsolute(local) ? local : path;
}

/** One line per part: name, state, pid, endpoint, directory, then what it holds. */
function renderStatus(status: SandboxStatus, cwd: string): string {
  const rows = status.parts.map((part) => [
    part.healthy ? 'ok ' : '!! ',
    part.name,
    part.state,
    part.pid === undefined ? '' : `pid ${part.pid}`,
    part.endpoint ?? '',
    part.directory ? shortPath(part.directory, cwd) : '',
  ]);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row, index) => {
    const cells = row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
    return `${cells}\n       ${status.parts[index]!.detail}`;
  });
  const unhealthy = status.parts.filter((part) => !part.healthy).length;
  const verdict = unhealthy === 0 ? 'All parts healthy.' : `${unhealthy} part${unhealthy === 1 ? ' needs' : 's need'} attention: run runbook sandbox up (or down to remove it all).`;
  return `${lines.join('\n')}\n${verdict}\n`;
}

function nextCommands(layout: SandboxLayout, command: ParsedCommand, status: SandboxStatus): string {
  const file = typeof command.options.file === 'string' ? ` --file ${command.options.file}` : '';
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    'Try next:',
    `  runbook check daily --env sandbox${file}`,
    '      the daily checklist: a failed and a stale volume snapshot are waiting, with the section to open',
    `  runbook start restore-postgres --env sandbox --drill${file} --set target_time=${now}`,
    `      a point-in-time restore of the live cluster into the restore cluster, ${status.backups.tool === 'pgbackrest' ? "by pgBackRest from the sandbox's stanza, as in staging" : 'from the base backups and the WAL archive'}`,
    `  runbook start restore-volume --env sandbox --drill${file} --set volume_id=${layout.names.volumeId} --set workload_instance_id=${WORKLOAD_INSTANCE_ID} --set target_time=${now}`,
    '      restore the data volume from a snapshot onto the recovery instance and swap it in',
    `  runbook sandbox status${file}    runbook sandbox down${file}`,
    '',
  ].join('\n');
}
