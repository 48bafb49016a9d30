// Budget: the bundled restore-config runbook run headless in the sandbox (`runbook run`, a whole
// process: start-up, output and all) takes at most 1.15x the same steps driven in-process through
// the service API (the same headless runner on a SessionService, which also loads the runbooks
// file and the answers each time, as the command does), in the same run, on the same sandbox.
// The sandbox is the one `runbook sandbox up` makes (pgBackRest when installed, as staging runs),
// on free ports. Before every round the acme tenant's configuration rows are deleted on the live
// cluster, after the target time, and the restore cluster is stopped and emptied; both variants
// restore to the same target, re-apply the same rows and answer from the same answers file.
// Rounds alternate which goes first.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importSource, root } from './support/import-source.mjs';
import { median } from './support/median.mjs';

const ROUNDS = 3;
const BUDGET = 1.15;
const binary = join(root, 'dist', 'runbook.js');
const FIXED_PORTS = { live: 55432, restore: 55433, ec2: 55480, s3: 55490 };

const entry = `
export { loadRunbooksFile } from './src/runbooks/load.ts';
export { openEventStore } from './src/state/event-store.ts';
export { SessionService } from './src/services/session/session-service.ts';
export { runHeadless } from './src/services/headless/run-session.ts';
export { loadAnswers } from './src/services/headless/answers.ts';
`;
const { module: m } = await importSource('headless', entry);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-headless-'));
chmodSync(dir, 0o755);
const file = join(dir, 'runbooks.yaml');
const db = join(dir, 'sessions.db');
const env = { ...process.env, HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), RUNBOOK_DB: db, RUNBOOK_OPERATOR: 'bench@localhost', NO_COLOR: '1' };
const runbook = (args) => spawnSync(process.execPath, [binary, ...args, '--file', file], { cwd: dir, env, encoding: 'utf8' });

let text = readFileSync(join(root, 'runbooks.yaml'), 'utf8');
const taken = new Set();
for (const fixed of Object.values(FIXED_PORTS)) {
  let port;
  do port = await freePort();
  while (taken.has(port));
  taken.add(port);
  text = text.replaceAll(`127.0.0.1:${fixed}`, `127.0.0.1:${port}`);
}
writeFileSync(file, text);

const up = runbook(['sandbox', 'up']);
if (up.status !== 0) throw new Error(`runbook sandbox up failed (${up.status}):\n${up.stdout}\n${up.stderr}`);
const tool = /pgBackRest|pg_basebackup/.exec(up.stdout + up.stderr)?.[0] ?? 'its backup tool';

const sandbox = m.loadRunbooksFile(file).file.environments.sandbox;
const live = sandbox.postgres.live;
const restore = sandbox.postgres.restore;
const binDir = restore.binDir ?? '/usr/lib/postgresql/15/bin';
const answersFile = join(dir, 'restore-config.answers.yaml');
const store = m.openEventStore(db);
const service = new m.SessionService({ store, operator: 'bench@localhost', processEnv: env });

async function onLive(work) {
  const client = new pg.Client({ connectionString: live.url.replace(/\$\{(\w+)\}/g, (_, name) => env[name] ?? '') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Deletes the acme rows again (a commit after the target) and waits until that WAL is archived. */
async function deleteRows() {
  return onLive(async (client) => {
    const deleted = (await client.query("DELETE FROM config_objects WHERE tenant_id = 'acme'")).rowCount;
    const { rows } = await client.query('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const archived = (await client.query('SELECT last_archived_wal FROM pg_stat_archiver')).rows[0].last_archived_wal;
      if (archived && archived >= rows[0].segment) return deleted;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the live cluster did not archive ${rows[0].segment} within a minute`);
  });
}

/** Stops the restore cluster and empties its directory (the sandbox contract: it exists, empty, owned by postgres). */
function resetRestore() {
  spawnSync('runuser', ['-u', 'postgres', '--', join(binDir, 'pg_ctl'), '-D', restore.dataDir, '-m', 'immediate', '-w', 'stop'], { encoding: 'utf8' });
  for (const name of readdirSync(restore.dataDir)) rmSync(join(restore.dataDir, name), { recursive: true, force: true });
}

async function inProcess(target) {
  const started = performance.now();
  const runbooks = m.loadRunbooksFile(file);
  const answers = m.loadAnswers(answersFile);
  const session = await service.start({ runbooks, runbookId: 'restore-config', env: 'sandbox', incident: 'BENCH-1', inputs: { tenant_id: 'acme', target_time: target } });
  const result = await m.runHeadless({ session, answers, yes: true, stop: new AbortController().signal, processEnv: env });
  const ms = performance.now() - started;
  if (result.status !== 'completed') throw new Error(`in-process run stopped: ${result.stop?.message}`);
  return ms;
}

function headless(target) {
  const started = performance.now();
  const result = runbook(['run', 'restore-config', '--env', 'sandbox', '--incident', 'BENCH-1', '--set', 'tenant_id=acme', '--set', `target_time=${target}`, '--answers', answersFile, '--yes']);
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`runbook run exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

try {
  // The target: after a commit that follows the sandbox's backups (a live database is not quiet;
  // the restore then has a transaction to replay up to the target), before the first deletion.
  await onLive((client) => client.query('CREATE TABLE IF NOT EXISTS public.bench_activity (at timestamptz); INSERT INTO public.bench_activity VALUES (now())'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const target = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const deleted = await deleteRows();
  writeFileSync(
    answersFile,
    [
      'confirm-scope: "bench: the deletion of the acme configuration rows"',
      'review-rows: "bench: the extracted rows are the deleted ones"',
      'merge-mode: insert-missing',
      `reapply: "${deleted}"`,
      'describe-outputs: "bench: desired = observed"',
      'stop-restore-cluster: "bench: it is stopped and emptied between rounds"',
      '',
    ].join('\n'),
  );
  const round = async (variant) => {
    const ms = variant === 'process' ? headless(target) : await inProcess(target);
    resetRestore();
    await deleteRows();
    return ms;
  };
  // Warm-up (page cache, module loading), not counted.
  await round('in-process');
  await round('process');
  const process_ = [];
  const local = [];
  for (let index = 0; index < ROUNDS; index++) {
    const order = index % 2 === 0 ? ['process', 'in-process'] : ['in-process', 'process'];
    for (const variant of order) (variant === 'process' ? process_ : local).push(await round(variant));
  }
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = median(process_) / median(local);
  console.log(`sandbox with ${tool}; ${deleted} rows deleted and re-applied each round; rounds ${ROUNDS} (medians)`);
  console.log(`runbook run: ${process_.map(seconds).join(', ')}; in-process: ${local.map(seconds).join(', ')}`);
  console.log(`headless restore-config: runbook run ${seconds(median(process_))}, in-process ${seconds(median(local))}, ratio ${ratio.toFixed(2)}x (budget ${BUDGET}x): ${ratio <= BUDGET ? 'within budget' : 'OVER BUDGET'}`);
  if (ratio > BUDGET) process.exitCode = 1;
} finally {
  store.close();
  runbook(['sandbox', 'down']);
  rmSync(dir, { recursive: true, force: true });
}
