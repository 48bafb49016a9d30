#!/usr/bin/env node
// The one place that exits: parse and run via src/cli/main.ts, then set the exit code.
import { main } from '../src/cli/main.js';
import { processIO } from '../src/cli/io.js';

// The AWS SDK warns on Node < 22 that future releases need a newer Node (support ends early
// 2027). Operators cannot act on it mid-incident, so keep it off the screen; this is the
// SDK's documented switch and is harmless on Node 22 and 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const code = await main(process.argv.slice(2), processIO());
process.exitCode = code;
// Let pending writes flush; if an idle handle (a pool, a timer) would keep us alive, exit anyway.
setTimeout(() => process.exit(code), 100).unref();
