/** A CliIO that records what a command writes, for running `main()` in-process. */
import { PassThrough, Writable } from 'node:stream';
import type { CliIO } from '../../../src/cli/io.js';

export interface FakeIO extends CliIO {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

export function fakeIO(options: { cwd: string; env?: NodeJS.ProcessEnv; interactive?: boolean }): FakeIO {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk: Buffer, _encoding, done) => ((out += chunk.toString()), done()) });
  const stderr = new Writable({ write: (chunk: Buffer, _encoding, done) => ((err += chunk.toString()), done()) });
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    interactive: options.interactive ?? false,
    env: { HOME: options.cwd, ...options.env },
    cwd: options.cwd,
    out: () => out,
    err: () => err,
  };
}
