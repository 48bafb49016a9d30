// Budgets, on 200 runbooks x 50 steps:
// - `runbook lint` and `runbook list --json` under 1 s each;
// - `runbook lint` as a whole process within 2x of a process that only reads the file and parses it
//   with js-yaml (parsing is the floor; checking should cost less than parsing), measured side by
//   side in the same run, interleaved so a busy machine slows both alike;
// - the same ratio in-process: one cold call each (js-yaml's load, lint's analyzeRunbooksText) in a
//   fresh process, timed inside it, so start-up is left out.
// Generates the file into a temp dir and runs the BUILT binary (npm run build first) several times.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median } from './support/median.mjs';

const RUNBOOKS = 200;
const STEPS = 50;
const RUNS = 7;
const RATIO_RUNS = 11;
const BUDGET_MS = 1000;
const RATIO_BUDGET = 2;
const root = fileURLToPath(new URL('..', import.meta.url));
const binary = join(root, 'dist', 'runbook.js');

function step(runbook, index) {
  const id = `step-${index}`;
  switch (index % 5) {
    case 0:
      return [
        `          - id: ${id}`,
        '            kind: manual',
        `            title: Announce step ${index} of runbook ${runbook}`,
        '            do: |',
        '              Post in the incident channel that the restore is starting,',
        `              for target \${{ inputs.target_time }} in \${{ env.name }}.`,
        '            note: required',
      ];
    case 1:
      return [
        `          - id: ${id}`,
        '            kind: input',
        `            title: Pick a value for step ${index}`,
        '            do: Choose one.',
        '            input: { type: choice, choices: [alpha, beta, gamma] }',
      ];
    case 2:
      return [
        `          - id: ${id}`,
        '            kind: check',
        `            title: Rows for step ${index}`,
        '            do: Count the rows.',
        '            uses: postgres.query',
        '            with:',
        '              database: main',
        '              sql: select count(*) from volumes where name = $1',
        `              params: ["\${{ steps.step-${index - 1}.outputs.value }}"]`,
        '              expect: { rows: { min: 1 } }',
      ];
    case 3:
      return [
        `          - id: ${id}`,
        '            kind: check',
        `            title: WAL archiving for step ${index}`,
        '            do: pg_stat_archiver shows a recent archive.',
        '            uses: postgres.archiver',
        '            alert: wal-archive-failing',
        '            with: { database: main, maxAge: 15m }',
      ];
    default:
      return [
        `          - id: ${id}`,
        '            kind: check',
        `            title: Command for step ${index}`,
        '            do: Run the tool.',
        '            uses: shell.run',
        '            with:',
        `              argv: [echo, "\${{ steps.step-${index - 2}.outputs.rowCount }}", "\${{ env.vars.bucket }}"]`,
      ];
  }
}

function generate() {
  const lines = [
    'version: 1',
    'environments:',
    ...['staging', 'production'].flatMap((name) => [
      `  ${name}:`,
      ...(name === 'production' ? ['    protected: true', '    confirm: production'] : []),
      '    postgres:',
      `      main: { url: "postgres://app@db.${name}.internal:5432/control" }`,
      '    aws: { region: eu-west-1 }',
      `    vars: { bucket: ${name}-backups }`,
    ]),
    'runbooks:',
  ];
  for (let runbook = 0; runbook < RUNBOOKS; runbook++) {
    lines.push(
      `  - id: runbook-${runbook}`,
      `    title: Generated runbook ${runbook}`,
      '    summary: A generated runbook for the lint and list budget.',
      '    cadence: weekly',
      '    inputs:',
      '      target_time: { type: timestamp }',
      '    sections:',
    );
    for (let section = 0; section < STEPS / 10; section++) {
      lines.push(`      - id: section-${section}`, `        title: Section ${section}`, '        steps:');
      for (let index = section * 10; index < section * 10 + 10; index++) lines.push(...step(runbook, index));
    }
  }
  lines.push('alerts:', '  - id: wal-archive-failing', '    name: WAL archiving failing', '    link: runbook-0#section-0');
  return `${lines.join('\n')}\n`;
}

function timed(args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function failed(label, result) {
  if (result.status === 0) return false;
  console.log(`${label}: exit ${result.status}: ${(result.stderr || result.stdout).split('\n').slice(0, 5).join(' | ')}`);
  return true;
}


function measure(label, args, cwd) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, result } = timed([binary, ...args], cwd);
    if (failed(label, result)) return;
    times.push(ms);
  }
  const max = Math.max(...times);
  console.log(`${label}: median ${Math.round(median(times))} ms, max ${Math.round(max)} ms (budget ${BUDGET_MS} ms)${median(times) > BUDGET_MS ? '  OVER BUDGET (median)' : ''}`);
}

function ratioLine(label, lint, parse) {
  const ratio = median(lint) / median(parse);
  return `${label}: lint median ${Math.round(median(lint))} ms, js-yaml parse median ${Math.round(median(parse))} ms: ${ratio.toFixed(2)}x (budget ${RATIO_BUDGET}x)${ratio > RATIO_BUDGET ? '  OVER BUDGET' : ''}`;
}

/** The floor: a bare node process that reads the file and js-yaml-loads it, nothing else. */
function writeParseOnly(directory) {
  const script = join(directory, 'parse-only.mjs');
  const jsYaml = join(root, 'node_modules', 'js-yaml', 'dist', 'js-yaml.mjs');
  writeFileSync(
    script,
    [
      `import { readFileSync } from 'node:fs';`,
      `import jsYaml from ${JSON.stringify(jsYaml)};`,
      `jsYaml.load(readFileSync(process.argv[2], 'utf8'), { schema: jsYaml.CORE_SCHEMA });`,
      '',
    ].join('\n'),
  );
  return script;
}

/** One cold call of js-yaml's load or of lint's analyzeRunbooksText, timed inside a fresh process (bundled from src like dist). */
async function writeInProcess(directory) {
  const entry = join(directory, 'in-process.ts');
  writeFileSync(
    entry,
    [
      `import { readFileSync } from 'node:fs';`,
      `import jsYaml from 'js-yaml';`,
      `import { analyzeRunbooksText } from ${JSON.stringify(join(root, 'src', 'runbooks', 'lint.ts'))};`,
      `const text = readFileSync(process.argv[3], 'utf8');`,
      `const started = performance.now();`,
      `const problems = process.argv[2] === 'lint' ? analyzeRunbooksText(text, 'bench.yaml').problems.length : (jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA }), 0);`,
      `const ms = performance.now() - started;`,
      `if (problems > 0) { console.error(problems + ' problems'); process.exit(1); }`,
      `console.log(ms);`,
      '',
    ].join('\n'),
  );
  const outfile = join(directory, 'in-process.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    nodePaths: [join(root, 'node_modules')],
    external: ['better-sqlite3', 'pg-native', 'react-devtools-core'],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return outfile;
}

if (!existsSync(binary)) {
  console.log(`lint-list: ${binary} is missing; run "npm run build" first`);
} else {
  const directory = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
  try {
    const file = join(directory, 'runbooks.yaml');
    const text = generate();
    writeFileSync(file, text);
    // Wall-clock figures swing with other work on the machine; print the load so they can be judged.
    const load = loadavg()[0].toFixed(2);
    console.log(`lint-list: generated ${RUNBOOKS} runbooks x ${STEPS} steps (${(text.length / 1024 / 1024).toFixed(1)} MiB); load average ${load} on ${cpus().length} CPUs`);
    measure(`lint ${RUNBOOKS}x${STEPS}`, ['lint', file], directory);
    measure(`list --json ${RUNBOOKS}x${STEPS}`, ['list', '--json', '--file', file], directory);

    const parseOnly = writeParseOnly(directory);
    const wholeLint = [];
    const wholeParse = [];
    for (let run = 0; run < RATIO_RUNS; run++) {
      const parse = timed([parseOnly, file], directory);
      const lint = timed([binary, 'lint', file], directory);
      if (failed('parse only', parse.result) || failed('lint', lint.result)) process.exit(1);
      wholeParse.push(parse.ms);
      wholeLint.push(lint.ms);
    }
    console.log(ratioLine('lint vs parse, whole processes', wholeLint, wholeParse));

    const inProcess = await writeInProcess(directory);
    const insideLint = [];
    const insideParse = [];
    for (let run = 0; run < RATIO_RUNS; run++) {
      const parse = timed([inProcess, 'parse', file], directory);
      const lint = timed([inProcess, 'lint', file], directory);
      if (failed('in-process parse', parse.result) || failed('in-process lint', lint.result)) process.exit(1);
      insideParse.push(Number(parse.result.stdout));
      insideLint.push(Number(lint.result.stdout));
    }
    console.log(ratioLine('lint vs parse, in-process (one cold call each)', insideLint, insideParse));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
