// Start-up to the first frame of the home screen, in a real pseudo-terminal (util-linux `script`),
// beside a bare Ink app rendering one line, built the same way, mounted with the same options and
// listening for keys as home does (bench/bare-ink.tsx), and measured in the same run.
// Budget (issues 2 and 5): home within 1.2x of bare Ink, with the bundled runbooks and with 200.
//
//   node bench/startup.bench.mjs [--runs N]
//
// Runs are interleaved (bare, bundled, 200, bare, …) so a busy machine slows all cases alike.
// Home reads the file's listing from a cache keyed by its content hash once the file has been
// validated (src/runbooks/listing-cache.ts); the budget cases start with that cache warm, as every
// start but the first after an edit does. The cold case (first start after an edit: yaml, zod and
// lint load and run) is printed too, against no budget.
// Prints figures; never fails on a budget (bench/run.mjs treats only crashes as failures).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manyRunbooksYaml } from './many-runbooks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag === -1 ? 15 : Number(process.argv[runsFlag + 1]);
const budget = 1.2;
const timeoutMs = 20_000;

for (const file of ['dist/runbook.js', 'dist/bare-ink.js']) {
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run "npm run build" first`);
}
if (spawnSync('script', ['--version']).error) throw new Error('the bench needs util-linux "script" for a pseudo-terminal: apt-get install bsdutils');

const scratch = mkdtempSync(join(tmpdir(), 'runbook-startup-'));
const manyFile = join(scratch, 'runbooks-200.yaml');
writeFileSync(manyFile, manyRunbooksYaml(200));
const bundledFile = join(root, 'runbooks.yaml');

const cases = [
  { name: 'bare ink', args: ['dist/bare-ink.js'], marker: 'ready' },
  existsSync(bundledFile)
    ? { name: 'home (bundled)', args: ['dist/runbook.js', '--file', bundledFile], marker: 'Runbooks (' }
    : undefined,
  { name: 'home (200 runbooks)', args: ['dist/runbook.js', '--file', manyFile], marker: 'Runbooks (200)' },
  { name: 'home (200 runbooks, cold cache)', args: ['dist/runbook.js', '--file', manyFile], marker: 'Runbooks (200)', coldCache: true },
].filter(Boolean);
if (!existsSync(bundledFile)) console.log('(no bundled runbooks.yaml yet: skipping "home (bundled)")');

/** Single-quotes one argument for the shell `script -c` runs (the paths are ours, but quote anyway). */
const quote = (value) => `'${String(value).replaceAll("'", "'\\''")}'`;

/** Milliseconds from spawn until `marker` appears on the terminal. */
function timeToFirstFrame({ args, marker, coldCache }) {
  const cache = join(scratch, coldCache ? 'cache-cold' : 'cache');
  if (coldCache) rmSync(cache, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    // A fixed 100x30 terminal, as an operator's; exec so the measured process is node itself.
    const command = `stty rows 30 cols 100; exec ${[process.execPath, ...args].map(quote).join(' ')}`;
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env: { ...process.env, TERM: 'xterm-256color', XDG_STATE_HOME: join(scratch, 'state'), XDG_CACHE_HOME: cache },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let seen = '';
    let done = false;
    const finish = (error, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`no "${marker}" within ${timeoutMs} ms; saw: ${JSON.stringify(seen.slice(-400))}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString('utf8').replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');
      if (seen.includes(marker)) finish(undefined, Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.on('exit', () => {
      if (!done) setTimeout(() => finish(new Error(`exited before "${marker}"; saw: ${JSON.stringify(seen.slice(-400))}`)), 50);
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

try {
  // One untimed round warms the OS file cache for every case alike.
  for (const item of cases) await timeToFirstFrame(item);
  const samples = new Map(cases.map((item) => [item.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const item of cases) samples.get(item.name).push(await timeToFirstFrame(item));
  }
  const bare = median(samples.get('bare ink'));
  console.log(`start-up to first frame, ${runs} runs each, 100x30 pty (script), node ${process.version}`);
  for (const item of cases) {
    const values = samples.get(item.name);
    const value = median(values);
    const range = `min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;
    if (item.name === 'bare ink') console.log(`${item.name}: median ${value.toFixed(0)} ms (${range})`);
    else if (item.coldCache) console.log(`${item.name}: median ${value.toFixed(0)} ms = ${(value / bare).toFixed(2)}x bare ink (no budget) (${range})`);
    else {
      const ratio = value / bare;
      console.log(
        `${item.name}: median ${value.toFixed(0)} ms = ${ratio.toFixed(2)}x bare ink (budget ${budget}x) ${ratio <= budget ? 'ok' : 'OVER BUDGET'} (${range})`,
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
