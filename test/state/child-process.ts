/** Bundles test/state/fixtures/child.ts once per test file and spawns it (a real separate process). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './support.js';

const root = resolve(import.meta.dirname, '../..');

/** Builds the child bundle into a temp dir; returns its path. */
export async function buildChild(name: 'child' | 'append-child' = 'child'): Promise<string> {
  const outfile = join(tempDir('runbook-child-'), `${name}.cjs`);
  await build({
    entryPoints: [join(root, `test/state/fixtures/${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
  return outfile;
}

/** Spawns the child; better-sqlite3 resolves from this checkout's node_modules. */
export function spawnChild(bundle: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [bundle, ...args], {
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves when the child printed a line matching `pattern`; rejects when it exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${buffer}; stderr: ${errors}`)), timeoutMs);
    child.stderr!.on('data', (chunk) => (errors += chunk));
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        clearTimeout(timer);
        resolvePromise(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = buffer.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) resolvePromise(line);
      else reject(new Error(`child exited with ${code} before ${pattern}; stdout: ${buffer}; stderr: ${errors}`));
    });
  });
}

/** Resolves with the exit of a child. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) resolvePromise();
    else child.on('exit', () => resolvePromise());
  });
}
