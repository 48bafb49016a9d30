/**
 * Exit codes scripts can trust: a bug exits 70, never 1 (which means a check failed), in one line
 * without a stack trace, whether it is thrown inside a command or escapes every command; and
 * `--help` lists every code. The built binary, with a fault planted through node's --import.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtBinary, repoRoot } from '../support/tmux.js';

function run(args: readonly string[], preload?: string) {
  const node = preload ? ['--import', `data:text/javascript,${encodeURIComponent(preload)}`] : [];
  return spawnSync(process.execPath, [...node, builtBinary, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 30_000 });
}

describe('exit codes', () => {
  it('a bug inside a command exits 70 with one line and no stack trace', () => {
    const result = run(['list', '--json'], 'JSON.stringify = () => { throw new TypeError("planted bug") }');
    expect(result.status).toBe(70);
    expect(result.stderr).toContain('runbook: internal error (this is a bug in runbook, please report it): planted bug');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bug that escapes every command (a throw in a timer) exits 70 too', () => {
    const result = run(['sandbox', 'status', '--file', 'runbooks.yaml'], 'setTimeout(() => { throw new Error("late bug") }, 30)');
    expect(result.status).toBe(70);
    expect(result.stderr).toContain('runbook: internal error (this is a bug in runbook, please report it): late bug');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help lists every exit code', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    for (const text of ['0 success', '1 a check, drill or verification failed', '2 usage or configuration error', '70 an internal error', '130 left unfinished']) {
      expect(result.stdout).toContain(text);
    }
  });
});
