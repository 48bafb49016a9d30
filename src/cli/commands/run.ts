/**
 * `runbook run <runbook> … | runbook run --resume S …`: a whole runbook without a terminal, for cron
 * and CI. Parses, starts or reopens the session through the session service, lets the headless
 * runner drive it, renders its progress, and sets the exit code.
 */
import { resolve } from 'node:path';
import { OperatorError, UsageError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { durationMs } from '../../runbooks/approval-rule.js';
import { findRunbook } from '../../runbooks/lookup.js';
import { loadAnswers } from '../../services/headless/answers.js';
import { closingLines, formatSeconds, runDocument, stepLine } from '../../services/headless/run-report.js';
import { runHeadless, type HeadlessReporter } from '../../services/headless/run-session.js';
import { checkStart } from '../../services/session/session-service.js';
import { gatherInputs, inputVariable } from '../../services/session/start-inputs.js';
import { StoreUnreachableError } from '../../state/postgres/sync-sql.js';
import type { StepState } from '../../state/session-state.js';
import { writeLine, type CliIO } from '../io.js';
import { loadCommandRunbooks } from '../runbooks-file.js';
import { drivingService, warnWhenStoreOnTarget } from '../driving-service.js';
import type { ParsedCommand } from '../spec.js';
import { setOptions, textOption } from '../option-values.js';

/** Flags that only mean something when a session starts. */
const START_ONLY = ['env', 'drill', 'incident', 'at', 'set'] as const;

export async function run(command: ParsedCommand, io: CliIO): Promise<number> {
  const resumeId = textOption(command, 'resume');
  const runbookId = command.positionals[0];
  if (resumeId && runbookId) throw new UsageError(`give either a runbook to start or --resume SESSION, not both; usage: runbook run <runbook> … | runbook run --resume S`);
  if (!resumeId && !runbookId) throw new UsageError('name the runbook to run, or go on with an interrupted session with --resume SESSION');
  if (resumeId) {
    const given = START_ONLY.filter((name) => command.options[name] !== undefined);
    if (given.length > 0) throw new UsageError(`--${given.join(', --')} only apply when a session starts; a resumed session keeps its own`);
  }
  const runbooks = loadCommandRunbooks(command, io);
  const answersPath = textOption(command, 'answers');
  const answers = answersPath ? loadAnswers(resolve(io.cwd, answersPath), answersPath) : undefined;
  const json = command.options.json === true;
  const approvalTimeout = textOption(command, 'approval-timeout');
  const approvalTimeoutMs = approvalTimeout === undefined ? undefined : durationMs(approvalTimeout);
  if (approvalTimeout !== undefined && approvalTimeoutMs === undefined) {
    throw new UsageError(`--approval-timeout takes a duration like "10m", "1h" or "90s", got "${approvalTimeout}"`);
  }

  let inputs: Readonly<Record<string, string>> = {};
  if (runbookId) {
    const runbook = findRunbook(runbooks.file, runbookId);
    const gathered = gatherInputs(runbook, setOptions(command.options.set), io.env);
    const missing = Object.entries(runbook.inputs).filter(([name, input]) => input.required && input.default === undefined && !(name in gathered.inputs));
    if (missing.length > 0) {
      throw new UsageError(
        `runbook "${runbook.id}" needs ${missing.map(([name, input]) => (input.secret ? `${inputVariable(name)} in the environment` : `--set ${name}=…`)).join(', ')}`,
      );
    }
    checkStart({ runbooks, runbookId, drill: command.options.drill === true, at: textOption(command, 'at') ?? null, inputs: gathered.inputs, ...(textOption(command, 'env') ? { env: textOption(command, 'env')! } : {}) });
    for (const warning of gathered.warnings) writeLine(io.stderr, warning);
    for (const [name, value] of Object.entries(gathered.inputs)) if (runbook.inputs[name]?.secret) io.redactor?.addSecret(value);
    inputs = gathered.inputs;
  }

  const service = await drivingService(command, io, resumeId ? { existing: true, sessionId: resumeId } : {});
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) writeLine(io.stderr, `runbook: ${signal}: stopping at the next step boundary (a running action finishes first)`);
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const live = new LiveLine(io, json);
  try {
    const env = runbookId ? chooseEnv(command, runbooks.file.environments) : undefined;
    await warnWhenStoreOnTarget(command, runbooks.file, env, io);
    const session = runbookId
      ? await service.start({
          runbooks,
          runbookId,
          env: env!,
          drill: command.options.drill === true,
          incident: textOption(command, 'incident') ?? null,
          at: textOption(command, 'at') ?? null,
          inputs,
        })
      : await service.open(resumeId!, { runbooks });
    const lines = json ? io.stderr : io.stdout;
    writeLine(lines, `Session ${session.id}: ${session.state.runbook?.id} on ${session.state.env}${session.state.drill ? ' (drill)' : ''}${resumeId ? ', resumed' : ''}`);
    const reporter: HeadlessReporter = {
      stepStarted: (step) => live.start(step),
      progress: (step, message) => live.progress(step, message),
      stepFinished: (outcome) => {
        live.clear();
        writeLine(lines, stepLine(outcome));
      },
      continuedLocally: (store, localLog) => {
        live.clear();
        writeLine(io.stderr, `runbook: the shared store ${store} cannot be reached: going on in the local log ${localLog} (recorded; "runbook push ${session.id}" uploads it once the store is back)`);
      },
      waitingForApproval: (step, approve, timeoutMs) => {
        if (timeoutMs <= 0) return;
        live.clear();
        writeLine(lines, `  … ${step.id} waits up to ${formatSeconds(timeoutMs)} for approval (${step.approvalRule?.because}); another operator runs:`);
        writeLine(lines, `    ${approve}`);
      },
    };
    const result = await runHeadless({
      session,
      ...(answers ? { answers } : {}),
      yes: command.options.yes === true,
      ...(textOption(command, 'confirm') ? { confirm: textOption(command, 'confirm')! } : {}),
      ...(approvalTimeoutMs !== undefined ? { approvalTimeoutMs } : {}),
      continueLocally: command.options['continue-locally'] === true,
      stop: stop.signal,
      processEnv: io.env,
      reporter,
    });
    live.clear();
    const resume = resumeCommand(command, result.sessionId, result.stop?.reason === 'needs-yes');
    for (const line of closingLines(result, resume)) writeLine(line.startsWith('runbook: ') ? io.stderr : lines, line);
    if (json) io.stdout.write(runDocument(result, resume));
    return result.exitCode;
  } catch (error) {
    if (!(error instanceof StoreUnreachableError)) throw error;
    throw new OperatorError(
      `${error.message}. The run stopped there and nothing more was recorded; with --continue-locally a run goes on in this machine's local log (${command.db}) when that happens, to push later`,
      ExitCode.failed,
    );
  } finally {
    live.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    service.close();
  }
}

/** On a terminal, one line that shows the running step's elapsed time and last progress; elsewhere, plain progress lines. */
class LiveLine {
  private timer: NodeJS.Timeout | undefined;
  private step: StepState | undefined;
  private started = 0;
  private message = '';
  private lastPlain = 0;
  private shown = false;

  constructor(
    private readonly io: CliIO,
    private readonly json: boolean,
  ) {}

  start(step: StepState): void {
    this.clear();
    if (step.kind !== 'wait' && step.kind !== 'action') return;
    this.step = step;
    this.started = Date.now();
    this.message = '';
    if (this.onTerminal) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
      this.draw();
    }
  }

  progress(step: StepState, message: string): void {
    this.message = message;
    if (this.onTerminal) return this.draw();
    // Plain lines for logs, at most one every 10 s, so a four-hour wait does not flood them.
    if (Date.now() - this.lastPlain < 10_000) return;
    this.lastPlain = Date.now();
    writeLine(this.json ? this.io.stderr : this.io.stdout, `  … ${step.id} ${formatSeconds(Date.now() - this.started)}: ${message}`);
  }

  clear(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.shown) this.io.stdout.write('\r\u001b[2K');
    this.shown = false;
    this.step = undefined;
  }

  private get onTerminal(): boolean {
    return !this.json && this.io.stdoutIsTerminal === true;
  }

  private draw(): void {
    if (!this.step) return;
    const line = `  … ${this.step.kind} ${this.step.id} ${formatSeconds(Date.now() - this.started)}${this.message ? `: ${this.message}` : ''}`;
    this.io.stdout.write(`\r\u001b[2K${line.slice(0, 200)}`);
    this.shown = true;
  }
}

/** The command that goes on with this session, carrying the flags that still matter. */
function resumeCommand(command: ParsedCommand, sessionId: string, needsYes: boolean): string {
  const parts = ['runbook', 'run', '--resume', sessionId];
  const file = command.options.file;
  const db = command.options.db;
  if (typeof file === 'string') parts.push('--file', file);
  if (typeof db === 'string') parts.push('--db', db);
  const answers = textOption(command, 'answers');
  if (answers) parts.push('--answers', answers);
  if (needsYes || command.options.yes === true) parts.push('--yes');
  if (textOption(command, 'confirm')) parts.push('--confirm', textOption(command, 'confirm')!);
  if (textOption(command, 'approval-timeout')) parts.push('--approval-timeout', textOption(command, 'approval-timeout')!);
  if (command.options.json === true) parts.push('--json');
  return parts.map((part) => (/^[\w./:=@+-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
}

function chooseEnv(command: ParsedCommand, environments: Readonly<Record<string, unknown>>): string {
  const env = textOption(command, 'env');
  if (env) return env;
  const names = Object.keys(environments);
  if (names.length === 1) return names[0]!;
  throw new UsageError(`pass --env with one of: ${names.join(', ')}`);
}
