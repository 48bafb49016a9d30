/**
 * A reader that stops early (`runbook export S | head -1`) closes the pipe while the built binary
 * is still writing: it ends quietly with its own exit code, nothing on stderr, no stack trace.
 * The outputs are far larger than a pipe's buffer (64 KiB), so the writes after the reader left
 * do fail with EPIPE.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, requireBinary, writeSessions } from './support/session-db.js';

let dir: string;
let longSession: string;
let manySessions: string;

beforeAll(() => {
  requireBinary();
  dir = mkdtempSync(join(tmpdir(), 'runbook-closed-pipe-'));
  longSession = join(dir, 'long.db');
  manySessions = join(dir, 'many.db');
  writeSessions(longSession, 1, 3_000);
  writeSessions(manySessions, 800, 1);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', NO_COLOR: '1' };

/** `runbook ARGS 2>err | READER`, through bash: the runbook's own exit status, its stderr, and what the reader printed. */
function pipeline(args: readonly string[], reader: string): { code: number; err: string; read: string } {
  const errFile = join(dir, 'stderr.txt');
  const script = `"$@" 2>"$ERR_FILE" | ${reader}; exit "\${PIPESTATUS[0]}"`;
  const result = spawnSync('bash', ['-c', script, 'pipeline', process.execPath, binary, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...env, ERR_FILE: errFile },
    timeout: 30_000,
  });
  return { code: result.status ?? -1, err: readFileSync(errFile, 'utf8'), read: result.stdout };
}

describe('writing into a closed pipe', () => {
  it('export S | head -1 ends quietly with exit 0', () => {
    const full = spawnSync(process.execPath, [binary, 'export', 'S-0001', '--db', longSession], { encoding: 'utf8', env });
    expect(full.stdout.length).toBeGreaterThan(256 * 1024);
    expect(pipeline(['export', 'S-0001', '--db', longSession], 'head -1')).toEqual({ code: 0, err: '', read: '# Generated: session S-0001\n' });
  });

  it('export --format json | head -c 10 ends quietly with exit 0', () => {
    expect(pipeline(['export', 'S-0001', '--format', 'json', '--db', longSession], 'head -c 10')).toEqual({ code: 0, err: '', read: '{\n "format' });
  });

  it('sessions --json | head -c 10 ends quietly with exit 0', () => {
    const full = spawnSync(process.execPath, [binary, 'sessions', '--all', '--json', '--db', manySessions], { encoding: 'utf8', env });
    expect(full.stdout.length).toBeGreaterThan(128 * 1024);
    expect(pipeline(['sessions', '--all', '--json', '--db', manySessions], 'head -c 10')).toEqual({ code: 0, err: '', read: '{\n  "sessi' });
  });

  it('a reader that closes its end after the first chunk: exit 0, nothing on stderr', async () => {
    const child = spawn(process.execPath, [binary, 'export', 'S-0001', '--format', 'html', '--db', longSession], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
