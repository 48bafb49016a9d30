// Budget: `runbook check daily --env sandbox` under 3 s of wall time, evidence storing
// included. Brings up an independent sandbox from a temp copy of runbooks.yaml with free loopback
// ports (the built binary's `sandbox up`), times the whole command several times (process start
// to exit, as cron would see it), then `runbook evidence`, and takes the sandbox down again.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binary = join(root, 'dist', 'runbook.js');
const BUDGET_MS = 3000;
const RUNS = Number(process.env.RUNBOOK_BENCH_RUNS ?? 5);

if (!existsSync(binary)) {
  console.log(`no ${binary}: run "npm run build" first`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'runbook-check-bench-'));
// The sandbox's Postgres runs as the postgres user, which must reach the data directories inside.
chmodSync(dir, 0o755);
const file = join(dir, 'runbooks.yaml');
const db = join(dir, 'state', 'sessions.db');
let text = readFileSync(join(root, 'runbooks.yaml'), 'utf8');
for (const fixed of [55432, 55433, 55480, 55490]) {
  text = text.replaceAll(`127.0.0.1:${fixed}`, `127.0.0.1:${await freePort()}`);
}
writeFileSync(file, text);

const env = { ...process.env, RUNBOOK_FILE: file, RUNBOOK_DB: db, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const runbook = (...args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [binary, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  return { ...result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
};

let exitCode = 0;
try {
  const up = runbook('sandbox', 'up');
  console.log(`sandbox up: exit ${up.status} in ${(up.ms / 1000).toFixed(1)} s`);
  if (up.status !== 0) {
    console.log(up.stdout.slice(-3000), up.stderr.slice(-3000));
    throw new Error('the sandbox did not come up');
  }
  const times = [];
  let last;
  for (let run = 0; run < RUNS; run++) {
    last = runbook('check', 'daily', '--env', 'sandbox', '--json');
    times.push(last.ms);
    if (last.stderr.includes('warning:')) console.log(`  stderr: ${last.stderr.trim()}`);
  }
  const report = JSON.parse(last.stdout);
  console.log(`checks: ${report.outcomes.length} (${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped); exit ${last.status}`);
  for (const outcome of report.outcomes.filter((item) => item.status === 'failed')) console.log(`  failed: ${outcome.step}: ${outcome.detail}`);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted[sorted.length - 1];
  console.log(`runbook check daily --env sandbox (wall, ${RUNS} runs): median ${median.toFixed(0)} ms, max ${worst.toFixed(0)} ms, budget ${BUDGET_MS} ms: ${worst < BUDGET_MS ? 'within' : 'OVER'}`);
  console.log(`  slowest check in the last run: ${Math.max(...report.outcomes.map((item) => item.durationMs))} ms; in-process duration ${report.durationMs} ms`);

  const evidence = runbook('evidence', '--json');
  const stored = JSON.parse(evidence.stdout);
  const fresh = stored.assets.filter((asset) => asset.freshness).map((asset) => asset.asset);
  console.log(`runbook evidence: exit ${evidence.status} in ${evidence.ms.toFixed(0)} ms; assets with stored freshness: ${fresh.join(', ') || 'none'}`);
  if (worst >= BUDGET_MS) exitCode = 1;
} catch (error) {
  console.log(`bench failed: ${error.message}`);
  exitCode = 1;
} finally {
  const down = runbook('sandbox', 'down');
  console.log(`sandbox down: exit ${down.status} in ${(down.ms / 1000).toFixed(1)} s`);
  if (down.status === 0) rmSync(dir, { recursive: true, force: true });
  else console.log(`left ${dir} for inspection: ${down.stderr.trim()}`);
}
process.exitCode = exitCode;
