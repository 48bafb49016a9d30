/**
 * What `runbook` (home) loads before its first frame, read from the built bundle: the home
 * command's chunk and every chunk it imports statically. Heavy modules (the AWS SDK, pg,
 * better-sqlite3) and the full loader (yaml, zod) must not be among them (the start-up budget:
 * the EC2 client alone costs about 0.8 s to import); they load on demand, e.g. on a cache miss.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/tmux.js';

const dist = join(repoRoot, 'dist');

/** Every file reached by static `import` statements from `entry`, entry included. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^import\s(?:[^;]*?\sfrom\s*)?"(\.[^"]+)"/gm)) visit(resolve(dirname(file), match[1]!));
  };
  visit(entry);
  return [...seen];
}

describe('the built home command', () => {
  let closure: string[];
  beforeAll(() => {
    if (!existsSync(join(dist, 'runbook.js'))) throw new Error(`run "npm run build" first: ${dist}/runbook.js is missing`);
    const chunk = readdirSync(join(dist, 'chunks')).find((name) => /^home-[A-Z0-9]+\.js$/.test(name));
    if (!chunk) throw new Error('no home chunk in dist/chunks: has the build changed its chunk names?');
    closure = staticClosure(join(dist, 'chunks', chunk));
  });

  it('statically loads Ink and React, and neither the AWS SDK, pg, better-sqlite3, yaml nor zod', () => {
    const sources = closure.map((file) => readFileSync(file, 'utf8')).join('\n');
    // esbuild marks each bundled module with a "// node_modules/<package>/…" comment.
    expect(sources).toMatch(/\/\/ node_modules\/ink\//);
    expect(sources).toMatch(/\/\/ node_modules\/react\//);
    for (const heavy of ['@aws-sdk/', '@smithy/', 'pg/', 'pg-pool/', 'better-sqlite3/', 'yaml/', 'zod/']) {
      expect(sources, heavy).not.toContain(`// node_modules/${heavy}`);
    }
    expect(sources).not.toMatch(/from "better-sqlite3"|require\("better-sqlite3"\)/);
  });
});
