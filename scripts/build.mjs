// Bundles the CLI into plain ESM JavaScript so start-up never transpiles TypeScript.
// Code splitting keeps heavy modules (AWS SDK, pg) in chunks that load only on first use.
import { build } from 'esbuild';
import { rmSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
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
  define: { 'process.env.RUNBOOK_VERSION': JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  banner: {
    js: "import { createRequire as __runbookCreateRequire } from 'node:module'; const require = __runbookCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
