/**
 * The last net under everything a headless command prints: each chunk written to standard output
 * or standard error passes through the same redaction as the log (secret values the command has
 * seen, passwords in URLs, AWS keys) before it reaches a terminal, a pipe or a cron job's mail.
 */
import { Writable } from 'node:stream';
import { environmentReferences } from '../runbooks/environment.js';
import type { RunbooksFile } from '../runbooks/schema.js';
import { Redactor } from '../state/redact.js';
import type { CliIO } from './io.js';

/** `io` with its output redacted by `redactor` (which commands may teach more secrets). */
export function redactedIO(io: CliIO, redactor: Redactor = new Redactor()): CliIO {
  return { ...io, stdout: redactingStream(io.stdout, redactor), stderr: redactingStream(io.stderr, redactor), redactor };
}

/** Teaches the IO's redactor the value of every `${ENV_VAR}` the file's environments reference. */
export function learnFileSecrets(io: CliIO, file: RunbooksFile): void {
  if (!io.redactor) return;
  for (const variable of new Set(environmentReferences(JSON.stringify(file.environments)))) {
    const value = io.env[variable];
    if (value) io.redactor.addSecret(value);
  }
}

function redactingStream(target: NodeJS.WritableStream, redactor: Redactor): NodeJS.WritableStream {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      // The target handles its own errors (a closed pipe ends quietly: see io.ts).
      target.write(redactor.redactText(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
      done();
    },
  });
}
