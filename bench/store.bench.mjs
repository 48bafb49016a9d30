// Budgets of the shared store, on a throwaway PostgreSQL cluster, all in the same run:
//  - a durable append (the session engine's, lease and sequence checked by the server) has a
//    p99 at most 2x a bare INSERT + COMMIT round trip to the same cluster over the same channel;
//  - follow latency, from an append returning to the follower's screen (Ink, as runbook follow
//    renders it) showing it, p99 <= 100 ms;
//  - 20 processes each driving their own session at once see 0 errors, and their append p99 is at
//    most 3x the single writer's.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { importSource, root } from './support/import-source.mjs';

const APPENDS = 300;
const PROCESSES = 20;
const PER_PROCESS = 100;

const { module: m, outfile } = await importSource(
  'store',
  `
  export { createStoreServer } from './test/support/pg-store.ts';
  export { SyncSql } from './src/state/postgres/sync-sql.ts';
  export { openPostgresStore } from './src/state/postgres/pg-event-store.ts';
  export { SessionService } from './src/services/session/session-service.ts';
  export { parseRunbooksText } from './src/runbooks/load.ts';
  export { SessionFollower } from './src/services/follow/session-follower.ts';
  export { notifySignal } from './src/services/follow/notify-signal.ts';
  export { FollowScreen } from './src/ui/screens/FollowScreen.tsx';
  export { screenRenderOptions } from './src/ui/run-app.tsx';
  export { ThemeContext, themeFor } from './src/ui/theme.ts';
  export { default as React } from 'react';
  export { render } from 'ink';
`,
  { define: { 'process.env.NODE_ENV': '"production"' } },
);

// The store's worker script is found beside the module that starts it (src/state/postgres/sync-sql.ts).
copyFileSync(join(root, 'src', 'state', 'postgres', 'sync-sql-worker.mjs'), join(dirname(outfile), 'sync-sql-worker.mjs'));

const yaml = `version: 1
environments:
  staging: {}
runbooks:
  - id: notes
    title: Notes
    summary: One manual step; the bench appends notes.
    sections:
      - id: main
        title: Main
        steps:
          - { id: one, kind: manual, title: One, do: Do it. }
`;
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const ms = (value) => `${value.toFixed(2)} ms`;

/**
 * Runs PROCESSES node processes at once, each doing \`once(i)\` PER_PROCESS times after every one
 * has started and connected (\`setup\` defines url-using \`once\` and \`done\`); their latencies and errors.
 */
async function atOnce(setup) {
  const script = join(root, 'node_modules', '.cache', 'runbook-bench', `store-writer-${process.pid}.mjs`);
  writeFileSync(
    script,
    `import { pathToFileURL } from 'node:url';
const m = await import(pathToFileURL(${JSON.stringify(outfile)}).href);
const [url, count] = process.argv.slice(2);
${setup}
const latencies = [];
let errors = 0;
// Started and connected: wait until every process is, so what is measured runs at once.
process.stderr.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
for (let i = 0; i < Number(count); i++) {
  const started = performance.now();
  try { once(i); } catch (error) { errors++; console.error(error.message); }
  latencies.push(performance.now() - started);
}
done();
process.stdout.write(JSON.stringify({ latencies, errors }));
`,
  );
  const children = Array.from({ length: PROCESSES }, () => spawn(process.execPath, [script, server.url('alice'), String(PER_PROCESS)], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const outcomes = children.map(
    (child) =>
      new Promise((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.on('exit', (code) => {
          try {
            resolve({ ...JSON.parse(out), code });
          } catch {
            resolve({ latencies: [], errors: PER_PROCESS, code });
          }
        });
      }),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          const look = (chunk) => {
            if (String(chunk).includes('ready')) {
              child.stderr.off('data', look);
              resolve();
            }
          };
          child.stderr.on('data', look);
          child.on('exit', resolve);
        }),
    ),
  );
  for (const child of children) child.stdin.end('go\n');
  const results = await Promise.all(outcomes);
  rmSync(script, { force: true });
  return { latencies: results.flatMap((result) => result.latencies), errors: results.reduce((sum, result) => sum + result.errors + (result.code === 0 ? 0 : 1), 0) };
}

const server = await m.createStoreServer({ writers: ['alice'] });
try {
  const runbooks = m.parseRunbooksText(yaml, join(root, 'bench-runbooks.yaml'));

  // Baseline: a bare INSERT + COMMIT (autocommit) over the same worker channel, as alice.
  await server.admin('CREATE TABLE public.bench_round_trip (x integer)');
  await server.admin('GRANT INSERT ON public.bench_round_trip TO alice');
  const bare = [];
  {
    const sql = new m.SyncSql({ url: server.url('alice'), location: 'bench' });
    sql.query('SELECT 1');
    for (let i = 0; i < APPENDS; i++) {
      const started = performance.now();
      sql.query('INSERT INTO public.bench_round_trip (x) VALUES ($1)', [i]);
      bare.push(performance.now() - started);
    }
    sql.close();
  }

  // One writer: the session engine's append (a note each), durable on the server.
  const store = server.open('alice');
  const service = new m.SessionService({ store, operator: 'bench@host', processEnv: {} });
  const session = await service.start({ runbooks, runbookId: 'notes', env: 'staging' });
  const single = [];
  for (let i = 0; i < APPENDS; i++) {
    const started = performance.now();
    session.addNote(`note ${i}`);
    single.push(performance.now() - started);
  }

  // Follow latency: the follower renders as runbook follow does; time from an append to the frame showing it.
  class Screen extends EventEmitter {
    columns = 120;
    rows = 30;
    isTTY = true;
    frames = [];
    write = (data) => {
      this.frames.push({ at: performance.now(), data: String(data) });
      this.emit('frame');
      return true;
    };
  }
  class Keys extends EventEmitter {
    isTTY = true;
    setEncoding() {}
    setRawMode() {}
    resume() {}
    pause() {}
    ref() {}
    unref() {}
    read = () => null;
  }
  const followerStore = server.open('alice');
  const follower = new m.SessionFollower(followerStore, session.id, m.notifySignal(server.url('alice'), session.id));
  const screen = new Screen();
  const app = m.render(
    m.React.createElement(m.ThemeContext.Provider, { value: m.themeFor({ NO_COLOR: '1' }) }, m.React.createElement(m.FollowScreen, { follower, driver: () => 'bench', onExit: () => {} })),
    { ...m.screenRenderOptions, stdout: screen, stdin: new Keys(), stderr: new Screen() },
  );
  const shown = (text) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the follower never showed "${text}"`)), 5_000);
      const look = () => {
        if (screen.frames.some((frame) => frame.data.includes(text))) {
          clearTimeout(timer);
          screen.off('frame', look);
          resolve(performance.now());
        }
      };
      screen.on('frame', look);
      look();
    });
  await shown(`${session.state.lastSeq} events`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const follow = [];
  for (let i = 0; i < 100; i++) {
    screen.frames = [];
    session.addNote(`followed ${i}`);
    const appended = performance.now();
    follow.push((await shown(`${session.state.lastSeq} events`)) - appended);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  app.unmount();
  follower.stop();
  followerStore.close();
  session.release();
  store.close();

  // Twenty processes at once, each driving its own session; and, for what this machine allows at
  // all, twenty processes each doing the bare INSERT+COMMIT at once (no budget: context).
  const session20 = await atOnce(`const store = m.openPostgresStore({ url, localDirectory: ${JSON.stringify(join(root, 'node_modules', '.cache'))} });
const service = new m.SessionService({ store, operator: 'writer-' + process.pid + '@bench', processEnv: {} });
const runbooks = m.parseRunbooksText(${JSON.stringify(yaml)}, 'bench.yaml');
const session = await service.start({ runbooks, runbookId: 'notes', env: 'staging' });
session.addNote('warm');
const once = (i) => session.addNote('n ' + i);
const done = () => { session.release(); store.close(); };`);
  const bare20 = await atOnce(`const sql = new m.SyncSql({ url, location: 'bench' });
sql.query('SELECT 1');
const once = (i) => sql.query('INSERT INTO public.bench_round_trip (x) VALUES ($1)', [i]);
const done = () => sql.close();`);
  const concurrent = session20.latencies;
  const errors = session20.errors;

  const bareP99 = quantile(bare, 0.99);
  const singleP99 = quantile(single, 0.99);
  const followP99 = quantile(follow, 0.99);
  const concurrentP99 = quantile(concurrent, 0.99);
  console.log(`bare INSERT+COMMIT: p50 ${ms(quantile(bare, 0.5))}, p99 ${ms(bareP99)} (${APPENDS} round trips)`);
  console.log(`durable append: p50 ${ms(quantile(single, 0.5))}, p99 ${ms(singleP99)}: ${(singleP99 / bareP99).toFixed(2)}x the bare p99 (budget 2x): ${singleP99 <= 2 * bareP99 ? 'within budget' : 'OVER BUDGET'}`);
  console.log(`follow latency (append -> follower's frame): p50 ${ms(quantile(follow, 0.5))}, p99 ${ms(followP99)} (budget 100 ms): ${followP99 <= 100 ? 'within budget' : 'OVER BUDGET'}`);
  console.log(
    `${PROCESSES} processes x ${PER_PROCESS} appends at once: ${errors} errors (budget 0), append p99 ${ms(concurrentP99)}: ${(concurrentP99 / singleP99).toFixed(2)}x the single writer (budget 3x): ${errors === 0 && concurrentP99 <= 3 * singleP99 ? 'within budget' : 'OVER BUDGET'}`,
  );
  const bare20P99 = quantile(bare20.latencies, 0.99);
  console.log(
    `  context: ${PROCESSES} processes x ${PER_PROCESS} bare INSERT+COMMIT at once: p99 ${ms(bare20P99)}, ${(bare20P99 / bareP99).toFixed(2)}x one bare writer; the appends at once are ${(concurrentP99 / bare20P99).toFixed(2)}x that (${os.availableParallelism()} CPUs shared by the clients and the server)`,
  );
  if (singleP99 > 2 * bareP99 || followP99 > 100 || errors > 0 || concurrentP99 > 3 * singleP99) process.exitCode = 1;
} finally {
  await server.destroy();
}
