/**
 * Dependencies point one way (DESIGN.md, "Layout"): the pure core in src/state imports neither the
 * providers (src/steps) nor the screens (src/ui) nor the services built on it; a provider knows
 * neither the screens nor the log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

function sources(directory: string): string[] {
  return readdirSync(join(root, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Every relative import of a file, resolved to a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => relative(root, resolve(root, file, '..', match[1]!)));
}

function offending(directory: string, forbidden: readonly string[]): string[] {
  return sources(directory).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((area) => target.startsWith(`${area}/`)))
      .map((target) => `${file} imports ${target}`),
  );
}

describe('layering', () => {
  it('src/state imports nothing from src/steps, src/ui, src/services or src/cli', () => {
    expect(offending('src/state', ['src/steps', 'src/ui', 'src/services', 'src/cli'])).toEqual([]);
  });

  it('src/steps knows neither the screens nor the log nor the services', () => {
    expect(offending('src/steps', ['src/ui', 'src/state', 'src/services', 'src/cli'])).toEqual([]);
  });

  it('src/services and src/ui never reach up into src/cli', () => {
    expect(offending('src/services', ['src/cli', 'src/ui'])).toEqual([]);
    expect(offending('src/ui', ['src/cli'])).toEqual([]);
  });
});
