/**
 * `runbook start <runbook> [--env E] [--drill] [--incident REF] [--at SECTION] [--set key=value]`:
 * a guided session. Everything that can be refused (unknown runbook, environment or section, a
 * drill on a protected environment, a bad --set) is refused in one line before anything is drawn;
 * a missing environment or incident reference is asked for on screen. Inputs also come from
 * RUNBOOK_INPUT_<NAME> variables, which keep secrets out of ps and shell history.
 */
import { createElement } from 'react';
import { findRunbook } from '../../runbooks/lookup.js';
import { checkStart } from '../../services/session/session-service.js';
import { gatherInputs } from '../../services/session/start-inputs.js';
import { SessionStart } from '../../ui/screens/SessionStart.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import { drivingService, warnWhenStoreOnTarget } from '../driving-service.js';
import { launched, runSessionApp } from '../session-terminal.js';
import type { ParsedCommand } from '../spec.js';
import { setOptions, textOption } from '../option-values.js';

/** Starts a session and drives it on screen; resolves to the exit code. */
export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const runbooks = loadCommandRunbooks(command, io);
  const runbookId = command.positionals[0]!;
  const runbook = findRunbook(runbooks.file, runbookId);
  const env = textOption(command, 'env');
  const incident = textOption(command, 'incident');
  const at = textOption(command, 'at');
  const drill = command.options.drill === true;
  const environments = Object.entries(runbooks.file.environments).map(([name, environment]) => ({
    name,
    title: environment.title,
    protected: environment.protected,
  }));
  const { inputs, warnings } = gatherInputs(runbook, setOptions(command.options.set), io.env);
  checkStart({ runbooks, runbookId, drill, at: at ?? null, inputs, ...(env === undefined ? {} : { env }) });
  for (const warning of warnings) writeLine(io.stderr, warning);
  await warnWhenStoreOnTarget(command, runbooks.file, env, io);

  const service = await drivingService(command, io);
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
        return launched(session);
      },
      onExit,
    }),
  );
}
