/**
 * Runs one program from an argv list, never through a shell: every element reaches the program
 * as exactly one argument, whatever characters a template put in it. The program leads its own
 * session and process group, and every process it starts is watched (step-processes.ts): when
 * the program exits, times out or is cancelled, whatever it left running is ended (SIGTERM, then
 * SIGKILL after a grace period), including children that left the group with setsid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ProviderFailure } from '../support/call.js';
import { newStepMarker, watchStepProcesses, type LeftoverReport, type StepProcesses } from './step-processes.js';
import { OUTPUT_CAP_BYTES, TailBuffer } from './tail-buffer.js';

export interface ProcessOptions {
  readonly argv: readonly string[];
  /** Merged over the current process environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Aborts (timeout or cancellation) end the program and every process it started. */
  readonly signal: AbortSignal;
  /** Live output, decoded as UTF-8, as it arrives. */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Time between SIGTERM and SIGKILL after an abort. */
  readonly killGraceMs?: number;
  /** How long to wait for the pipes to close once the program exited (a background child may hold them). */
  readonly settleMs?: number;
  /** Bytes kept per stream (the last ones). */
  readonly capBytes?: number;
}

export interface ProcessResult {
  /** Null when the program ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  readonly durationMs: number;
  /** Set when the call was aborted and its processes ended. */
  readonly aborted?: 'timeout' | 'cancelled';
  /** Processes the program left running, ended when it ended, and any that could not be. */
  readonly leftovers: LeftoverReport;
}

const DEFAULT_KILL_GRACE_MS = 2_000;
const DEFAULT_SETTLE_MS = 1_000;
const NOTHING_LEFT: LeftoverReport = { ended: [], survivors: [], method: 'proc' };

/** Runs `argv` to completion (or until aborted); rejects only when the program cannot start. */
export function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  const [program, ...args] = options.argv;
  if (!program) {
    return Promise.reject(new ProviderFailure('invalid-input', 'argv is empty', 'give at least the program to run as argv[0]'));
  }
  if (options.cwd !== undefined) checkDirectory(options.cwd);

  const started = performance.now();
  const stdout = new TailBuffer(options.capBytes ?? OUTPUT_CAP_BYTES);
  const stderr = new TailBuffer(options.capBytes ?? OUTPUT_CAP_BYTES);

  return new Promise<ProcessResult>((resolve, reject) => {
    if (options.signal.aborted) {
      resolve(emptyAborted(options.signal, started));
      return;
    }
    const marker = newStepMarker();
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        shell: false,
        // setsid(2): the program leads a new session and process group, apart from runbook's.
        detached: true,
        cwd: options.cwd,
        env: { ...process.env, ...options.env, [marker.name]: marker.value },
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnFailure(error, program));
      return;
    }

    // Before the event loop runs again, so the program cannot have been reaped yet.
    const processes: StepProcesses | undefined = child.pid === undefined ? undefined : watchStepProcesses(child.pid, `${marker.name}=${marker.value}`);
    const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let pipesClosed = false;
    let aborted: 'timeout' | 'cancelled' | undefined;
    let ending: Promise<LeftoverReport> | undefined;
    let leftovers: LeftoverReport | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    let finished = false;

    /** Ends whatever still runs, once: at the timeout or cancellation, or when the program exits. */
    const endProcesses = (): void => {
      if (ending) return;
      ending = processes ? processes.end({ graceMs }) : Promise.resolve(NOTHING_LEFT);
      ending.then(
        (report) => {
          leftovers = report;
          maybeFinish();
        },
        (error: unknown) => {
          if (finished) return;
          finished = true;
          options.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    };

    const capture = (buffer: TailBuffer, stream: 'stdout' | 'stderr') => {
      const decoder = new StringDecoder('utf8');
      return (chunk: Buffer) => {
        buffer.push(chunk);
        const text = decoder.write(chunk);
        if (text && options.onOutput) options.onOutput(text, stream);
      };
    };
    child.stdout!.on('data', capture(stdout, 'stdout'));
    child.stderr!.on('data', capture(stderr, 'stderr'));

    const onAbort = () => {
      if (exit) return;
      aborted = abortKind(options.signal);
      endProcesses();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });

    function maybeFinish(): void {
      if (finished || !exit || !leftovers) return;
      if (!pipesClosed && !settleTimer) {
        // A process that could not be ended may keep the pipes open: don't wait for it.
        settleTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          pipesClosed = true;
          maybeFinish();
        }, options.settleMs ?? DEFAULT_SETTLE_MS);
      }
      if (!pipesClosed) return;
      done();
    }

    function done(): void {
      if (finished) return;
      finished = true;
      if (settleTimer) clearTimeout(settleTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        durationMs: Math.round(performance.now() - started),
        ...(aborted ? { aborted } : {}),
        leftovers: leftovers ?? NOTHING_LEFT,
      });
    }

    child.once('error', (error) => {
      if (child.pid === undefined && !finished) {
        finished = true;
        options.signal.removeEventListener('abort', onAbort);
        reject(spawnFailure(error, program));
      }
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // The step ends with its program: nothing it started may outlive it.
      endProcesses();
    });
    child.once('close', () => {
      pipesClosed = true;
      maybeFinish();
    });
  });
}

function abortKind(signal: AbortSignal): 'timeout' | 'cancelled' {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError' ? 'timeout' : 'cancelled';
}

function emptyAborted(signal: AbortSignal, started: number): ProcessResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    durationMs: Math.round(performance.now() - started),
    aborted: abortKind(signal),
    leftovers: NOTHING_LEFT,
  };
}

function checkDirectory(cwd: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    throw new ProviderFailure('not-found', `working directory "${cwd}" does not exist`, 'create the directory or fix the step\'s "cwd"');
  }
  if (!isDirectory) {
    throw new ProviderFailure('invalid-input', `working directory "${cwd}" is not a directory`, 'point the step\'s "cwd" at a directory');
  }
}

/** A program that could not start: missing, not executable, or refused by the system. */
function spawnFailure(error: unknown, program: string): ProviderFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new ProviderFailure(
      'not-found',
      `program "${program}" was not found`,
      `install ${program} (or the interpreter on its #! line) or fix argv[0] to name it by its full path`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ProviderFailure(
      'permission',
      `program "${program}" may not be executed`,
      `make it executable (chmod +x ${program}) or run runbook as a user allowed to execute it`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderFailure('invalid-input', `program "${program}" could not start: ${message}`, 'fix argv so that it names a runnable program');
}
