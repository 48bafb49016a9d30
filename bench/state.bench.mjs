// Budgets of the session log: durable append latency beside the disk's raw fdatasync latency,
// resume (open + read + fold) of 10k and 100k events, export of 100k events in each format,
// verify of 100k events, and peak memory. Sessions are appended with the caller's fold, as
// DrivenSession does, so they get snapshots as they would in use; resume is then
// open + newest matching snapshot + fold of the tail. Resume without snapshots (a log written
// by a schema-1 build, or snapshots deleted) is printed too. Bundles a small entry of src/state with esbuild into
// node_modules/.cache (so better-sqlite3 resolves), then measures in this process.
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSource } from './support/import-source.mjs';

const { module: state, outfile } = await importSource('state', `
      export { openEventStore } from './src/state/event-store.ts';
      export { newEvent } from './src/state/events.ts';
      export { foldEvents, foldFrom, initialState } from './src/state/session-state.ts';
      export { resumeState } from './src/state/resume.ts';
      export { loadAuditRecord, renderExport } from './src/state/export/index.ts';
      export { verifyStoredSession } from './src/state/verify.ts';
      export { Runbook } from './src/runbooks/schema.ts';
    `);

const dir = process.env.RUNBOOK_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'runbook-bench-'));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const ms = (value) => `${value.toFixed(3)} ms`;
const time = (fn) => {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
};

// Raw fdatasync of the same disk, same run.
const syncs = [];
{
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const block = Buffer.alloc(4096, 7);
  for (let i = 0; i < 300; i++) {
    writeSync(fd, block);
    syncs.push(time(() => fdatasyncSync(fd)).ms);
  }
  closeSync(fd);
}

const runbook = state.Runbook.parse({
  id: 'bench',
  title: 'Bench',
  summary: 'a runbook for the benchmark',
  sections: [{ id: 's', title: 'S', steps: Array.from({ length: 20 }, (_, i) => ({ id: `step-${i}`, kind: i % 2 ? 'check' : 'wait', title: `Step ${i}`, do: 'x', uses: 'postgres.query' })) }],
});
const started = (drill) => state.newEvent('SessionStarted', null, {
  runbookId: 'bench', runbookTitle: 'Bench', runbookHash: 'sha256:0', runbook, runbooksFile: null, env: 'staging',
  environment: {}, protected: false, drill, incident: null, operator: 'bench@host', productVersion: 'bench', startSection: null, inputs: {},
});
// A realistic mix: steps opened, checks polled (failing then passing), notes, completions.
function eventAt(i) {
  const stepId = `step-${Math.floor(i / 50) % 20}`;
  switch (i % 5) {
    case 0: return state.newEvent('StepOpened', stepId, { attempt: 1 });
    case 1: return state.newEvent('CheckFailed', stepId, { observed: { ageSeconds: 1000 + i }, expected: 'age <= 26h', detail: 'WAL archive is behind', durationMs: 12, outputs: { ageSeconds: 1000 + i }, params: { database: 'main', maxAge: 93600 }, failure: null });
    case 2: return state.newEvent('CheckPassed', stepId, { observed: 42, expected: '= 42', detail: 'row count matches', durationMs: 8, outputs: { value: 42, rowCount: 1 }, params: { database: 'main', sql: 'select count(*) from t' } });
    case 3: return state.newEvent('NoteAdded', stepId, { text: `operator note number ${i}: looked at the dashboard` });
    default: return state.newEvent('StepCompleted', stepId, { note: null, overrideReason: null, drill: null });
  }
}
const at = () => new Date().toISOString();

const store = state.openEventStore(join(dir, 'bench.db'));
/** Appends as DrivenSession does: the store gets the caller's fold (current step, and a snapshot when due). */
function appendFolded(session, events) {
  return store.append(session.id, events, {
    expectedLastSeq: session.state.lastSeq,
    actor: 'bench@host',
    at: at(),
    fold: (stored) => (session.state = state.foldFrom(session.state, stored)),
  });
}
const snapshotSeqs = (id) => store.snapshots.keys(id).map((key) => key.seq);

// Durable append, one event per transaction as the service does; 2,000 so that the appends
// which also write a snapshot (at 1,000 and 2,000) are among those measured.
const appendLatencies = [];
{
  const session = { id: 'append-bench', state: state.initialState('append-bench') };
  appendFolded(session, [started(false)]);
  for (let i = 0; i < 2000; i++) appendLatencies.push(time(() => appendFolded(session, [eventAt(i)])).ms);
}
const appendSnapshots = snapshotSeqs('append-bench');

function fill(id, count) {
  const session = { id, state: state.initialState(id) };
  appendFolded(session, [started(true)]);
  let seq = 1;
  while (seq < count) {
    const batch = [];
    for (let i = 0; i < 1000 && seq + batch.length < count; i++) batch.push(eventAt(seq + batch.length));
    appendFolded(session, batch);
    seq += batch.length;
  }
}
fill('s10k', 10_000);
fill('s100k', 100_000);
const snapshotBytes = store.db
  .prepare('SELECT length(state) FROM snapshots WHERE session_id = ? ORDER BY seq DESC LIMIT 1')
  .pluck()
  .get('s100k');
store.close();

/** Median of 5 runs of open + load (snapshot and tail, or the whole log) + fold, each on a new connection. */
function resume(id, load) {
  const runs = [];
  let last;
  for (let i = 0; i < 5; i++) {
    const run = time(() => {
      const reader = state.openEventStore(join(dir, 'bench.db'));
      const result = load(reader, id);
      reader.close();
      return result;
    });
    runs.push(run.ms);
    last = run.result;
  }
  return { ms: quantile(runs, 0.5), last };
}
const withSnapshot = (reader, id) => state.resumeState(reader, id);
const wholeLog = (reader, id) => ({ state: state.foldEvents(id, reader.read(id)), snapshotSeq: null, folded: null });
const resume10k = resume('s10k', withSnapshot);
const resume100k = resume('s100k', withSnapshot);
const full10k = resume('s10k', wholeLog);
const full100k = resume('s100k', wholeLog);
// The same, once, in a fresh process: what `runbook resume` pays, with nothing compiled or cached yet.
function resumeInFreshProcess(id) {
  const script = `
    const state = await import(${JSON.stringify(outfile)});
    const start = process.hrtime.bigint();
    const reader = state.openEventStore(${JSON.stringify(join(dir, 'bench.db'))});
    const result = state.resumeState(reader, ${JSON.stringify(id)});
    reader.close();
    console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6, lastSeq: result.state.lastSeq }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)).ms;
}
const fresh10k = resumeInFreshProcess('s10k');
const fresh100k = resumeInFreshProcess('s100k');
for (const [name, run] of [['10k', resume10k], ['100k', resume100k], ['10k', full10k], ['100k', full100k]]) {
  if (run.last.state.lastSeq !== (name === '10k' ? 10_000 : 100_000)) throw new Error(`resume of ${name} folded to ${run.last.state.lastSeq}`);
}

const reader = state.openEventStore(join(dir, 'bench.db'));
const exports = {};
for (const format of ['md', 'json', 'html']) {
  exports[format] = time(() => state.renderExport(state.loadAuditRecord(reader, 's100k'), format));
}
const verified = time(() => state.verifyStoredSession(reader, 's100k'));
reader.close();

const syncP50 = quantile(syncs, 0.5);
const syncP99 = quantile(syncs, 0.99);
const appendP50 = quantile(appendLatencies, 0.5);
const appendP99 = quantile(appendLatencies, 0.99);
console.log(`database dir: ${dir}`);
console.log(`raw fdatasync (4 KiB, same disk): p50 ${ms(syncP50)}  p99 ${ms(syncP99)}`);
console.log(`durable append (1 event/commit):  p50 ${ms(appendP50)}  p99 ${ms(appendP99)}  max ${ms(Math.max(...appendLatencies))}  (${appendLatencies.length} appends; snapshots kept at ${appendSnapshots.join(', ')})`);
console.log(`  append p99 / fdatasync p99 = ${(appendP99 / syncP99).toFixed(2)}x; append p99 / fdatasync p50 = ${(appendP99 / syncP50).toFixed(2)}x (goal: p99 within 5x of one fdatasync)`);
const via = (run) => `snapshot at ${run.last.snapshotSeq}, ${run.last.folded} events folded`;
console.log(`resume 10,000 events (open+read+fold):  ${ms(resume10k.ms)}  (budget 50 ms; ${via(resume10k)})`);
console.log(`resume 100,000 events (open+read+fold): ${ms(resume100k.ms)}  (budget 400 ms; ${via(resume100k)}; snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB)`);
console.log(`  first resume in a fresh process: 10,000 events ${ms(fresh10k)}; 100,000 events ${ms(fresh100k)}`);
console.log(`  without snapshots (whole log folded): 10,000 events ${ms(full10k.ms)}; 100,000 events ${ms(full100k.ms)}`);
for (const [format, run] of Object.entries(exports)) {
  console.log(`export 100,000 events as ${format.padEnd(4)}: ${ms(run.ms)}  (${(run.result.length / 1e6).toFixed(1)} MB; budget 2000 ms)`);
}
console.log(`verify 100,000 events: ${ms(verified.ms)}  (${verified.result.ok ? 'ok' : 'BROKEN'}; budget 2000 ms)`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (!process.env.RUNBOOK_BENCH_DIR) rmSync(dir, { recursive: true, force: true });
