// Budget: every hostile runbooks file (an alias bomb, 100,000 templates in one string, 50,000
// broken steps, a 5 MB key, CR-only line breaks, UTF-16, Latin-1, 9 MiB, a FIFO, /dev/zero) gets
// its located error from `runbook lint FILE` and `runbook list --file FILE` in under a second, as
// a whole process of the BUILT binary (npm run build first). Each figure is the median of 5 runs,
// printed beside the start-up of the same command on a clean one-runbook file, measured in the
// same run, so a busy machine can be told from a slow check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importSource, root } from './support/import-source.mjs';
import { median } from './support/median.mjs';

const RUNS = 5;
const BUDGET_MS = 1000;
const binary = join(root, 'dist', 'runbook.js');
const fixture = join(root, 'test', 'runbooks', 'fixtures', 'hostile.ts');


/** Median wall time of `runbook ...args`; the exit code of the last run. */
function measure(args, cwd) {
  const times = [];
  let status;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [binary, ...args], { cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    status = result.status ?? result.signal;
  }
  return { ms: median(times), status };
}

if (!existsSync(binary)) {
  console.log(`hostile-files: ${binary} is missing; run "npm run build" first`);
} else {
  const { module } = await importSource('hostile-files', `export { writeHostileFiles } from './test/runbooks/fixtures/hostile.ts';`, {
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(fixture).href) },
  });
  const directory = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
  try {
    const paths = module.writeHostileFiles(directory);
    const files = [...Object.entries(paths), ['/dev/zero', '/dev/zero']];
    console.log(`hostile-files: load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs`);
    const clean = join(root, 'test', 'cli', 'fixtures', 'manual.yaml');
    const startup = { lint: measure(['lint', clean], directory).ms, list: measure(['list', '--file', clean], directory).ms };
    console.log(`start-up on a clean file: lint ${Math.round(startup.lint)} ms, list --file ${Math.round(startup.list)} ms`);
    let over = 0;
    for (const [name, path] of files) {
      const lint = measure(['lint', path], directory);
      const list = measure(['list', '--file', path], directory);
      const worst = Math.max(lint.ms, list.ms);
      if (worst > BUDGET_MS) over++;
      console.log(
        `${name}: lint ${Math.round(lint.ms)} ms (exit ${lint.status}), list --file ${Math.round(list.ms)} ms (exit ${list.status}) (budget ${BUDGET_MS} ms)${worst > BUDGET_MS ? '  OVER BUDGET' : ''}`,
      );
    }
    console.log(`hostile-files: ${files.length - over} of ${files.length} files within ${BUDGET_MS} ms for both commands`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
