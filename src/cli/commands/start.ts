/**
 * `runbook start <runbook> [--env E] [--drill] [--incident REF] [--at SECTION] [--set key=value]`:
 * a guided session. Everything that can be refused (unknown runbook, environment or section, a
 * drill on a protected environment, a bad --set) is refused in one line before anything is drawn;
 * a missing environment or incident reference is asked for on screen.
 */
import { createElement } from 'react';
import { ConfigError, OperatorError } from '../../errors.js';
import { SessionStart } from '../../ui/screens/SessionStart.js';
import { findEnvironment, findRunbook, findSection } from '../../runbooks/lookup.js';
import type { CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import { launched, runSessionApp, sessionService } from '../session-terminal.js';
import type { ParsedCommand } from '../spec.js';

/** Starts a session and drives it on screen; resolves to the exit code. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const runbooks = loadCommandRunbooks(command, io);
  const runbookId = command.positionals[0]!;
  const runbook = findRunbook(runbooks.file, runbookId);
  const env = stringOption(command, 'env');
  const incident = stringOption(command, 'incident');
  const at = stringOption(command, 'at');
  const drill = command.options.drill === true;
  const environments = Object.entries(runbooks.file.environments).map(([name, environment]) => ({
    name,
    title: environment.title,
    protected: environment.protected,
  }));
  if (env !== undefined) {
    const environment = findEnvironment(runbooks.file, env);
    if (environment.protected && drill) {
      throw new OperatorError(`drills are refused on protected environment "${env}"; run the drill against staging or the sandbox`);
    }
  } else if (drill && environments.every((environment) => environment.protected)) {
    throw new OperatorError('drills are refused on protected environments, and every environment in this file is protected');
  }
  if (at !== undefined) findSection(runbook, at);
  const inputs = parseSets(command.options.set);
  for (const name of Object.keys(inputs)) {
    if (!runbook.inputs[name]) {
      throw new ConfigError(`runbook "${runbookId}" has no input "${name}"; inputs: ${Object.keys(runbook.inputs).join(', ') || 'none'}`);
    }
  }

  const service = sessionService(command, io);
  return runSessionApp(service, io, (onExit, track) =>
    createElement(SessionStart, {
      runbookTitle: runbook.title,
      environments,
      env,
      incident,
      drill,
      start: async (chosen: string, reference: string | null) => {
        const session = await service.start({ runbooks, runbookId, env: chosen, drill, incident: reference, at: at ?? null, inputs });
        track(session);
        return launched(service, session);
      },
      onExit,
    }),
  );
}

function stringOption(command: ParsedCommand, name: string): string | undefined {
  const value = command.options[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `--set key=value` (repeatable) as a map; a value may itself contain "=". */
function parseSets(option: ParsedCommand['options'][string]): Record<string, string> {
  const sets = Array.isArray(option) ? option : typeof option === 'string' ? [option] : [];
  const inputs: Record<string, string> = {};
  for (const entry of sets) {
    const index = entry.indexOf('=');
    if (index <= 0) throw new OperatorError(`--set takes key=value, got "${entry}"`);
    inputs[entry.slice(0, index)] = entry.slice(index + 1);
  }
  return inputs;
}
