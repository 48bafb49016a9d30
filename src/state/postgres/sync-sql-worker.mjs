// The worker behind SyncSql (sync-sql.ts): it owns one connection to the shared store's server
// and runs, one at a time, the statements the main thread sends, answering on the message port
// and waking the main thread through the shared flag. Plain JavaScript importing only `pg`, so it
// runs as it is, from the sources and from the bundle alike.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

const { port, flag, connection } = workerData;
const state = new Int32Array(flag);
let client;

async function connected() {
  if (client) return client;
  const next = new pg.Client({ ...connection, application_name: 'runbook' });
  // A dropped connection is found by the next statement; the error is answered, not thrown.
  next.on('error', () => {
    if (client === next) client = undefined;
  });
  await next.connect();
  client = next;
  return client;
}

async function run(request) {
  const db = await connected();
  if (request.transaction) {
    // Several statements in one transaction, each seeing the rows the previous ones returned.
    await db.query('BEGIN');
    try {
      const results = [];
      for (const statement of request.transaction) {
        const result = await db.query(statement.sql, statement.params ?? []);
        results.push({ rows: result.rows, rowCount: result.rowCount });
      }
      await db.query('COMMIT');
      return { results };
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  const result = await db.query(request.sql, request.params ?? []);
  return { rows: result.rows, rowCount: result.rowCount };
}

function answer(message) {
  port.postMessage(message);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

port.on('message', (request) => {
  if (request.close) {
    Promise.resolve(client?.end())
      .catch(() => undefined)
      .finally(() => answer({ closed: true }));
    return;
  }
  run(request).then(
    (result) => answer({ result }),
    (error) => {
      // A failed connection is dropped so the next call connects again.
      if (!error.code || /^(08|57P|E[A-Z]+$)/.test(error.code)) {
        client?.end().catch(() => undefined);
        client = undefined;
      }
      answer({ error: { message: error.message, code: error.code ?? null, detail: error.detail ?? null, hint: error.hint ?? null } });
    },
  );
});

parentPort?.postMessage('ready');
