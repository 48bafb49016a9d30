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
    usage: 'runbook evidence [--json]',
    summary: 'restore-test evidence per runbook against its cadence',
    options: { json },
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
