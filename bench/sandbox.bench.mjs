// `runbook sandbox up` from nothing and `runbook sandbox down`, timed end to end with the built
// binary on a copy of the bundled runbooks.yaml moved to free ports in a temp directory.
// Budgets: up from nothing under 20 s; down under 5 s.
//
//   node bench/sandbox.bench.mjs [--runs N]
//
// Prints figures; never fails on a budget (bench/run.mjs treats only crashes as failures).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/median.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 3 : Number(process.argv[runsFlag + 1]);
const binary = join(root, 'dist/runbook.js');
const FIXED_PORTS = [55432, 55433, 55480, 55490];

if (!existsSync(binary)) throw new Error('dist/runbook.js is missing: run "npm run build" first');

/** A loopback port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function distinctFreePorts(count) {
  const found = new Set();
  while (found.size < count) found.add(await freePort());
  return [...found];
}

function runbook(args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [binary, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, RUNBOOK_DB: join(cwd, 'sessions.db') } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`runbook ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr || result.stdout}`);
  return seconds;
}


const ups = [];
const downs = [];
for (let run = 0; run < runs; run++) {
  const scratch = mkdtempSync(join(tmpdir(), 'runbook-sandbox-bench-'));
  // The postgres user must traverse the directory to reach its clusters.
  chmodSync(scratch, 0o755);
  const file = join(scratch, 'runbooks.yaml');
  const ports = await distinctFreePorts(FIXED_PORTS.length);
  let text = readFileSync(join(root, 'runbooks.yaml'), 'utf8');
  FIXED_PORTS.forEach((fixed, index) => (text = text.replaceAll(`127.0.0.1:${fixed}`, `127.0.0.1:${ports[index]}`)));
  writeFileSync(file, text);
  try {
    ups.push(runbook(['sandbox', 'up', '--file', file], scratch));
    downs.push(runbook(['sandbox', 'down', '--file', file], scratch));
    console.log(`round ${run + 1}: up ${ups.at(-1).toFixed(2)} s, down ${downs.at(-1).toFixed(2)} s`);
  } finally {
    if (downs.length <= run) spawnSync(process.execPath, [binary, 'sandbox', 'down', '--file', file], { cwd: scratch, timeout: 30_000 });
    rmSync(scratch, { recursive: true, force: true });
  }
}
console.log(`sandbox up: median ${median(ups).toFixed(2)} s (budget 20 s)`);
console.log(`sandbox down: median ${median(downs).toFixed(2)} s (budget 5 s)`);
