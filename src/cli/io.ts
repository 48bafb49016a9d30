/** Everything a command touches of its process, injected so tests can drive commands in-process. */
export interface CliIO {
  readonly stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  /** True when stdin and stdout are terminals that support raw mode. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The real process's IO. */
export function processIO(): CliIO {
  const stdin = process.stdin as NodeJS.ReadStream;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin,
    interactive: Boolean(stdin.isTTY && process.stdout.isTTY && typeof stdin.setRawMode === 'function'),
    env: process.env,
    cwd: process.cwd(),
  };
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
