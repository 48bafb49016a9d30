// Bundles the CLI into plain ESM JavaScript so start-up never transpiles TypeScript.
// Code splitting keeps heavy modules (AWS SDK, pg) in chunks that load only on first use.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// What this build is made of: caches the product keeps (validated runbooks files) are keyed by it,
// so a rebuild with changed code never reads what an older build wrote.
function buildId() {
  const hash = createHash('sha256');
  const walk = (directory) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const directory of ['bin', 'src']) walk(directory);
  hash.update(readFileSync('package-lock.json'));
  return hash.digest('hex').slice(0, 16);
}
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: {
    runbook: 'bin/runbook.ts',
    'bare-ink': 'bench/bare-ink.tsx',
    'sandbox-daemon': 'src/sandbox/daemon.ts',
    // The shared store's connection runs on this worker thread (src/state/postgres/sync-sql.ts).
    'pg-sync-worker': 'src/state/postgres/sync-sql-worker.mjs',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons and optional peers stay outside the bundle.
  external: ['better-sqlite3', 'pg-native', 'react-devtools-core'],
  define: {
    'process.env.RUNBOOK_VERSION': JSON.stringify(pkg.version),
    'process.env.RUNBOOK_BUILD_ID': JSON.stringify(buildId()),
    'process.env.NODE_ENV': '"production"',
  },
  banner: {
    js: "import { createRequire as __runbookCreateRequire } from 'node:module'; const require = __runbookCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
