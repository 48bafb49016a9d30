// Budgets: a point-in-time restore from real pgBackRest through the product takes at most 1.3x
// the same restore done by hand, in the same run; and a restored server that exits (its target
// cannot be reached) fails the restore action within 5 s of its exit.
//   by hand: pgbackrest --stanza … --type=time --target=T --target-action=promote --pg1-path=DIR
//            restore, append port and archive_mode = off to postgresql.auto.conf, pg_ctl -w start,
//            poll pg_is_in_recovery() every 100 ms until it is false.
//   product: a verify-postgres-restore session (the BUNDLED runbook, its staging environment
//            pointed at the stanza) started at its restore section: restore-backup (preview, which
//            runs pgbackrest info → confirm → run, which follows the server to its promotion) and
//            replay-wal, every event durable in SQLite. The section's marker step is skipped with
//            a reason (the by-hand path has none; the scenario archived a commit past T already).
//   exit:    postgres.restoreBackup to a target an hour ahead: PostgreSQL replays the archive,
//            then shuts down ("recovery ended before configured recovery target was reached").
//            Measured from the "database system is shut down" line of its log (ms precision) to
//            the action's failed result.
// PITR_PGBACKREST_STEPS=1 prints each session's step durations.
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { importSource, root } from './support/import-source.mjs';
import { median } from './support/median.mjs';

const ROUNDS = 3;
const BUDGET_RATIO = 1.3;
const EXIT_BUDGET_MS = 5_000;
const PLAIN_POLL_MS = 100;

const entry = `
export { createStanza, PGBACKREST_BIN } from './test/support/pgbackrest.ts';
export { runPgBinary, chownToPostgres, freePort } from './test/support/pg-cluster.ts';
export { walkStep } from './test/integration/support/operator.ts';
export { deadline } from './src/steps/support/call.ts';
export { loadRunbooksFile } from './src/runbooks/load.ts';
export { openEventStore } from './src/state/event-store.ts';
export { SessionService } from './src/services/session/session-service.ts';
export { providers } from './src/steps/postgres/index.ts';
export { definitions } from './src/steps/postgres/definitions.ts';
`;

let stanza;
let store;
let m;
const running = new Set();
const stopIn = async (dataDir) => {
  await m.runPgBinary(stanza.cluster.binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  running.delete(dataDir);
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    Promise.all([...running].map(stopIn))
      .then(() => stanza?.cleanup())
      .catch(() => undefined)
      .finally(() => process.exit(130));
  });
}

const asPostgres = (argv) =>
  new Promise((resolve, reject) => {
    execFile('runuser', ['-u', 'postgres', '--', ...argv], { cwd: '/tmp' }, (error, stdout, stderr) => (error ? reject(new Error(`${argv.join(' ')}: ${stderr}`)) : resolve(stdout)));
  });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  ({ module: m } = await importSource('pitr-pgbackrest', entry));
  const pg = (await import('pg')).default;
  stanza = await m.createStanza({ repos: 2, backups: ['full', 'incr'], settings: { autovacuum: 'off' } });
  const live = stanza.cluster;
  // A second past the last backup's stop (pgBackRest compares whole seconds), rows before and after T.
  await pause(1_100);
  await live.query("CREATE TABLE bench_marks (note text); INSERT INTO bench_marks SELECT 'before T ' || n FROM generate_series(1, 1000) AS n");
  const targetTime = (await live.query('SELECT clock_timestamp() AS t'))[0].t.toISOString();
  await pause(20);
  await live.query("INSERT INTO bench_marks VALUES ('after T')");
  const workDir = join(stanza.baseDir, 'bench');
  mkdirSync(workDir);
  await m.chownToPostgres(workDir);
  // A provider's context as the step runner builds it (the tests' helper imports vitest).
  const ctx = (postgres, timeoutMs = 300_000) => ({
    sessionId: 'bench',
    stepId: 'exit',
    envName: 'bench',
    environment: { name: 'bench', protected: false, postgres, vars: {}, secrets: [], backup: { tool: 'pgbackrest', stanza: stanza.stanza, args: [...stanza.args] } },
    idempotencyKey: 'bench/exit',
    signal: m.deadline(timeoutMs),
    timeoutMs,
    artifactsDir: workDir,
    now: () => new Date(),
  });
  const parse = (name, input) => m.definitions.find((d) => d.name === name).params.parse(input);
  const archived = await m.providers['postgres.switchWal'].run(parse('postgres.switchWal', { database: 'live' }), ctx({ live: { url: live.url } }));
  if (!archived.ok) throw new Error(archived.detail);

  const pgTarget = targetTime.replace('T', ' ').replace('Z', '+00');
  const countRows = async (port) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return (await client.query('SELECT count(*)::int AS n FROM bench_marks')).rows[0].n;
    } finally {
      await client.end();
    }
  };

  async function byHand(round) {
    const dataDir = join(workDir, `hand-${round}`);
    const port = await m.freePort();
    running.add(dataDir);
    const started = performance.now();
    mkdirSync(dataDir, { mode: 0o700 });
    await m.chownToPostgres(dataDir);
    await asPostgres([m.PGBACKREST_BIN, `--stanza=${stanza.stanza}`, ...stanza.args, '--type=time', `--target=${pgTarget}`, '--target-action=promote', `--pg1-path=${dataDir}`, 'restore']);
    appendFileSync(join(dataDir, 'postgresql.auto.conf'), `\nport = ${port}\narchive_mode = off\n`);
    await asPostgres([join(live.binDir, 'pg_ctl'), '-D', dataDir, '-l', join(dataDir, 'restore.log'), '-w', 'start']);
    for (;;) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await client.connect();
        const { rows } = await client.query('SELECT pg_is_in_recovery() AS r');
        if (!rows[0].r) break;
      } catch {
        // Not accepting connections yet.
      } finally {
        await client.end().catch(() => undefined);
      }
      await pause(PLAIN_POLL_MS);
    }
    const ms = performance.now() - started;
    // Untimed: the copy must hold T's rows and not the one after, or the figure means nothing.
    const rows = await countRows(port);
    if (rows !== 1000) throw new Error(`the restore by hand holds ${rows} rows, not 1000`);
    await stopIn(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    return ms;
  }

  // The bundled runbooks with staging pointed at the stanza (nothing else changed).
  const document = parseDocument(readFileSync(join(root, 'runbooks.yaml'), 'utf8'));
  const restoreDir = join(workDir, 'product');
  const restorePort = await m.freePort();
  document.setIn(['environments', 'staging', 'postgres', 'live'], { url: live.url, dataDir: live.dataDir, description: 'bench stanza' });
  document.setIn(['environments', 'staging', 'postgres', 'restore'], { url: `postgres://postgres@127.0.0.1:${restorePort}/postgres`, dataDir: restoreDir, binDir: live.binDir, runAs: 'postgres', description: 'bench restore' });
  document.setIn(['environments', 'staging', 'backup'], { tool: 'pgbackrest', stanza: stanza.stanza, args: [...stanza.args] });
  const runbooksPath = join(workDir, 'runbooks.yaml');
  writeFileSync(runbooksPath, document.toString());
  const runbooks = m.loadRunbooksFile(runbooksPath);
  store = m.openEventStore(join(workDir, 'sessions.db'));
  const service = new m.SessionService({ store, operator: 'bench@localhost' });

  async function product() {
    running.add(restoreDir);
    const started = performance.now();
    const session = await service.start({ runbooks, runbookId: 'verify-postgres-restore', env: 'staging', drill: true, at: 'restore', inputs: { target_time: targetTime } });
    try {
      session.skipStep('archive-past-target', 'bench: the scenario archived a commit past the target');
      for (const stepId of ['restore-backup', 'replay-wal']) await m.walkStep(session, stepId);
      const ms = performance.now() - started;
      if (process.env.PITR_PGBACKREST_STEPS) {
        const state = session.state;
        console.log(['restore-backup', 'replay-wal'].map((id) => `${id} ${state.steps[id].durationMs} ms`).join(', '));
      }
      const outputs = session.state.steps['restore-backup'].outputs;
      if (!/^\d{8}-\d{6}F_\d{8}-\d{6}I$/.test(outputs.backupLabel) || outputs.backupRepo !== 'repo1') throw new Error(`the product restored ${outputs.backupLabel} from ${outputs.backupRepo}, not the incr in repo1`);
      const rows = await countRows(restorePort);
      if (rows !== 1000) throw new Error(`the product's restore holds ${rows} rows, not 1000`);
      session.abort('bench: measured up to the promotion');
      return ms;
    } finally {
      session.release();
      await stopIn(restoreDir);
      rmSync(restoreDir, { recursive: true, force: true });
    }
  }

  async function exitToFailure() {
    const dataDir = join(workDir, 'exits');
    running.add(dataDir);
    const connections = { restore: { url: `postgres://postgres@127.0.0.1:${await m.freePort()}/postgres`, dataDir, binDir: live.binDir, runAs: 'postgres' } };
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const result = await m.providers['postgres.restoreBackup'].run(parse('postgres.restoreBackup', { into: 'restore', targetTime: later }), ctx(connections));
    const failedAt = Date.now();
    if (result.ok || !/recovery ended before configured recovery target was reached/.test(result.detail)) throw new Error(`expected the restore to fail at its unreachable target: ${result.detail}`);
    const log = readFileSync(join(dataDir, 'runbook-restore.log'), 'utf8');
    const line = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) UTC .*database system is shut down/m.exec(log);
    if (!line) throw new Error(`no shutdown line in the server log:\n${log}`);
    const exitedAt = Date.parse(`${line[1].replace(' ', 'T')}Z`);
    await stopIn(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    return { ms: failedAt - exitedAt, firstLine: result.detail.split('. ')[0] };
  }

  // Warm-up (page cache, module loading), not counted.
  await byHand('warm');
  await product();

  const hand = [];
  const prod = [];
  // Alternating which goes first, so a drift in machine load does not favour either.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      hand.push(await byHand(round));
      prod.push(await product());
    } else {
      prod.push(await product());
      hand.push(await byHand(round));
    }
  }
  const exits = [];
  for (let round = 0; round < ROUNDS; round++) exits.push(await exitToFailure());

  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const handMs = median(hand);
  const prodMs = median(prod);
  const ratio = prodMs / handMs;
  const exitMs = median(exits.map((exit) => exit.ms));
  console.log(`rounds ${ROUNDS} (medians); by hand: ${hand.map(seconds).join(', ')}; product: ${prod.map(seconds).join(', ')}`);
  console.log(`pitr pgbackrest by hand: ${seconds(handMs)}, product: ${seconds(prodMs)}, ratio ${ratio.toFixed(2)}x (budget ${BUDGET_RATIO}x): ${ratio <= BUDGET_RATIO ? 'within budget' : 'OVER BUDGET'}`);
  console.log(`restore server exit to action failure: ${exits.map((exit) => `${exit.ms} ms`).join(', ')}; median ${exitMs} ms (budget ${EXIT_BUDGET_MS} ms): ${exitMs <= EXIT_BUDGET_MS ? 'within budget' : 'OVER BUDGET'}`);
  console.log(`  the failure's first line: ${exits[0].firstLine}`);
  if (ratio > BUDGET_RATIO || exitMs > EXIT_BUDGET_MS) process.exitCode = 1;
} finally {
  store?.close();
  for (const dir of running) await stopIn(dir);
  await stanza?.cleanup();
}
