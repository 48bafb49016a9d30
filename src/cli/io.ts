import type { Redactor } from '../state/redact.js';

/** Everything a command touches of its process, injected so tests can drive commands in-process. */
export interface CliIO {
  readonly stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  /** True when stdin and stdout are terminals that support raw mode. */
  readonly interactive: boolean;
  /** True when standard output is a terminal (a headless run draws a live line there). */
  readonly stdoutIsTerminal?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** What the output is redacted with (headless commands): teach it the secrets a command resolves. */
  readonly redactor?: Redactor;
}

/** The real process's IO. */
export function processIO(): CliIO {
  const stdin = process.stdin as NodeJS.ReadStream;
  handleOutputErrors(process.stdout, 'standard output');
  handleOutputErrors(process.stderr, 'standard error');
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin,
    interactive: Boolean(stdin.isTTY && process.stdout.isTTY && typeof stdin.setRawMode === 'function'),
    stdoutIsTerminal: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

/**
 * A reader that stops early (`runbook export S | head`) closes the pipe: writes then fail with
 * EPIPE, which an unhandled stream error turns into a stack trace. That is the reader's choice,
 * not a failure: later output is dropped and the command ends with its own exit code. Any other
 * write error (a full disk behind `>`) is said in one line on stderr instead of a stack trace.
 */
function handleOutputErrors(stream: NodeJS.WritableStream, name: string): void {
  let reported = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED' || reported) return;
    reported = true;
    if (stream !== process.stderr) process.stderr.write(`runbook: cannot write to ${name}: ${error.code ?? error.message}\n`);
  });
}
