/** Facts about this build of the product. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version, injected at build time (scripts/build.mjs); "dev" when run from source. */
export function productVersion(): string {
  return process.env.RUNBOOK_VERSION ?? 'dev';
}

/** The runbooks.yaml shipped with the package (beside dist/ in the bundle, at the root from source). */
export function bundledRunbooksPath(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const candidate = join(directory, 'runbooks.yaml');
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  return join(process.cwd(), 'runbooks.yaml');
}
