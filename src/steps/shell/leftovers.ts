/**
 * How a step's result tells of processes its program left running: those ended at the step's
 * end, and those that could not be, by pid, so the operator can end them by hand before they
 * change anything more. Command lines pass through the environment's known-secret redaction.
 */
import { ProviderFailure } from '../support/call.js';
import { redactKnown } from './display.js';
import type { LeftoverReport, LeftProcess } from './step-processes.js';

const COMMAND_CAP = 160;

/** A process as a result shows it: its pid and (redacted, shortened) command line. */
export interface ShownProcess {
  readonly pid: number;
  readonly command: string;
}

/** The leftovers as the result's observed value carries them; undefined when there were none. */
export function observedLeftovers(report: LeftoverReport, secrets: readonly string[]): { ended?: ShownProcess[]; survivors?: ShownProcess[] } | undefined {
  if (report.ended.length === 0 && report.survivors.length === 0) return undefined;
  return {
    ...(report.ended.length > 0 ? { ended: report.ended.map((left) => shown(left, secrets)) } : {}),
    ...(report.survivors.length > 0 ? { survivors: report.survivors.map((left) => shown(left, secrets)) } : {}),
  };
}

/** One sentence naming what was ended and what still runs ('' when nothing was left running). */
export function leftoverSentence(report: LeftoverReport, secrets: readonly string[]): string {
  const parts: string[] = [];
  if (report.ended.length > 0) {
    parts.push(`It left ${count(report.ended.length)} running, ended at the step's end: ${listed(report.ended, secrets)}.`);
  }
  if (report.survivors.length > 0) {
    parts.push(`Still running, as they could not be ended: ${listed(report.survivors, secrets)}.`);
  }
  return parts.join(' ');
}

/** The failure of a step whose program left processes that could not be ended. */
export function survivorFailure(program: string, report: LeftoverReport, secrets: readonly string[]): ProviderFailure {
  const pids = report.survivors.map((left) => left.pid).join(' ');
  const refused = report.survivors.some((left) => left.reason === 'not-permitted');
  return new ProviderFailure(
    refused ? 'permission' : 'conflict',
    `${program} left processes that could not be ended: ${listed(report.survivors, secrets)}`,
    refused
      ? `they belong to another user (started through sudo or a setuid program): end them as that user or root (kill -TERM ${pids}) before re-running the step`
      : `they did not exit after SIGKILL (stuck on a device or a network filesystem): find out with ps -o pid,stat,wchan -p ${pids} before re-running the step`,
  );
}

function shown(left: LeftProcess, secrets: readonly string[]): ShownProcess {
  const command = redactKnown(left.command, secrets);
  return { pid: left.pid, command: command.length > COMMAND_CAP ? `${command.slice(0, COMMAND_CAP - 1)}…` : command };
}

function listed(processes: readonly LeftProcess[], secrets: readonly string[]): string {
  return processes.map((left) => `pid ${left.pid} (${shown(left, secrets).command})`).join(', ');
}

function count(n: number): string {
  return n === 1 ? '1 process' : `${n} processes`;
}
