/**
 * Runs the BUILT binary (`node dist/runbook.js …`) in a real pseudo-terminal under tmux, so
 * end-to-end tests see exactly what an operator sees. Each session has its own tmux server
 * (a private socket in a temp directory), so tests never share or leak state; `close()` kills it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root and the built entry point the tests drive. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const builtBinary = join(repoRoot, 'dist', 'runbook.js');

const tmuxBinary = '/usr/bin/tmux';
/** Longer than the session screen's KEY_SETTLE_MS (src/ui/hooks/use-key-gate.ts). */
const LOOK_MS = 80;
const sessionName = 'e2e';

export interface TerminalOptions {
  /** Arguments after `node dist/runbook.js`; each is one argv element, never parsed by a shell. */
  readonly args?: readonly string[];
  /** Extra environment for the program (added to the test's own). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly columns?: number;
  readonly rows?: number;
  /**
   * Run the program as if on another machine: in a UTS namespace of its own (unshare, as root)
   * whose hostname is this, so locks and actors name that host.
   */
  readonly host?: string;
}

export interface Terminal {
  /** Sends named keys (`Enter`, `Down`, `Escape`, `C-c`) or plain characters, one key per argument. */
  sendKeys(...keys: string[]): Promise<void>;
  /** Types `text` literally. */
  type(text: string): Promise<void>;
  /** The visible screen, as text; with `escapes`, keeping colour and style escape sequences. */
  screen(options?: { escapes?: boolean }): Promise<string>;
  /**
   * Everything the pane holds, scrollback included. Read this after the program exits: tmux's
   * "Pane is dead" line scrolls the top line of the screen into the scrollback.
   */
  transcript(): Promise<string>;
  /** Resolves to the screen once it contains `text`; rejects with the last screen after `timeoutMs`. */
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  /** Resolves once the screen no longer contains `text`. */
  waitForTextGone(text: string, timeoutMs?: number): Promise<string>;
  /**
   * Resolves once the program reads keys one at a time (its terminal is in raw mode). Ink turns
   * raw mode on just after its first frame; a key sent before that waits in the line buffer.
   */
  waitForKeyboard(timeoutMs?: number): Promise<void>;
  /** Resolves to the program's exit code once it has exited. */
  waitForExit(timeoutMs?: number): Promise<number>;
  /** The pid of the program (node) in the pane, e.g. to kill -9 it; the pane's own process is a wrapper shell. */
  panePid(): Promise<string>;
  /** Kills the tmux server and removes its socket directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Fails with what to do when the harness cannot run: no tmux, or no build. */
export function assertCanRunTerminal(): void {
  if (!existsSync(tmuxBinary)) throw new Error(`end-to-end tests need tmux at ${tmuxBinary}: install it (apt-get install tmux)`);
  if (!existsSync(builtBinary)) throw new Error(`end-to-end tests drive the built binary ${builtBinary}: run "npm run build" first`);
}

/** Starts `node dist/runbook.js ...args` in a fresh tmux server with a pane of `columns`×`rows`. */
export async function openTerminal(options: TerminalOptions = {}): Promise<Terminal> {
  assertCanRunTerminal();
  const directory = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
  const socket = join(directory, 'socket');
  const exitFile = join(directory, 'exit-status');
  const config = join(directory, 'tmux.conf');
  // remain-on-exit keeps the pane (and its last frame) after the program ends; escape-time 0
  // delivers Escape at once instead of waiting for a possible escape sequence.
  writeFileSync(config, ['set -g remain-on-exit on', 'set -g escape-time 0', 'set -g status off', 'set -g history-limit 2000', ''].join('\n'));

  const tmux = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(tmuxBinary, ['-S', socket, '-f', config, ...args], {
      env: { ...process.env, ...options.env },
    });
    return stdout;
  };

  await tmux(
    'new-session',
    '-d',
    '-s',
    sessionName,
    '-x',
    String(options.columns ?? 100),
    '-y',
    String(options.rows ?? 30),
    '-c',
    options.cwd ?? repoRoot,
    // Several arguments after the options: tmux runs them as argv (execvp). The wrapper shell
    // records the program's exit status in a file, because tmux's own pane_dead_status is
    // sometimes never filled in; its script is fixed, and every argument stays one argv element.
    'sh',
    '-c',
    '"$@"; printf %s "$?" > "$0"',
    exitFile,
    ...(options.host ? ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', options.host] : []),
    process.execPath,
    builtBinary,
    ...(options.args ?? []),
  );

  let closed = false;
  const screen = (screenOptions: { escapes?: boolean } = {}) =>
    tmux('capture-pane', '-p', ...(screenOptions.escapes ? ['-e'] : []), '-t', sessionName);
  const exitStatus = async (): Promise<number | undefined> => {
    try {
      const text = readFileSync(exitFile, 'utf8');
      return text === '' ? undefined : Number(text);
    } catch {
      return undefined;
    }
  };

  const poll = async <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) {
        // Like an operator, look at what appeared before pressing the next key: the session
        // screen drops keys that come before a change has been on screen (KEY_SETTLE_MS).
        await new Promise((resolveDelay) => setTimeout(resolveDelay, LOOK_MS));
        return found;
      }
      if (Date.now() > deadline) {
        const last = await screen().catch((error: Error) => `(no screen: ${error.message})`);
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
      }
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 25));
    }
  };

  return {
    async sendKeys(...keys) {
      await tmux('send-keys', '-t', sessionName, ...keys);
    },
    async type(text) {
      await tmux('send-keys', '-t', sessionName, '-l', text);
    },
    screen,
    transcript: () => tmux('capture-pane', '-p', '-S', '-', '-t', sessionName),
    waitForText(text, timeoutMs = 5000) {
      return poll(JSON.stringify(text), timeoutMs, async () => {
        const current = await screen();
        return current.includes(text) ? current : undefined;
      });
    },
    waitForTextGone(text, timeoutMs = 5000) {
      return poll(`${JSON.stringify(text)} to disappear`, timeoutMs, async () => {
        const current = await screen();
        return current.includes(text) ? undefined : current;
      });
    },
    async waitForKeyboard(timeoutMs = 5000) {
      const tty = (await tmux('display-message', '-p', '-t', sessionName, '#{pane_tty}')).trim();
      await poll('the program to read the keyboard (raw mode)', timeoutMs, async () => {
        const { stdout } = await run('stty', ['-F', tty, '-a']);
        return /(^|\s)-icanon(\s|$)/.test(stdout) ? true : undefined;
      });
    },
    waitForExit(timeoutMs = 5000) {
      return poll('the program to exit', timeoutMs, exitStatus);
    },
    async panePid() {
      // The pane runs the wrapper shell; the program is its only child.
      const shell = (await tmux('list-panes', '-t', sessionName, '-F', '#{pane_pid}')).trim();
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', shell]);
      const program = stdout.trim().split(/\s+/)[0];
      if (!program) throw new Error(`the program in the pane (shell ${shell}) has no process: it has exited`);
      return program;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tmux('kill-server').catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
