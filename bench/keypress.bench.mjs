// Budget of the guided session: key press → updated frame in a session of 500 steps,
// p99 under 16 ms. Renders the real SessionScreen with Ink as in production (not debug mode, so
// Ink's own frame throttle applies) on a recording stdout, drives a real DrivenSession on a
// SQLite file, and times each key from stdin to the first frame that shows its effect.
// Arrows are paced 40 ms apart (faster than key repeat), Enter 100 ms apart, so Ink's 30 fps
// frame throttle is not what is measured. Printed: arrows (look at another step; no write) and Enter (complete a manual step:
// a durable append, then the next step opens: a second one).
import { build } from 'esbuild';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'runbook-bench');
mkdirSync(cache, { recursive: true });
const outfile = join(cache, 'keypress-entry.mjs');
await build({
  stdin: {
    contents: `
      export { default as React } from 'react';
      export { render } from 'ink';
      export { SessionScreen } from './src/ui/screens/SessionScreen.tsx';
      export { screenRenderOptions } from './src/ui/run-app.tsx';
      export { parseRunbooksText } from './src/runbooks/load.ts';
      export { openEventStore } from './src/state/event-store.ts';
      export { SessionService } from './src/services/session/session-service.ts';
      export { manyStepsYaml } from './test/ui/support/many-steps.ts';
    `,
    resolveDir: root,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  // Ink and React from node_modules, as one copy (the screen and Ink must share React).
  external: ['better-sqlite3', 'react', 'ink', 'ink-select-input', 'ink-text-input'],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  logLevel: 'error',
});
// React and Ink load from node_modules: in production mode, as in the bundled binary.
process.env.NODE_ENV = 'production';
const { React, render, SessionScreen, screenRenderOptions, parseRunbooksText, openEventStore, SessionService, manyStepsYaml } = await import(outfile);

const STEPS = 500;
const ARROWS = 400;
const ENTERS = 200;
const PACE_MS = 40;
/** Enter completes a step and opens the next (two durable appends, two frames 0-33 ms apart): no one completes steps 25 times a second. */
const ENTER_PACE_MS = 100;

/** A terminal-like stdout that remembers when each frame was written. */
class RecordingStdout extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  frames = [];
  write = (data) => {
    this.frames.push({ at: performance.now(), data: String(data) });
    return true;
  };
}

/** A raw-mode stdin Ink can read keys from. */
class KeyStdin extends EventEmitter {
  isTTY = true;
  pending = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  press(data) {
    this.pending = data;
    this.emit('readable');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'runbook-keypress-'));
const store = openEventStore(join(dir, 'sessions.db'));
const service = new SessionService({ store, operator: 'bench@host', processEnv: {} });
const runbooks = parseRunbooksText(manyStepsYaml(STEPS), join(dir, 'runbooks.yaml'));
const session = await service.start({ runbooks, runbookId: 'big', env: 'staging' });
// Half way through, as at 3 a.m. in a long restore.
for (let index = 0; index < STEPS / 2; index++) session.completeStep(`step-${index}`);

const stdout = new RecordingStdout();
const stdin = new KeyStdin();
// Mounted with the options the product mounts screens with (src/ui/run-app.tsx).
const app = render(React.createElement(SessionScreen, { session, onExit: () => {} }), {
  ...screenRenderOptions,
  stdout,
  stdin,
  stderr: new RecordingStdout(),
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Presses `key` and resolves to the ms until a frame containing `expected` is written. */
async function timePress(key, expected) {
  const from = stdout.frames.length;
  const start = performance.now();
  stdin.press(key);
  while (performance.now() - start < 2000) {
    for (let index = from; index < stdout.frames.length; index++) {
      if (stdout.frames[index].data.includes(expected)) return stdout.frames[index].at - start;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no frame showed ${JSON.stringify(expected)} after the key`);
}

// Wait for the screen to listen (its footer).
for (let tries = 0; !stdout.frames.some((frame) => frame.data.includes('q leave')); tries++) {
  if (tries > 500) throw new Error('the session screen never listened');
  await sleep(10);
}
await sleep(100);

const UP = '\u001B[A';
const DOWN = '\u001B[B';
const arrows = [];
let viewed = STEPS / 2;
for (let press = 0; press < ARROWS; press++) {
  const up = press % 200 < 100;
  viewed += up ? -1 : 1;
  arrows.push(await timePress(up ? UP : DOWN, `Step number ${viewed}  manual · step-${viewed}`));
  await sleep(PACE_MS);
}

const enters = [];
for (let press = 0; press < ENTERS; press++) {
  const next = STEPS / 2 + press + 1;
  enters.push(await timePress('\r', ` Step number ${next}  manual · step-${next} · `));
  await sleep(ENTER_PACE_MS);
}

app.unmount();
store.close();
rmSync(dir, { recursive: true, force: true });

const line = (name, values) =>
  console.log(
    `${name.padEnd(44)} n=${values.length}  p50 ${quantile(values, 0.5).toFixed(2)} ms  p99 ${quantile(values, 0.99).toFixed(2)} ms  max ${Math.max(...values).toFixed(2)} ms`,
  );
console.log(`session of ${STEPS} steps, ${stdout.columns}x${stdout.rows}, budget: key press → frame p99 < 16 ms`);
line('↑/↓ look at another step', arrows);
line('enter: complete a manual step (durable)', enters);
const p99 = quantile(arrows, 0.99);
console.log(`arrows p99 ${p99.toFixed(2)} ms: ${p99 < 16 ? 'within' : 'OVER'} budget`);
const p99Enter = quantile(enters, 0.99);
console.log(`enter p99 ${p99Enter.toFixed(2)} ms: ${p99Enter < 16 ? 'within' : 'OVER'} budget`);
