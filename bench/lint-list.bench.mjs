// Budget: `runbook lint` and `runbook list --json` on 200 runbooks x 50 steps, under 1 s each.
// Generates the file into a temp dir and runs the BUILT binary (npm run build first) several times.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNBOOKS = 200;
const STEPS = 50;
const RUNS = 7;
const BUDGET_MS = 1000;
const binary = fileURLToPath(new URL('../dist/runbook.js', import.meta.url));

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

function measure(label, args, cwd) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [binary, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) {
      console.log(`${label}: exit ${result.status}: ${(result.stderr || result.stdout).split('\n').slice(0, 5).join(' | ')}`);
      return;
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const max = times[times.length - 1];
  console.log(`${label}: median ${Math.round(median)} ms, max ${Math.round(max)} ms (budget ${BUDGET_MS} ms)${median > BUDGET_MS ? '  OVER BUDGET (median)' : ''}`);
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
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
