#!/usr/bin/env node
// The one place that exits: parse and run via src/cli/main.ts, then set the exit code.
import module from 'node:module';
import { processIO } from '../src/cli/io.js';
import { ExitCode } from '../src/exit-codes.js';

// Node 22 and later keep compiled code between runs when asked, before the CLI is loaded (hence
// the dynamic import below); Node 20 has no such cache and this does nothing there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// The AWS SDK warns on Node < 22 that future releases need a newer Node (support ends early
// 2027). Operators cannot act on it mid-incident, so keep it off the screen; this is the
// SDK's documented switch and is harmless on Node 22 and 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A throw that escapes every command (a bug) ends in one line and exit 70, never a stack trace
// or the 1 that cron would read as a failed check. The log is durable after every append, so
// nothing recorded is lost.
const crashed = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`runbook: internal error (this is a bug in runbook, please report it): ${message}\n`);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(ExitCode.internal);
};
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);

const { main } = await import('../src/cli/main.js');
const code = await main(process.argv.slice(2), processIO());
process.exitCode = code;
// Let pending writes flush; if an idle handle (a pool, a timer) would keep us alive, exit anyway.
setTimeout(() => process.exit(code), 100).unref();
