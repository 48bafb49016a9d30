// Budget: the bundled restore-config runbook run headless (`runbook run`, a whole process: start-up,
// output and all) takes at most 1.15x the same steps driven in-process through the service API
// (the same headless runner on a SessionService, which also loads the runbooks file and the
// answers each time, as the command does), in the same run, on the same clusters.
// Both answer the manual and input steps from the same answers file, and both re-apply the
// deleted rows. Rounds alternate which goes first.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSource, root } from './support/import-source.mjs';

const ROUNDS = 3;
const BUDGET = 1.15;
const binary = join(root, 'dist', 'runbook.js');

const entry = `
export { createPitrScenario, withLiveClient } from './test/integration/support/pitr-scenario.ts';
export { loadRunbooksFile } from './src/runbooks/load.ts';
export { openEventStore } from './src/state/event-store.ts';
export { SessionService } from './src/services/session/session-service.ts';
export { runHeadless } from './src/services/headless/run-session.ts';
export { loadAnswers } from './src/services/headless/answers.ts';
`;
const { module: m } = await importSource('headless', entry);
const scenario = await m.createPitrScenario({ bundledRunbooks: join(root, 'runbooks.yaml') });
const db = join(scenario.workDir, 'state', 'sessions.db');
const answersFile = join(scenario.workDir, 'restore-config.answers.yaml');
writeFileSync(
  answersFile,
  [
    'confirm-scope: "bench: the deletion of the acme configuration rows"',
    'review-rows: "bench: the extracted rows are the deleted ones"',
    'merge-mode: insert-missing',
    `reapply: "${scenario.deletedRows.length}"`,
    'describe-outputs: "bench: desired = observed"',
    'stop-restore-cluster: "bench: the scenario stops and empties it between rounds"',
    '',
  ].join('\n'),
);
const inputs = { tenant_id: 'acme', target_time: scenario.targetTime };
const store = m.openEventStore(db);
const service = new m.SessionService({ store, operator: 'bench@localhost', processEnv: process.env });

async function reset() {
  await scenario.resetRestoreDir();
  await m.withLiveClient(scenario.live, (client) => client.query("DELETE FROM config_objects WHERE tenant_id = 'acme'"));
}

async function inProcess() {
  const started = performance.now();
  const runbooks = m.loadRunbooksFile(scenario.runbooksPath);
  const answers = m.loadAnswers(answersFile);
  const session = await service.start({ runbooks, runbookId: 'restore-config', env: 'sandbox', incident: 'BENCH-1', inputs });
  const result = await m.runHeadless({ session, answers, yes: true, stop: new AbortController().signal, processEnv: process.env });
  const ms = performance.now() - started;
  if (result.status !== 'completed') throw new Error(`in-process run stopped: ${result.stop?.message}`);
  return ms;
}

function headless() {
  const started = performance.now();
  const args = ['run', 'restore-config', '--env', 'sandbox', '--incident', 'BENCH-1', '--set', 'tenant_id=acme', '--set', `target_time=${scenario.targetTime}`, '--answers', answersFile, '--yes', '--file', scenario.runbooksPath, '--db', db];
  const result = spawnSync(process.execPath, [binary, ...args], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`runbook run exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

try {
  // Warm-up (page cache, module loading), not counted.
  await inProcess();
  await reset();
  headless();
  await reset();
  const process_ = [];
  const local = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      process_.push(headless());
      await reset();
      local.push(await inProcess());
    } else {
      local.push(await inProcess());
      await reset();
      process_.push(headless());
    }
    await reset();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = median(process_) / median(local);
  console.log(`rounds ${ROUNDS} (medians); runbook run: ${process_.map(seconds).join(', ')}; in-process: ${local.map(seconds).join(', ')}`);
  console.log(`headless restore-config: runbook run ${seconds(median(process_))}, in-process ${seconds(median(local))}, ratio ${ratio.toFixed(2)}x (budget ${BUDGET}x): ${ratio <= BUDGET ? 'within budget' : 'OVER BUDGET'}`);
  if (ratio > BUDGET) process.exitCode = 1;
} finally {
  store.close();
  await scenario.destroy();
  rmSync(scenario.workDir, { recursive: true, force: true });
}
