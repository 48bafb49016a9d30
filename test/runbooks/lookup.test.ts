import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseRunbooksText } from '../../src/runbooks/load.js';
import { findEnvironment, findRunbook, findSection } from '../../src/runbooks/lookup.js';

const bundled = new URL('../../runbooks.yaml', import.meta.url).pathname;
const { file } = parseRunbooksText(readFileSync(bundled, 'utf8'), bundled);

describe('lookups by what the operator typed', () => {
  it('finds what exists', () => {
    const runbook = findRunbook(file, 'restore-volume');
    expect(runbook.title).toBe('Restore a single volume from snapshot');
    expect(findEnvironment(file, 'production').protected).toBe(true);
    expect(findSection(runbook, 'create-volume').steps.length).toBeGreaterThan(0);
  });

  it('refuses the unknown with a configuration error naming what there is', () => {
    expect(() => findRunbook(file, 'restore-volumes')).toThrow(ConfigError);
    expect(() => findRunbook(file, 'restore-volumes')).toThrow(/^unknown runbook "restore-volumes"; the runbooks are: restore-postgres, restore-volume, /);
    expect(() => findEnvironment(file, 'prod')).toThrow('unknown environment "prod"; the environments are: sandbox, staging, production');
    expect(() => findSection(findRunbook(file, 'restore-volume'), 'swap')).toThrow(
      /^runbook "restore-volume" has no section "swap"; its sections are: identify-snapshot, stop-writes, create-volume, /,
    );
  });
});
