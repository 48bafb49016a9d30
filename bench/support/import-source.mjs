// Benchmarks measure the project's TypeScript sources directly: esbuild bundles an entry of
// re-exports into node_modules/.cache (so external packages still resolve from the repository's
// node_modules) and the bench imports the result.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles `entry` (TypeScript re-exports with paths relative to the repository root) as `name`
 * and imports it. Packages stay external, loaded from node_modules as the product loads them.
 */
export async function importSource(name, entry, { define } = {}) {
  const cache = join(root, 'node_modules', '.cache', 'runbook-bench');
  mkdirSync(cache, { recursive: true });
  const outfile = join(cache, `${name}-${process.pid}.mjs`);
  await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    ...(define ? { define } : {}),
    outfile,
    logLevel: 'warning',
  });
  return { module: await import(pathToFileURL(outfile).href), outfile };
}
