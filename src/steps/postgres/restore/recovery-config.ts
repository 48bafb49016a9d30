/**
 * What a restore writes into the new data directory: `recovery.signal` and settings appended to
 * postgresql.auto.conf (read last, so they win over the copied postgresql.conf).
 */

/** Quotes one word for /bin/sh (restore_command runs through the server's shell). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A postgresql.conf string literal: quotes doubled, backslashes escaped. */
export function confString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The timestamp as Postgres reads it unambiguously: "2024-05-01 10:00:00.123+00". */
export function pgTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '+00');
}

/** restore_command copying WAL from a local archive directory. */
export function copyRestoreCommand(walArchiveDir: string): string {
  return `cp ${shellQuote(walArchiveDir.replace(/\/+$/, ''))}/%f "%p"`;
}

export interface RecoverySettings {
  readonly restoreCommand?: string;
  readonly targetTime?: Date;
  readonly port: number;
  readonly note: string;
}

/** Lines appended to postgresql.auto.conf. */
export function recoveryConfLines(settings: RecoverySettings): string[] {
  return [
    `# ${settings.note}`,
    ...(settings.restoreCommand ? [`restore_command = ${confString(settings.restoreCommand)}`] : []),
    ...(settings.targetTime ? [`recovery_target_time = ${confString(pgTimestamp(settings.targetTime))}`] : []),
    "recovery_target_action = 'promote'",
    `port = ${settings.port}`,
    // The copy must not archive into the live cluster's archive (it would overwrite its history).
    'archive_mode = off',
  ];
}
