/** The command line that opens a runbook, or one of its sections, as the pages print it. */

/** `runbook start <runbook> --env ENV [--at <section>]`; ENV is left for the reader to choose. */
export function startCommand(runbookId: string, sectionId?: string, env = 'ENV'): string {
  return `runbook start ${runbookId} --env ${env}${sectionId === undefined ? '' : ` --at ${sectionId}`}`;
}
