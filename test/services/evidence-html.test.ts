/**
 * `runbook evidence --format html`: drills of a real session database charted over time (RTO and
 * recovery-point gap per drill), each asset's newest backup age against its schedule, and the
 * flag through the command. test/browser loads the same page in chromium.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatEvidenceHtml } from '../../src/services/evidence-html.js';
import { evidenceStore, type EvidenceStore } from '../browser/support/evidence-store.js';
import { fakeIO } from '../cli/support/fake-io.js';

let evidence: EvidenceStore;
let html: string;

beforeAll(async () => {
  evidence = await evidenceStore();
  const { report, history } = evidence.gather();
  html = formatEvidenceHtml(report, history);
});
afterAll(() => {
  evidence?.store.close();
  rmSync(evidence.dir, { recursive: true, force: true });
});

/** The attributes of every element of `tag` whose class list starts with `classes`. */
function elements(source: string, tag: string, classes: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of source.matchAll(new RegExp(`<${tag} class="${classes}[^"]*"[^>]*>`, 'g'))) {
    found.push(Object.fromEntries([...match[0].matchAll(/([\w-]+)="([^"]*)"/g)].map((attribute) => [attribute[1]!, attribute[2]!])));
  }
  return found;
}

function chart(measure: 'rto' | 'gap'): string {
  const start = html.indexOf(`<svg class="drill-chart ${measure}-chart" data-runbook="verify-db"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</svg>', start));
}

describe('the evidence page', () => {
  it("charts each drill's RTO over time: measured ones at their height, the failed one on the baseline", () => {
    const points = elements(chart('rto'), 'g', 'drill-point');
    expect(points.map((point) => [point['data-session'], point.class, point['data-value-ms']])).toEqual([
      [evidence.drills.first, 'drill-point drill-passed', '300000'],
      [evidence.drills.failed, 'drill-point drill-failed not-measured', undefined],
      [evidence.drills.slower, 'drill-point drill-passed', '540000'],
    ]);
    // Over time: a week apart, left to right; the slower drill sits higher (smaller y).
    const centres = [...chart('rto').matchAll(/<g class="drill-point[^>]*>.*?<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((match) => [Number(match[1]), Number(match[2])] as const);
    expect(centres).toHaveLength(3);
    expect(centres[0]![0]).toBeLessThan(centres[1]![0]);
    expect(centres[1]![0]).toBeLessThan(centres[2]![0]);
    expect(centres[2]![1]).toBeLessThan(centres[0]![1]);
    expect(chart('rto')).toContain('RTO 9 min 00 s');
  });

  it('charts the recovery-point gap to the target per drill', () => {
    const points = elements(chart('gap'), 'g', 'drill-point');
    expect(points.map((point) => point['data-value-ms'])).toEqual(['30000', undefined, '300000']);
    expect(chart('gap')).toContain('recovery point 2026-03-01T09:55:00.000Z, 5 min 00 s before the target');
  });

  it("draws each asset's newest backup age against its frequency", () => {
    const bars = elements(html, 'rect', 'age-bar');
    expect(bars.map((bar) => [bar.class, bar['data-age-ms'], bar['data-max-age-ms']])).toEqual([
      ['age-bar fresh', String(11 * 3_600_000), '86400000'],
      ['age-bar stale', String(60 * 3_600_000), '86400000'],
    ]);
    // Widths in proportion to the age over the frequency: 11 h of 1 d, and 60 h of 1 d.
    expect(Number(bars[1]!.width) / Number(bars[0]!.width)).toBeCloseTo(60 / 11, 1);
    expect(html).toContain('60 h 00 min old of 1d · STALE');
    expect(html).toMatch(/<g class="asset-row" data-asset="never-checked">.*never checked/);
    expect(html).toContain('<line class="schedule"');
  });

  it('keeps the tables of the text report, says what is overdue, and fetches nothing', () => {
    expect(html).toContain('<table class="restore-tests">');
    expect(html).toContain('<td class="overdue">STALE 60 h 00 min old (max 1d)</td>');
    expect(html).toContain('OVERDUE: a restore test is overdue or a backup is older than its frequency');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use)\b/i);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=|url\(|@import|@font-face/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toContain('Tok3n-very-secret-value');
  });
});

describe('runbook evidence --format', () => {
  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'runbook-evidence-format-'));
    file = join(directory, 'runbooks.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'environments: { local: {} }',
        'assets: [{ id: backups, name: Backups, frequency: 1d, restoreTest: restore-test }]',
        'runbooks:',
        '  - id: restore-test',
        '    title: Restore test',
        '    summary: The weekly restore test.',
        '    cadence: weekly',
        '    sections: [{ id: restore, title: Restore, steps: [{ id: restore, kind: manual, title: Restore it, do: Restore., drill: { restoreEnds: true } }] }]',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const run = async (...args: string[]) => {
    const io = fakeIO({ cwd: directory });
    const code = await main(['evidence', '--file', file, '--db', join(directory, 'sessions.db'), ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  it('html is the page, with the same exit code as the text report', async () => {
    const page = await run('--format', 'html');
    expect(page.code).toBe(1);
    expect(page.out.startsWith('<!doctype html>')).toBe(true);
    expect(page.out).toContain('<h3>Restore test <code>restore-test</code></h3>');
    expect(page.out).toContain('No drill recorded.');
    expect(page.out).toMatch(/<g class="asset-row" data-asset="backups">.*never checked/);
    expect((await run()).code).toBe(1);
  });

  it('json is --json, unchanged; a bad or contradictory format is a one-line usage error', async () => {
    const strip = (text: string) => ({ ...JSON.parse(text), generatedAt: null });
    expect(strip((await run('--format', 'json')).out)).toEqual(strip((await run('--json')).out));
    expect(await run('--format', 'pdf')).toMatchObject({ code: 2, out: '', err: 'runbook: unknown evidence format "pdf"; use text, json or html\n' });
    expect(await run('--json', '--format', 'html')).toMatchObject({ code: 2, out: '', err: 'runbook: --json and --format html disagree; give one of them\n' });
  });
});
