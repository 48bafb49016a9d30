// Budget: a point-in-time restore through the product's restore-config steps
// takes under 30% longer than the same restore done by plain commands, in the same run.
//   plain:   untar the pg_basebackup output into a new data directory, write recovery.signal,
//            restore_command, recovery_target_time (promote) and the port by hand, pg_ctl start,
//            poll pg_is_in_recovery() every 100 ms until it is false.
//   product: a restore-config session (the BUNDLED runbook, its sandbox environment pointed at
//            the bench's clusters) driven through the session engine from start to the step
//            that waits for promotion: confirm-scope, restore-dir-empty, restore-to-before-deletion
//            (preview → confirm → run), replay-done. Every event durable in SQLite.
// PITR_BENCH_STEPS=1 prints each session's step durations.
// Also printed: the whole runbook (17 steps: restore, integrity checks, extract, re-apply, validate).
// The scenario and the session driver are TypeScript (test/integration/support): esbuild bundles
// them into a temp module beside this file first, removed afterwards.
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSource, root } from './support/import-source.mjs';
import { median } from './support/median.mjs';

const ROUNDS = 3;
const BUDGET_PERCENT = 30;
const PLAIN_POLL_MS = 100;

const entry = `
export { createPitrScenario, withLiveClient, stopServerIn } from './test/integration/support/pitr-scenario.ts';
export { walkStep } from './test/integration/support/operator.ts';
export { runPgBinary, chownToPostgres, freePort } from './test/support/pg-cluster.ts';
export { loadRunbooksFile } from './src/runbooks/load.ts';
export { openEventStore } from './src/state/event-store.ts';
export { SessionService } from './src/services/session/session-service.ts';
`;
let scenario;
let store;
/** The plain restore's data directory while one is running. */
let plainDataDir;
/** The bundled module. */
let m;
// Interrupted (Ctrl-C, kill): still stop the clusters and remove their files.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    Promise.resolve(plainDataDir && scenario && m ? m.stopServerIn(scenario.live.binDir, plainDataDir) : undefined)
      .then(() => scenario?.destroy())
      .catch(() => undefined)
      .finally(() => {
        if (scenario) rmSync(scenario.workDir, { recursive: true, force: true });
        process.exit(130);
      });
  });
}
try {
  ({ module: m } = await importSource('pitr', entry));
  scenario = await m.createPitrScenario({ bundledRunbooks: join(root, 'runbooks.yaml') });
  const { live } = scenario;
  const runbooks = m.loadRunbooksFile(scenario.runbooksPath);
  store = m.openEventStore(join(scenario.workDir, 'state', 'sessions.db'));
  const service = new m.SessionService({ store, operator: 'bench@localhost' });
  const baseTar = join(scenario.baseBackupDir, 'nightly', 'base.tar');
  const pg = (await import('pg')).default;

  const script = {
    notes: {
      'confirm-scope': 'bench: the deletion of acme config rows',
      'review-rows': 'bench: insert-missing',
      'describe-outputs': 'bench: desired = observed',
    },
    inputs: { 'merge-mode': 'insert-missing' },
    byHand: { 'stop-restore-cluster': () => m.stopServerIn(live.binDir, scenario.restoreDir) },
    ...(process.env.PITR_BENCH_STEPS ? { runOptions: { onProgress: (progress) => console.log(`  ${performance.now().toFixed(0)} ms: ${progress.message}`) } } : {}),
  };

  async function plainRestore(round) {
    const dataDir = join(scenario.workDir, `plain-${round}`);
    plainDataDir = dataDir;
    const port = await m.freePort();
    const started = performance.now();
    mkdirSync(dataDir, { mode: 0o700 });
    await m.chownToPostgres(dataDir);
    await run(['tar', '-xf', baseTar, '-C', dataDir]);
    if (process.env.PITR_BENCH_STEPS) console.log(`  plain: extracted in ${(performance.now() - started).toFixed(0)} ms`);
    mkdirSync(join(dataDir, 'pg_wal'), { recursive: true });
    writeFileSync(join(dataDir, 'recovery.signal'), '');
    appendFileSync(
      join(dataDir, 'postgresql.auto.conf'),
      [
        `restore_command = 'cp ${live.archiveDir}/%f "%p"'`,
        // "…T…Z" is refused in this setting (Z reads as a zone abbreviation): an operator writes +00.
        `recovery_target_time = '${scenario.targetTime.replace('T', ' ').replace('Z', '+00')}'`,
        "recovery_target_action = 'promote'",
        `port = ${port}`,
        'archive_mode = off',
        '',
      ].join('\n'),
    );
    await m.chownToPostgres(dataDir);
    await m.runPgBinary(live.binDir, 'pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'restore.log'), '-w', 'start']).catch((error) => {
      throw new Error(`${error.message}\nserver log:\n${readFileSync(join(dataDir, 'restore.log'), 'utf8')}`);
    });
    for (;;) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'control' });
      await client.connect();
      const { rows } = await client.query('SELECT pg_is_in_recovery() AS r');
      await client.end();
      if (!rows[0].r) break;
      await new Promise((resolve) => setTimeout(resolve, PLAIN_POLL_MS));
    }
    const ms = performance.now() - started;
    // Untimed: the copy must hold what the DELETE removed, or the figure means nothing.
    const restored = await m.withLiveClient(live, (client) => client.query("SELECT count(*)::int AS n FROM config_objects WHERE tenant_id = 'acme'"), port);
    if (restored.rows[0].n !== scenario.deletedRows.length) throw new Error(`the plain restore holds ${restored.rows[0].n} acme rows, not ${scenario.deletedRows.length}`);
    await m.stopServerIn(live.binDir, dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    return ms;
  }

  async function run(argv) {
    // The plain path runs tar as the postgres user, as an operator would.
    await new Promise((resolve, reject) => {
      import('node:child_process').then(({ execFile }) =>
        execFile('runuser', ['-u', 'postgres', '--', ...argv], (error, _out, stderr) => (error ? reject(new Error(`${argv.join(' ')}: ${stderr}`)) : resolve())),
      );
    });
  }

  async function productSession(until) {
    const started = performance.now();
    const session = await service.start({ runbooks, runbookId: 'restore-config', env: 'sandbox', incident: 'BENCH-1', inputs: { tenant_id: 'acme', target_time: scenario.targetTime } });
    try {
      for (const stepId of session.state.order) {
        await m.walkStep(session, stepId, script);
        if (stepId === until) break;
      }
      const ms = performance.now() - started;
      if (process.env.PITR_BENCH_STEPS) {
        const state = session.state;
        console.log(state.order.filter((id) => state.steps[id].durationMs !== null).map((id) => `${id} ${state.steps[id].durationMs} ms`).join(', '));
        const events = store.read(session.id);
        console.log(events.map((event, i) => `${event.type}${event.stepId ? `(${event.stepId})` : ''} +${i === 0 ? 0 : Date.parse(event.at) - Date.parse(events[i - 1].at)}`).join(' '));
      }
      if (until === undefined) {
        const inserted = session.state.steps.reapply.outputs.inserted;
        if (inserted !== scenario.deletedRows.length) throw new Error(`the runbook re-applied ${inserted} rows, not ${scenario.deletedRows.length}`);
        session.complete();
      }
      return { ms, steps: session.state.order.length };
    } finally {
      session.release();
    }
  }

  async function productRestore() {
    const { ms } = await productSession('replay-done');
    await scenario.resetRestoreDir();
    return ms;
  }

  async function wholeRunbook() {
    const result = await productSession(undefined);
    // Put the scenario back: the copy emptied, the acme rows deleted again (untimed).
    await scenario.resetRestoreDir();
    await m.withLiveClient(live, (client) => client.query("DELETE FROM config_objects WHERE tenant_id = 'acme'"));
    return result;
  }

  // Warm-up (page cache, module loading), not counted.
  await plainRestore('warm');
  await productRestore();

  const plain = [];
  const product = [];
  const whole = [];
  let stepCount = 0;
  // Alternating which goes first, so a drift in machine load does not favour either.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      plain.push(await plainRestore(round));
      product.push(await productRestore());
    } else {
      product.push(await productRestore());
      plain.push(await plainRestore(round));
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    const result = await wholeRunbook();
    whole.push(result.ms);
    stepCount = result.steps;
  }

  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const plainMs = median(plain);
  const productMs = median(product);
  const overhead = ((productMs - plainMs) / plainMs) * 100;
  console.log(`rounds ${ROUNDS} (medians); plain runs: ${plain.map(seconds).join(', ')}; product runs: ${product.map(seconds).join(', ')}`);
  console.log(`pitr plain: ${seconds(plainMs)}, product: ${seconds(productMs)}, overhead ${overhead.toFixed(0)}% (budget ${BUDGET_PERCENT}%): ${overhead < BUDGET_PERCENT ? 'within budget' : 'OVER BUDGET'}`);
  console.log(`pitr whole restore-config runbook (${stepCount} steps, restore → integrity → extract → re-apply → validate): ${seconds(median(whole))}`);
  if (overhead >= BUDGET_PERCENT) process.exitCode = 1;
} finally {
  store?.close();
  await scenario?.destroy();
}
