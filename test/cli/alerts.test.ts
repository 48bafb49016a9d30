/** `runbook alerts`: its flags, its output and one-line refusals of bad input (exit 2). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './support/fake-io.js';

const bundled = fileURLToPath(new URL('../../runbooks.yaml', import.meta.url));
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-alerts-cli-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function alerts(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIO({ cwd: directory });
  const code = await main(['alerts', '--file', bundled, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('runbook alerts', () => {
  it('prints a rule file for the bundled alerts, saying how it was generated', async () => {
    const { code, out, err } = await alerts('--format', 'prometheus-rules');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.split('\n')[1]).toBe('#   runbook alerts --format prometheus-rules --runbook-url-base runbooks/ --check-interval 15m');
    const document = parse(out) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
    expect(document.groups.map((group) => group.name)).toEqual(['runbook']);
    expect(document.groups[0]!.rules).toHaveLength(18);
    // --format is the default's only value: the same rules without it.
    expect((await alerts()).out).toBe(out);
  });

  it('writes the rules to --output and says so on standard error', async () => {
    const path = join(directory, 'rules.yml');
    const { code, out, err } = await alerts('--output', path, '--check-interval', '1h', '--runbook-url-base', 'https://docs.example.com/rb/');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toBe(`wrote 18 alerting rules for 6 alerts to ${path}\n`);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('runbook_url: https://docs.example.com/rb/backup-schedule.html#wal-archive');
    // WAL: 15m of bound plus the hour between runs.
    expect(text).toContain('(runbook_asset_freshness_timestamp_seconds{asset="postgres-wal-archive"}) > 4500');
  });

  it('documents its flags in --help', async () => {
    const io = fakeIO({ cwd: directory });
    expect(await main(['alerts', '--help'], io)).toBe(0);
    for (const flag of ['--format prometheus-rules', '--runbook-url-base URL', '--check-interval DURATION', '--output FILE', 'runbook_url', 'runbook_command']) {
      expect(io.out()).toContain(flag);
    }
  });

  it.each([
    [['--format', 'nagios'], 'unknown alerts format "nagios"; use --format prometheus-rules'],
    [['--check-interval', 'soon'], '--check-interval "soon" is not a duration; give how often cron runs "runbook check --prom", e.g. 15m or 1h'],
    [['--check-interval', '0s'], '--check-interval "0s" is not a duration'],
    [['--runbook-url-base', 'https://docs example/'], '--runbook-url-base "https://docs example/" holds a space'],
    [['--output', join(tmpdir(), 'no-such-directory-for-runbook', 'rules.yml')], 'cannot write'],
    [['extra'], 'unexpected argument "extra"'],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const { code, out, err } = await alerts(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  });

  it('refuses a broken runbooks file naming its line', async () => {
    const broken = join(directory, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nenvironments: {}\nrunbooks: []\nalerts:\n  - id: x\n    link: nowhere\n');
    const io = fakeIO({ cwd: directory });
    expect(await main(['alerts', '--file', broken], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/broken\.yaml:\d+:\d+/);
  });
});
