/** Every command of DESIGN.md with its flags; implementations load on demand. */
import type { CommandSpec } from './spec.js';

const json = { type: 'boolean', help: 'print JSON for scripts' } as const;

export const commands: readonly CommandSpec[] = [
  {
    name: 'home',
    usage: 'runbook',
    summary: 'home screen: pick a runbook, or resume an interrupted session',
    options: {},
    positionals: [0, 0],
    interactive: { headless: 'runbook list' },
    load: () => import('./commands/home.js'),
  },
  {
    name: 'start',
    usage: 'runbook start <runbook> [--env E] [--drill] [--incident REF] [--at SECTION] [--set key=value ...]',
    summary: 'start a guided session of a runbook',
    options: {
      env: { type: 'string', value: 'E', help: 'the environment to run against (sandbox, staging, production…)' },
      drill: { type: 'boolean', help: 'record this session as a restore test (refused on protected environments)' },
      incident: { type: 'string', value: 'REF', help: 'incident reference (required on protected environments)' },
      at: { type: 'string', value: 'SECTION', help: 'open at this section' },
      set: { type: 'string', multiple: true, value: 'key=value', help: 'give a runbook input; repeatable' },
    },
    positionals: [1, 1],
    interactive: { headless: 'runbook check <runbook> --env E' },
    load: () => import('./commands/start.js'),
  },
  {
    name: 'resume',
    usage: 'runbook resume [<session>]',
    summary: 'reopen an interrupted session at the exact step',
    options: {},
    positionals: [0, 1],
    interactive: { headless: 'runbook sessions' },
    load: () => import('./commands/resume.js'),
  },
  {
    name: 'sessions',
    usage: 'runbook sessions [--json] [--all]',
    summary: 'sessions with status, runbook, env, operator, started, last event',
    options: { json, all: { type: 'boolean', help: 'include completed and aborted sessions' } },
    positionals: [0, 0],
    load: () => import('./commands/sessions.js'),
  },
  {
    name: 'export',
    usage: 'runbook export <session> [--format md|json|html] [--output FILE]',
    summary: 'export a session as an audit record',
    options: {
      format: { type: 'string', value: 'md|json|html', help: 'output format (default md)' },
      output: { type: 'string', short: 'o', value: 'FILE', help: 'write to FILE instead of standard output' },
    },
    positionals: [1, 1],
    load: () => import('./commands/export.js'),
  },
  {
    name: 'verify',
    usage: 'runbook verify <session | export.json>',
    summary: 'recompute the hash chain; exit 1 and name the first bad event',
    options: {},
    positionals: [1, 1],
    load: () => import('./commands/verify.js'),
  },
  {
    name: 'lint',
    usage: 'runbook lint [FILE]',
    summary: 'validate a runbooks file; every error as FILE:LINE:COL path: message',
    options: {},
    positionals: [0, 1],
    load: () => import('./commands/lint.js'),
  },
  {
    name: 'list',
    usage: 'runbook list [--json]',
    summary: 'runbooks with their sections and step counts',
    options: { json },
    positionals: [0, 0],
    load: () => import('./commands/list.js'),
  },
  {
    name: 'check',
    usage: 'runbook check <runbook> [--env E] [--json] [--prom FILE]',
    summary: 'run only the check steps, headless; exit 1 if any fails',
    description:
      'The results are also stored as evidence in the session database (--db), where "runbook evidence" reads them;\n' +
      'if they cannot be stored, a one-line warning goes to standard error and the exit code stays that of the checks.',
    options: {
      env: { type: 'string', value: 'E', help: 'the environment to check' },
      json,
      prom: { type: 'string', value: 'FILE', help: 'also write Prometheus textfile-collector metrics to FILE' },
    },
    positionals: [1, 1],
    load: () => import('./commands/check.js'),
  },
  {
    name: 'evidence',
    usage: 'runbook evidence [--env E] [--json]',
    summary: 'restore-test evidence per runbook against its cadence',
    description: [
      'Per runbook with a cadence: the last drill that passed (env, operator, finish, RTO, recovery point and',
      'gap to the target), the last drill of any result, when the next is due (daily 1d, weekly 7d, monthly 30d,',
      'quarterly 91d after the last pass) and whether it is overdue (never passed counts as overdue). A runbook',
      'without a cadence that was drilled (e.g. restore-postgres practised in the sandbox) is listed too, with',
      'cadence null: never due, never overdue.',
      'Per asset: last success (newest passing "success" check stored by runbook check), freshness (newest',
      'backup time reported by its "freshness" checks, its age against the asset\'s frequency) and last restore test.',
      '',
      'Exit 0 when nothing is overdue; 1 when a restore test is overdue or an asset\'s newest backup is older',
      'than its frequency (assets never checked are shown, not counted); 2 when the files cannot be read.',
      '',
      'JSON (--json): {"format": "runbook-evidence/1", "generatedAt", "env", "overdue",',
      '  "runbooks": [{"runbook", "title", "cadence", "lastPassed", "lastDrill", "nextDueAt", "overdue"}],',
      '  "assets": [{"asset", "name", "frequency", "retention",',
      '    "lastSuccess": {"at", "checkedAt", "status", "env", "runbook", "step"} | null,',
      '    "freshness": {"at", "ageMs", "maxAgeMs", "stale", "checkedAt", "status", "env", "runbook", "step"} | null,',
      '    "restoreTest": {"runbook", "lastPassed", "nextDueAt", "overdue"} | null}]}',
      'where a drill (lastPassed, lastDrill) is {"session", "env", "operator", "startedAt", "finishedAt",',
      '  "outcome": "passed|failed|unfinished", "reasons", "rtoMs", "recoveryPoint", "recoveryTarget", "recoveryGapMs"}.',
      'Times are ISO-8601 UTC; durations are milliseconds; recoveryGapMs is target minus point.',
    ].join('\n'),
    options: { env: { type: 'string', value: 'E', help: 'only drills and check results of this environment' }, json },
    positionals: [0, 0],
    load: () => import('./commands/evidence.js'),
  },
  {
    name: 'sandbox',
    usage: 'runbook sandbox up|down|status',
    summary: 'a local staging environment for practising drills',
    options: { json },
    positionals: [1, 1],
    load: () => import('./commands/sandbox.js'),
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((command) => command.name === name);
}
