/**
 * Which backup a restore to a target will use, decided the way the tool itself decides, from
 * the tool's own catalogue: `pgbackrest info` (repos in order, the newest set whose stop time is
 * before the target, or `--set`), `wal-g backup-list --detail --json` (the newest that finished
 * before the target), or the pg_basebackup directories under baseBackupDir. A backup that ends
 * after the target is of no use: PostgreSQL cannot stop before the end of the backup it starts
 * from ("requested recovery stop point is before consistent recovery point").
 */
import { listBaseBackups, type BaseBackup } from '../../backup/base-backups.js';
import type { StepContext } from '../../provider.js';
import { parseWalgBackupList, type WalgBackupEntry } from '../../shell/walg.js';
import { ProviderFailure } from '../../support/call.js';
import { connectionFor, type PostgresConnectionSettings } from '../connect.js';
import { findExecutable, isRoot, runCommand } from './commands.js';
import { parsePgbackrestSets, type PgbackrestSet, type PgbackrestStanzaSets } from './pgbackrest-sets.js';

type BackupSettings = NonNullable<StepContext['environment']['backup']>;

/** The backup a restore will start from, and how that was decided. */
export interface BackupChoice {
  readonly tool: BackupSettings['tool'];
  readonly label: string;
  /** pgBackRest: "repo1", "repo2"…; null for the other tools. */
  readonly repo: string | null;
  readonly type: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** pgBackRest flagged the set (`error: true`): it copied pages whose checksums did not match. */
  readonly hasErrors: boolean;
  /** Why this one, in the tool's terms. */
  readonly reason: string;
  /** What else the catalogue said that matters here (repos skipped, newer sets flagged…). */
  readonly notes: readonly string[];
  /** pg_basebackup: the directory to restore. */
  readonly baseBackup?: BaseBackup;
}

const iso = (date: Date) => date.toISOString();

/** "20240501-010000F (full) in repo1, ended 2024-05-01T01:05:00.000Z". */
export function describeChoice(choice: BackupChoice): string {
  const where = choice.repo ? ` in ${choice.repo}` : '';
  const flagged = choice.hasErrors ? '; FLAGGED by pgBackRest: it holds pages with checksum errors' : '';
  return `${choice.label} (${choice.type})${where}, ended ${iso(choice.endedAt)}${flagged}`;
}

/** Advice for a set pgBackRest flagged, naming the newest clean alternative when there is one. */
export function flaggedAdvice(choice: BackupChoice, alternative: string | undefined): string {
  return `pgBackRest found page checksum errors while copying ${choice.label}: the live database has corrupted pages. ${
    alternative ? `Restore ${alternative} instead (backup: ${alternative.split(' ')[0]}) unless the corruption predates it, ` : ''
  }raise the "Postgres backup failed" alert and have the corruption examined`;
}

// pgBackRest reads the target's whole seconds only (restore.c getEpoch) and wants stop < target.
const pgbackrestEndsBefore = (set: PgbackrestSet, target: Date) => set.stoppedAt.getTime() < Math.floor(target.getTime() / 1000) * 1000;

/** The repos `pgbackrest restore` would search: `--repo=N` in args limits it to one. */
function reposSearched(args: readonly string[], sets: PgbackrestStanzaSets): number[] {
  const pinned = args.map((arg) => /^--repo=(\d+)$/.exec(arg)?.[1]).find(Boolean);
  const keys = sets.repos.map((repo) => repo.key).sort((a, b) => a - b);
  return pinned ? keys.filter((key) => key === Number(pinned)) : keys;
}

/** Chooses the set as `pgbackrest restore` does (src/command/restore/restore.c restoreBackupSet, 2.45). */
export function choosePgbackrestSet(sets: PgbackrestStanzaSets, options: { target?: Date; set?: string; args?: readonly string[] }): BackupChoice {
  const notes: string[] = [];
  const searched = reposSearched(options.args ?? [], sets);
  for (const key of searched) {
    const repo = sets.repos.find((candidate) => candidate.key === key)!;
    if (repo.statusCode !== 0) {
      notes.push(`repo${key} skipped, as pgbackrest restore skips it: ${repo.statusMessage}`);
      continue;
    }
    // backup.info lists sets by label; restore walks that list from its end.
    const inRepo = sets.sets.filter((set) => set.repoKey === key).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    let chosen: PgbackrestSet | undefined;
    let reason: string;
    if (options.set !== undefined) {
      chosen = inRepo.find((set) => set.label === options.set);
      reason = `the set named by backup: (--set), found in repo${key}`;
    } else if (options.target) {
      chosen = [...inRepo].reverse().find((set) => pgbackrestEndsBefore(set, options.target!));
      reason = `the newest set in repo${key} that stopped before the target, as pgbackrest restore chooses`;
    } else {
      chosen = inRepo.at(-1);
      reason = `the newest set in repo${key}, as pgbackrest restore chooses without a target`;
    }
    if (!chosen) continue;
    if (options.set !== undefined && options.target && !pgbackrestEndsBefore(chosen, options.target)) {
      throw new ProviderFailure(
        'invalid-input',
        `backup set ${chosen.label} in repo${key} stopped at ${iso(chosen.stoppedAt)}, not before the target ${iso(options.target)}`,
        'PostgreSQL cannot stop before the end of the backup it starts from: name an older set, or leave backup: out so pgBackRest picks one',
      );
    }
    const newerFlagged = inRepo.filter((set) => set.hasErrors && set.label > chosen!.label).map((set) => set.label);
    if (newerFlagged.length > 0) notes.push(`newer set${newerFlagged.length > 1 ? 's' : ''} ${newerFlagged.join(', ')} in repo${key} flagged with errors`);
    return { tool: 'pgbackrest', label: chosen.label, repo: `repo${key}`, type: chosen.type, startedAt: chosen.startedAt, endedAt: chosen.stoppedAt, hasErrors: chosen.hasErrors, reason, notes };
  }
  const skipped = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const all = sets.sets.filter((set) => searched.includes(set.repoKey));
  if (options.set !== undefined) {
    throw new ProviderFailure('not-found', `no backup set ${options.set} in ${searched.map((key) => `repo${key}`).join(', ')}${skipped}`, `choose one of: ${all.map((set) => `${set.label} (repo${set.repoKey})`).join(', ') || '(none listed)'}`);
  }
  if (options.target) {
    const oldest = [...all].sort((a, b) => a.stoppedAt.getTime() - b.stoppedAt.getTime())[0];
    throw new ProviderFailure(
      'not-found',
      `no pgBackRest backup set stopped before the target ${iso(options.target)}${skipped}`,
      oldest
        ? `the oldest usable set, ${oldest.label} in repo${oldest.repoKey}, stopped at ${iso(oldest.stoppedAt)}: choose a later target (pgBackRest compares whole seconds)`
        : 'take a backup (pgbackrest backup) or fix the repos named above, then re-run',
    );
  }
  throw new ProviderFailure('not-found', `no pgBackRest backup set to restore${skipped}`, 'take a backup (pgbackrest backup) or fix the repos named above, then re-run');
}

/** The newest set, before the target and in the repos searched, that pgBackRest did not flag. */
export function cleanAlternative(sets: PgbackrestStanzaSets, choice: BackupChoice, options: { target?: Date; args?: readonly string[] }): string | undefined {
  const searched = reposSearched(options.args ?? [], sets);
  const usable = sets.sets
    .filter((set) => searched.includes(set.repoKey) && !set.hasErrors && sets.repos.find((repo) => repo.key === set.repoKey)?.statusCode === 0)
    .filter((set) => !options.target || pgbackrestEndsBefore(set, options.target))
    .filter((set) => set.label !== choice.label)
    .sort((a, b) => b.stoppedAt.getTime() - a.stoppedAt.getTime())[0];
  return usable ? `${usable.label} (repo${usable.repoKey})` : undefined;
}

/** Chooses the WAL-G backup: the named one, else the newest that finished before the target. */
export function chooseWalgBackup(backups: readonly WalgBackupEntry[], target: Date | undefined, name: string | undefined): BackupChoice {
  const choice = (backup: WalgBackupEntry, reason: string): BackupChoice => ({
    tool: 'walg', label: backup.label, repo: null, type: backup.type, startedAt: backup.startedAt, endedAt: backup.finishedAt, hasErrors: false, reason, notes: [],
  });
  if (name !== undefined) {
    const named = backups.find((backup) => backup.label === name);
    if (!named) throw new ProviderFailure('not-found', `wal-g backup-list has no backup "${name}"`, `choose one of: ${backups.map((b) => b.label).join(', ') || '(none listed)'}`);
    if (target && named.finishedAt >= target) {
      throw new ProviderFailure('invalid-input', `WAL-G backup ${name} finished at ${iso(named.finishedAt)}, not before the target ${iso(target)}`, 'PostgreSQL cannot stop before the end of the backup it starts from: name an older backup');
    }
    return choice(named, 'the backup named by backup:');
  }
  const { usable, oldest } = newestBefore(backups, target);
  if (!usable) {
    throw new ProviderFailure(
      'not-found',
      target ? `no WAL-G backup finished before the target ${iso(target)}` : 'wal-g backup-list lists no backup',
      oldest ? `the oldest, ${oldest.label}, finished at ${iso(oldest.finishedAt)}: choose a later target` : 'take a backup (wal-g backup-push) first',
    );
  }
  return choice(usable, target ? 'the newest backup in wal-g backup-list that finished before the target' : 'the newest backup in wal-g backup-list');
}

/** Chooses the pg_basebackup directory: the named one, else the newest that ended before the target. */
export function chooseBaseBackup(backups: readonly BaseBackup[], target: Date | undefined, label: string | undefined): BackupChoice {
  const choice = (backup: BaseBackup, reason: string): BackupChoice => ({
    tool: 'pg_basebackup',
    label: backup.label,
    repo: null,
    type: `${backup.format}, started ${iso(backup.startTime)} per ${backup.startTimeFrom}`,
    startedAt: backup.startTime,
    endedAt: backup.finishedAt,
    hasErrors: false,
    reason,
    notes: [],
    baseBackup: backup,
  });
  if (label !== undefined) {
    const named = backups.find((backup) => backup.label === label);
    if (!named) throw new ProviderFailure('not-found', `no base backup "${label}"`, `choose one of: ${backups.map((b) => b.label).join(', ') || '(none found)'}`);
    if (target && named.finishedAt >= target) {
      throw new ProviderFailure('invalid-input', `base backup "${label}" ended at ${iso(named.finishedAt)}, not before the target ${iso(target)}`, 'PostgreSQL cannot stop before the end of the backup it starts from: choose an older backup');
    }
    return choice(named, 'the base backup named by backup:');
  }
  const { usable, oldest } = newestBefore(backups, target);
  if (!usable) {
    throw new ProviderFailure(
      'not-found',
      target ? `no base backup ended before the target ${iso(target)}` : 'no base backup found',
      oldest ? `the oldest, ${oldest.label}, ended at ${iso(oldest.finishedAt)}: choose a later target` : 'check baseBackupDir in the environment\'s backup settings',
    );
  }
  return choice(usable, target ? 'the newest base backup that ended before the target (backup_manifest written last)' : 'the newest base backup');
}

/** The user a restore runs the backup tool as (when root). */
function toolUser(connection: PostgresConnectionSettings): string | undefined {
  return isRoot() ? connection.runAs : undefined;
}

const INSTALL_ADVICE: Record<string, string> = {
  pgbackrest: 'install pgbackrest (apt-get install pgbackrest) on the machine running runbook, or run the restore by hand',
  'wal-g': 'install wal-g (https://github.com/wal-g/wal-g/releases) on the machine running runbook, or run the restore by hand',
};

/** The absolute path of a backup tool; a classified failure naming what to install when absent. */
export function requireExecutable(name: string): string {
  const found = findExecutable(name);
  if (!found) throw new ProviderFailure('not-found', `${name} is not installed on this machine`, INSTALL_ADVICE[name] ?? `install ${name}`);
  return found;
}

/** The catalogue read and the choice made from it. */
export interface RestoreSource {
  readonly choice: BackupChoice;
  /** What was run to read the catalogue, for previews ("pgbackrest … info --output=json"). */
  readonly readFrom: string;
  /** The catalogue by its name: "pgbackrest info", "wal-g backup-list", "the base backups". */
  readonly catalogue: string;
  /** pgBackRest: the newest clean alternative when the choice is flagged. */
  readonly alternative?: string;
}

function parseJson(text: string, tool: string): unknown {
  try {
    return text.trim() === '' ? null : JSON.parse(text);
  } catch {
    throw new ProviderFailure('expectation', `${tool} did not print JSON`, `run it by hand to see what it prints; check backup settings`);
  }
}

/** Reads the environment's backup catalogue and chooses what a restore to `target` would use. */
export async function findRestoreSource(into: string, options: { target?: Date; backup?: string }, context: StepContext): Promise<RestoreSource> {
  const backup = context.environment.backup;
  if (!backup) throw new ProviderFailure('invalid-input', `environment "${context.envName}" has no backup settings`, `add backup: (tool pg_basebackup, pgbackrest or walg) under environments.${context.envName}`);
  const runAs = toolUser(connectionFor(into, context));
  switch (backup.tool) {
    case 'pgbackrest': {
      const argv = [requireExecutable('pgbackrest'), `--stanza=${backup.stanza}`, ...backup.args, '--output=json', 'info'];
      const { stdout } = await runCommand({ argv, ...(runAs ? { runAs } : {}) }, context.signal);
      const sets = parsePgbackrestSets(parseJson(stdout, 'pgbackrest info'), backup.stanza);
      const choice = choosePgbackrestSet(sets, { ...(options.target ? { target: options.target } : {}), ...(options.backup !== undefined ? { set: options.backup } : {}), args: backup.args });
      const alternative = choice.hasErrors ? cleanAlternative(sets, choice, { ...(options.target ? { target: options.target } : {}), args: backup.args }) : undefined;
      return { choice, readFrom: argv.join(' '), catalogue: 'pgbackrest info', ...(alternative ? { alternative } : {}) };
    }
    case 'walg': {
      const argv = [requireExecutable('wal-g'), 'backup-list', '--detail', '--json'];
      const { stdout } = await runCommand({ argv, env: backup.env, ...(runAs ? { runAs } : {}) }, context.signal);
      const list = parseWalgBackupList(parseJson(stdout, 'wal-g backup-list'));
      return { choice: chooseWalgBackup(list.backups, options.target, options.backup), readFrom: argv.join(' '), catalogue: 'wal-g backup-list' };
    }
    case 'pg_basebackup': {
      const backups = await listBaseBackups(backup.baseBackupDir).catch((error: NodeJS.ErrnoException) => {
        throw new ProviderFailure(error.code === 'EACCES' ? 'permission' : 'not-found', `cannot list base backups in ${backup.baseBackupDir}: ${error.message}`, 'check backup.baseBackupDir in the environment and that runbook may read it');
      });
      return { choice: chooseBaseBackup(backups, options.target, options.backup), readFrom: `the backup directories under ${backup.baseBackupDir}`, catalogue: 'the base backups' };
    }
  }
}

/** The newest backup that finished before `target` (the newest of all without one), and the oldest, to name when none did. */
function newestBefore<T extends { readonly finishedAt: Date }>(backups: readonly T[], target: Date | undefined): { readonly usable?: T; readonly oldest?: T } {
  const newestFirst = [...backups].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const usable = newestFirst.find((backup) => !target || backup.finishedAt < target);
  const oldest = newestFirst.at(-1);
  return { ...(usable ? { usable } : {}), ...(oldest ? { oldest } : {}) };
}
