/**
 * Shell completion, run for real: the built binary prints the bash script, a real bash (no
 * bash-completion package, --norc) sources it and calls its completion function the way bash
 * does on Tab (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT), and the test reads COMPREPLY.
 * The values come from the binary itself (`runbook completion --list`), from a real session
 * database and real runbooks files. fish is asked for its completions (`complete -C`); zsh's
 * script is checked by `zsh -n`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands, findCommand } from '../../src/cli/commands.js';
import { globalOptions } from '../../src/cli/main.js';
import { openEventStore } from '../../src/state/event-store.js';
import { newEvent } from '../../src/state/events.js';
import { sessionStarted } from '../state/generated-events.js';
import { binary, requireBinary } from './support/session-db.js';

const bundledFile = fileURLToPath(new URL('../../runbooks.yaml', import.meta.url));
const fixtureFile = fileURLToPath(new URL('../runbooks/fixtures/base.yaml', import.meta.url));
const bundled = yaml.load(readFileSync(bundledFile, 'utf8')) as {
  environments: Record<string, unknown>;
  runbooks: Array<{ id: string; sections: Array<{ id: string }> }>;
};

/** Text found only in pg, the AWS SDK and React's renderer (Ink). */
const HEAVY_MARKERS = ['pg-protocol', 'aws-sdk-js', 'react-reconciler'];

let work: string;
let bin: string;
/** Interrupted sessions (resumable), newest first, and one aborted. */
const interrupted = ['S-0003', 'S-0002', 'S-0001'];
const aborted = 'S-0004';

beforeAll(() => {
  requireBinary();
  work = mkdtempSync(join(tmpdir(), 'runbook-completion-'));
  bin = join(work, 'bin');
  // The scripts run "runbook" as typed on the line: put the built binary on PATH under that name.
  mkdirSync(bin);
  writeFileSync(join(bin, 'runbook'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(binary)} "$@"\n`, { mode: 0o755 });
  writeSessions(join(work, 'sessions.db'));
  mkdirSync(join(work, 'empty'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function writeSessions(path: string): void {
  const store = openEventStore(path);
  try {
    [...interrupted].reverse().forEach((id, index) => {
      store.append(id, [sessionStarted()], { expectedLastSeq: 0, actor: 'gen@host', at: new Date(Date.UTC(2024, 4, 1, 10, index)).toISOString() });
    });
    const at = new Date(Date.UTC(2024, 4, 1, 11)).toISOString();
    store.append(aborted, [sessionStarted()], { expectedLastSeq: 0, actor: 'gen@host', at });
    store.append(aborted, [newEvent('SessionAborted', null, { reason: 'a test' })], { expectedLastSeq: 1, actor: 'gen@host', at });
  } finally {
    store.close();
  }
}

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: work,
    RUNBOOK_DB: join(work, 'sessions.db'),
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * What bash's completion function offers for `line` (the cursor at its end): bash splits the
 * words as it does for completion (on blanks, and around "=" after a flag), calls the function
 * registered for "runbook" with its three arguments, and prints COMPREPLY one per line.
 */
function bashComplete(line: string, extra: Record<string, string> = {}): string[] {
  const script = `
set -u
source <(runbook completion bash)
spec=$(complete -p runbook) || exit 3
[[ $spec == *"-F _runbook runbook"* ]] || { echo "registered as: $spec" >&2; exit 4; }
COMP_LINE=$1
COMP_POINT=\${#COMP_LINE}
COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'
read -r -a COMP_WORDS <<< "\${COMP_LINE//=/ = }"
[[ $COMP_LINE == *[[:space:]] ]] && COMP_WORDS+=('')
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
_runbook runbook "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]:-}"
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', line], {
    cwd: join(work, 'empty'),
    env: environment(extra),
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr, `bash said: ${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter((word) => word !== '');
}

const contractCommands = commands.map((command) => command.name).filter((name) => name !== 'home');
const flagsOf = (name: string) => {
  const spec = findCommand(name)!;
  return [...Object.keys(spec.options), ...Object.keys(globalOptions)].map((option) => `--${option}`);
};

describe('bash completion (a real bash running the generated function)', () => {
  test('after "runbook ": every command of the contract', () => {
    expect(bashComplete('runbook ')).toEqual(contractCommands);
    expect(bashComplete('runbook se')).toEqual(contractCommands.filter((name) => name.startsWith('se')));
  });

  test('after "runbook start --": the flags of start, and the global ones', () => {
    expect(bashComplete('runbook start --')).toEqual(flagsOf('start'));
    expect(bashComplete('runbook run --re')).toEqual(['--resume']);
    // A short spelling follows its long one.
    expect(bashComplete('runbook export -')).toEqual(['--format', '--output', '-o', '--file', '--db', '--store', '--help', '-h', '--version']);
  });

  test('after "runbook start ": the runbook ids of the runbooks file', () => {
    expect(bashComplete('runbook start ')).toEqual(bundled.runbooks.map((runbook) => runbook.id));
    expect(bashComplete('runbook check res')).toEqual(bundled.runbooks.map((runbook) => runbook.id).filter((id) => id.startsWith('res')));
  });

  test('after "--env ": the environments, with the value after "=" too', () => {
    const environments = Object.keys(bundled.environments);
    expect(environments.length).toBeGreaterThan(1);
    expect(bashComplete('runbook start restore-volume --env ')).toEqual(environments);
    expect(bashComplete('runbook check daily --env st')).toEqual(environments.filter((name) => name.startsWith('st')));
    expect(bashComplete('runbook check daily --env=st')).toEqual(environments.filter((name) => name.startsWith('st')));
  });

  test('after "--at ": the sections of the runbook on the line', () => {
    const restorePostgres = bundled.runbooks.find((runbook) => runbook.id === 'restore-postgres')!;
    expect(bashComplete('runbook start restore-postgres --drill --at ')).toEqual(restorePostgres.sections.map((section) => section.id));
  });

  test('after "runbook resume ": the interrupted sessions of the database, newest first', () => {
    expect(bashComplete('runbook resume ')).toEqual(interrupted);
    expect(bashComplete('runbook run --resume S-000')).toEqual(interrupted);
    // export and verify take any session, finished ones too.
    expect(bashComplete('runbook export ')).toEqual([aborted, ...interrupted]);
  });

  test('--file and --db on the line choose the files the values come from', () => {
    const other = join(work, 'other.db');
    expect(bashComplete(`runbook --db ${other} resume `)).toEqual([]);
    expect(bashComplete(`runbook --file ${fixtureFile} start `)).toEqual(['restore-volume', 'daily-checks']);
    expect(bashComplete(`runbook start --file=${fixtureFile} --env `)).toEqual(['staging', 'production']);
    expect(bashComplete('runbook start ', { RUNBOOK_FILE: fixtureFile })).toEqual(['restore-volume', 'daily-checks']);
  });

  test('fixed words: formats, sandbox actions, shells', () => {
    expect(bashComplete('runbook export S-0001 --format ')).toEqual(['md', 'json', 'html']);
    expect(bashComplete('runbook sandbox ')).toEqual(['up', 'down', 'status']);
    expect(bashComplete('runbook completion ')).toEqual(['bash', 'zsh', 'fish']);
  });

  test('a value that is not a plain word is never offered, and nothing in it runs', () => {
    const hostile = join(work, 'hostile.yaml');
    const marker = join(work, 'pwned');
    writeFileSync(hostile, `version: 1\nenvironments:\n  "$(touch ${marker})": {}\n  "a b": {}\n  fine: {}\nrunbooks: []\n`);
    expect(bashComplete(`runbook --file ${hostile} start x --env `)).toEqual(['fine']);
    expect(existsSync(marker)).toBe(false);
  });

  test('a missing or broken runbooks file offers nothing and prints nothing', () => {
    const broken = join(work, 'broken.yaml');
    writeFileSync(broken, 'runbooks: [\n');
    expect(bashComplete(`runbook --file ${broken} start `)).toEqual([]);
    expect(bashComplete(`runbook --file ${join(work, 'absent.yaml')} start `)).toEqual([]);
  });
});

describe('runbook completion', () => {
  function cli(args: string[], extra: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [binary, ...args], { cwd: join(work, 'empty'), env: environment(extra), encoding: 'utf8' });
    return { code: result.status, out: result.stdout, err: result.stderr };
  }

  test('refuses a shell it has no script for, in one line, exit 2', () => {
    expect(cli(['completion', 'tcsh'])).toEqual({ code: 2, out: '', err: 'runbook: unknown shell "tcsh": usage: runbook completion bash|zsh|fish\n' });
    expect(cli(['completion'])).toEqual({ code: 2, out: '', err: 'runbook: name the shell: usage: runbook completion bash|zsh|fish\n' });
    expect(cli(['completion', '--list', 'hosts']).code).toBe(2);
  });

  test('--list prints one value a line', () => {
    expect(cli(['completion', '--list', 'resumable'])).toEqual({ code: 0, out: interrupted.map((id) => `${id}\n`).join(''), err: '' });
    expect(cli(['completion', '--list', 'sections', 'restore-volume', '--file', fixtureFile]).out).toBe('prepare\nrestore\n');
  });

  test('--list loads neither pg nor the AWS SDK nor the screens (the shell waits for it on every Tab)', () => {
    // A module loader hook that names every module the process loads.
    const hook = join(work, 'hook.mjs');
    const loader = `export async function load(url, context, next) { process._rawDebug('loaded ' + url); return next(url, context); }`;
    writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(loader)}));\n`);
    for (const kind of ['runbooks', 'sessions']) {
      const result = spawnSync(process.execPath, ['--import', hook, binary, 'completion', '--list', kind], { cwd: join(work, 'empty'), env: environment(), encoding: 'utf8' });
      expect(result.status).toBe(0);
      const loaded = result.stderr.split('\n').filter((line) => line.startsWith('loaded file:')).map((line) => fileURLToPath(line.slice('loaded '.length)));
      expect(loaded.some((path) => path.includes('/completion'))).toBe(true);
      // The bundle inlines pg, the AWS SDK and Ink into chunks; each says what it is.
      const heavy = loaded.flatMap((path) => HEAVY_MARKERS.filter((marker) => readFileSync(path, 'utf8').includes(marker)).map((marker) => `${path}: ${marker}`));
      expect(heavy).toEqual([]);
    }
    // The markers are in the bundle, so the check above could fail.
    const chunks = readdirSync(join(dirname(binary), 'chunks')).map((name) => readFileSync(join(dirname(binary), 'chunks', name), 'utf8'));
    for (const marker of HEAVY_MARKERS) expect(chunks.some((text) => text.includes(marker)), marker).toBe(true);
  });

  test('zsh: the script names every command and flag, and zsh -n accepts it', () => {
    const script = cli(['completion', 'zsh']).out;
    for (const name of contractCommands) expect(script).toContain(`'${name}:`);
    for (const flag of flagsOf('run')) expect(script).toContain(flag);
    expect(shellAvailable('zsh'), 'zsh is not installed: apt-get install zsh (scripts/install-test-deps.sh does)').toBe(true);
    const scriptFile = join(work, '_runbook');
    writeFileSync(scriptFile, script);
    const checked = spawnSync('zsh', ['-n', scriptFile], { encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  test('fish: fish -n accepts the script, and fish completes commands, flags, runbook ids, environments and sessions with it', () => {
    expect(shellAvailable('fish'), 'fish is not installed: apt-get install fish (scripts/install-test-deps.sh does)').toBe(true);
    const script = cli(['completion', 'fish']).out;
    const scriptFile = join(work, 'runbook.fish');
    writeFileSync(scriptFile, script);
    const checked = spawnSync('fish', ['--no-config', '-n', scriptFile], { encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const fishComplete = (line: string) => {
      const result = spawnSync('fish', ['--no-config', '-c', `source ${scriptFile}; complete -C ${fishString(line)}`], {
        cwd: join(work, 'empty'),
        env: environment(),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter((entry) => entry !== '').map((entry) => entry.split('\t')[0]!);
    };
    expect(fishComplete('runbook ')).toEqual(expect.arrayContaining(contractCommands));
    expect(fishComplete('runbook start --')).toEqual(expect.arrayContaining(flagsOf('start')));
    expect(fishComplete('runbook start ').sort()).toEqual(bundled.runbooks.map((runbook) => runbook.id).sort());
    expect(fishComplete('runbook start restore-volume --env ').sort()).toEqual(Object.keys(bundled.environments).sort());
    expect(fishComplete('runbook resume ').sort()).toEqual([...interrupted].sort());
  });
});

function shellAvailable(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0']).status === 0;
}

function fishString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
