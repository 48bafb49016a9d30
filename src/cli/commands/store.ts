/** `runbook store init|migrate|status [--writer ROLE ...] [--reader ROLE ...] [--json]`: the shared session store. */
import { UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { initStore, migrateStore, storeStatus, type StoreStatus } from '../../services/store-admin.js';
import { writeLine, type CliIO } from '../io.js';
import type { ParsedCommand } from '../spec.js';
import { loadCommandRunbooks } from '../runbooks-file.js';

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const action = command.positionals[0];
  if (!command.store) throw new UsageError('name the shared store with --store URL or RUNBOOK_STORE (a PostgreSQL URL; PG* variables fill in the rest)');
  const list = (name: string) => {
    const value = command.options[name];
    return (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []).flatMap((item) => item.split(',')).filter(Boolean);
  };
  switch (action) {
    case 'init':
    case 'migrate': {
      const result = action === 'init' ? initStore(command.store, { writers: list('writer'), readers: list('reader') }) : migrateStore(command.store);
      writeLine(io.stdout, result.applied.length > 0 ? `applied schema version${result.applied.length === 1 ? '' : 's'} ${result.applied.join(', ')}; the store is at version ${result.version}` : `the store is at version ${result.version}: nothing to apply`);
      if (action === 'init') {
        const granted = [...list('writer').map((role) => `${role} (writer)`), ...list('reader').map((role) => `${role} (reader)`)];
        writeLine(io.stdout, `roles runbook_writer (inserts events, never updates or deletes them) and runbook_reader are in place${granted.length > 0 ? `; granted to ${granted.join(', ')}` : ''}`);
        writeLine(io.stdout, 'never point the store at a cluster a runbook restores: its log must outlive the restore');
      }
      return ExitCode.ok;
    }
    case 'status': {
      let file;
      try {
        file = loadCommandRunbooks(command, io).file;
      } catch {
        file = undefined;
      }
      const status = storeStatus(command.store, file);
      io.stdout.write(command.options.json ? `${JSON.stringify(status, null, 2)}\n` : render(status));
      return status.schemaVersion === status.buildVersion && status.sharedWithEnvironments.length === 0 ? ExitCode.ok : ExitCode.failed;
    }
    default:
      throw new UsageError(`unknown store action "${action}"; use init, migrate or status`);
  }
}

function render(status: StoreStatus): string {
  const lines = [
    `store ${status.location} (${status.server}), connected as ${status.connectedAs}`,
    `schema version ${status.schemaVersion}${status.schemaVersion === status.buildVersion ? ' (current)' : `, this runbook needs ${status.buildVersion}: run "runbook store ${status.schemaVersion === 0 ? 'init' : 'migrate'}"`}`,
    `roles: runbook_writer ${status.roles.writer ? 'present' : 'missing'}, runbook_reader ${status.roles.reader ? 'present' : 'missing'}`,
    `${status.connectedAs} may insert events: ${status.privileges.insertEvents ? 'yes' : 'no'}; update: ${status.privileges.updateEvents ? 'yes (grants; the trigger still refuses)' : 'no'}; delete: ${status.privileges.deleteEvents ? 'yes (grants; the trigger still refuses)' : 'no'}`,
    `${status.sessions} sessions, ${status.events} events`,
  ];
  if (status.sharedWithEnvironments.length > 0) {
    lines.push(`WARNING: environments ${status.sharedWithEnvironments.join(', ')} have a Postgres connection on this server: never keep the log on a cluster a runbook restores`);
  }
  return `${lines.join('\n')}\n`;
}
