/**
 * The HTML pages in a real browser (Debian's chromium through playwright-core): the audit export
 * of a real drill with a crash in it, the evidence report, and the rendered runbook pages of the
 * bundled runbooks.yaml. Each loads from file:// with no console error and no request but its
 * own file; the test checks the elements (and where they are drawn), prints each to PDF, checks
 * nothing overflows an A4 page in print, and keeps a screenshot and the PDF in test/.tmp/browser.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { formatEvidenceHtml } from '../../src/services/evidence-html.js';
import { loadAuditRecord, renderExport, type AuditRecord } from '../../src/state/export/index.js';
import { fakeIO } from '../cli/support/fake-io.js';
import { tempDir } from '../state/support.js';
import { keepArtifacts, launchChromium, loadPage, type Browser } from './support/browser.js';
import { crashedDrill, type CrashedDrill } from './support/crashed-drill.js';
import { evidenceStore, type EvidenceStore } from './support/evidence-store.js';

// The DOM as far as these tests read it inside the page (the project compiles without the DOM library;
// casts only, since callbacks run in the browser and cannot call helpers of this file).
interface Rect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly width: number;
}
interface Node {
  readonly id: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): { readonly length: number };
  getBoundingClientRect(): Rect;
}
interface Window {
  readonly scrollY: number;
  readonly innerHeight: number;
  readonly document: { readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number; readonly scrollHeight: number } };
}

const bundled = resolve(import.meta.dirname, '../../runbooks.yaml');
let browser: Browser;
let dir: string;
let drill: CrashedDrill;
let record: AuditRecord;
let evidence: EvidenceStore;

beforeAll(async () => {
  browser = await launchChromium();
  dir = tempDir('runbook-browser-');
  [drill, evidence] = await Promise.all([crashedDrill(), evidenceStore()]);
  record = loadAuditRecord(drill.store, drill.sessionId);
});
afterAll(async () => {
  await browser?.close();
  drill?.store.close();
  evidence?.store.close();
});

function write(name: string, html: string): string {
  const path = join(dir, name);
  writeFileSync(path, html);
  return pathToFileURL(path).href;
}

/** The page's box of the first element matching `selector`. */
async function box(page: Page, selector: string): Promise<{ left: number; right: number; top: number; width: number }> {
  return page.locator(selector).first().evaluate((element) => {
    const rect = (element as unknown as Node).getBoundingClientRect();
    return { left: rect.left, right: rect.right, top: rect.top, width: rect.width };
  });
}

/** Prints the page (PDF kept), and in print layout at A4 width nothing is wider than the page. */
async function printsCleanly(page: Page, name: string): Promise<void> {
  const { pdf } = await keepArtifacts(page, name);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 794, height: 1123 });
  const overflow = await page.evaluate(() => {
    const root = (globalThis as unknown as Window).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(overflow, `${name} is wider than an A4 page in print`).toBeLessThanOrEqual(0);
  await page.emulateMedia({ media: null });
  await page.setViewportSize({ width: 1200, height: 900 });
}

describe('the audit export in chromium', () => {
  it('shows the summary, a bar per step, the crash and resumes, and the restore window ending with the restore', async () => {
    const { page, problems } = await loadPage(browser, write('export.html', renderExport(record, 'html')));
    expect(await page.locator('h2').first().textContent()).toBe('Summary');
    const rows = await page.locator('table.summary tbody tr').evaluateAll((trs) => (trs as unknown as Node[]).map((tr) => [tr.getAttribute('data-step'), tr.querySelector('td.status')!.textContent]));
    expect(rows).toEqual(record.state.order.map((id) => [id, record.state.steps[id]!.status]));
    const bars = await page.locator('svg.timeline rect.bar').evaluateAll((rects) => (rects as unknown as Node[]).map((rect) => [rect.getAttribute('data-step'), rect.getBoundingClientRect().width] as const));
    expect(bars.map(([step]) => step)).toEqual([...record.state.order]);
    for (const [step, width] of bars) expect(width, `bar of ${step}`).toBeGreaterThan(0);
    expect(await page.locator('svg.timeline .marker-crash').count()).toBe(1);
    expect(await page.locator('svg.timeline .marker-resume').count()).toBe(2);
    expect(await page.locator('svg.timeline .marker-interrupt').count()).toBe(1);
    expect(await page.locator('svg.timeline .gap-crashed').count()).toBe(1);
    // The restore window runs from the session's start to where the restore step's bar ends.
    const restore = await box(page, 'svg.timeline rect.bar[data-step="write"]');
    const rtoEnd = await box(page, 'svg.timeline line.rto-end');
    expect(Math.abs(rtoEnd.left + rtoEnd.width / 2 - restore.right)).toBeLessThan(1.5);
    const band = await box(page, 'svg.timeline rect.restore-window-band');
    expect(Math.abs(band.left - (await box(page, 'svg.timeline rect.bar[data-step="announce"]')).left)).toBeLessThan(1.5);
    expect(await page.locator('svg.timeline text.rto-label').textContent()).toBe('restore window · RTO 24 min 00 s');
    // The crash is drawn between the restore's intent and its completion.
    const crash = await box(page, 'svg.timeline .marker-crash line');
    expect(crash.left).toBeGreaterThan(restore.left);
    expect(crash.left).toBeLessThan(restore.right);
    expect(await page.locator('table.events tbody tr').count()).toBe(record.events.length);
    await printsCleanly(page, 'export');
    expect(problems).toEqual([]);
  });
});

describe('the evidence report in chromium', () => {
  it('charts the drills over time and the freshness against the schedule', async () => {
    const { report, history } = evidence.gather();
    const { page, problems } = await loadPage(browser, write('evidence.html', formatEvidenceHtml(report, history)));
    expect(await page.locator('svg.rto-chart g.drill-point').count()).toBe(3);
    expect(await page.locator('svg.gap-chart g.drill-point').count()).toBe(3);
    // Left to right by time; the slower drill drawn higher.
    const points = await page.locator('svg.rto-chart g.drill-point circle').evaluateAll((circles) => (circles as unknown as Node[]).map((circle) => circle.getBoundingClientRect()).map((rect) => ({ x: rect.left, y: rect.top })));
    expect(points[0]!.x).toBeLessThan(points[1]!.x);
    expect(points[1]!.x).toBeLessThan(points[2]!.x);
    expect(points[2]!.y).toBeLessThan(points[0]!.y);
    // The stale asset's bar runs past the schedule line, the fresh one's stops before it.
    const schedule = await box(page, 'svg.freshness-chart line.schedule');
    expect((await box(page, 'svg.freshness-chart rect.age-bar.stale')).right).toBeGreaterThan(schedule.left);
    expect((await box(page, 'svg.freshness-chart rect.age-bar.fresh')).right).toBeLessThan(schedule.left);
    await printsCleanly(page, 'evidence');
    expect(problems).toEqual([]);
  });
});

describe('the runbook pages in chromium', () => {
  it('every page loads clean; every section is an anchor holding its start command; alert links land on their section', async () => {
    const file = loadRunbooksFile(bundled).file;
    const site = join(dir, 'site');
    mkdirSync(site);
    const io = fakeIO({ cwd: dir });
    expect(await main(['render', '--file', bundled, '--output', site], io)).toBe(0);
    expect(readdirSync(site)).toHaveLength(file.runbooks.length + 1);

    const index = await loadPage(browser, pathToFileURL(join(site, 'index.html')).href);
    expect(await index.page.locator('table.runbooks tbody tr').count()).toBe(file.runbooks.length);
    await printsCleanly(index.page, 'runbook-index');
    expect(index.problems).toEqual([]);

    for (const runbook of file.runbooks) {
      const { page, problems } = await loadPage(browser, pathToFileURL(join(site, `${runbook.id}.html`)).href);
      const sections = await page.locator('section.rb-section').evaluateAll((elements) =>
        (elements as unknown as Node[]).map((element) => [element.id, element.querySelector('.start-command')!.textContent, element.querySelectorAll('article.step').length]),
      );
      expect(sections).toEqual(runbook.sections.map((section) => [section.id, `runbook start ${runbook.id} --env ENV --at ${section.id}`, section.steps.length]));
      if (runbook.id === 'daily') await printsCleanly(page, 'runbook-daily');
      expect(problems, runbook.id).toEqual([]);
      await page.close();
    }

    // From the index, each alert's link opens its runbook's page scrolled to the section.
    for (const alert of file.alerts) {
      const [runbook, section] = alert.link.split('#') as [string, string];
      await index.page.goto(pathToFileURL(join(site, 'index.html')).href);
      await index.page.locator(`tr[data-alert="${alert.id}"] a`).click();
      await index.page.waitForURL(`**/${runbook}.html#${section}`);
      // At the top of the window, or as near as the page's end lets it come.
      const target = await box(index.page, `section.rb-section[id="${section}"]`);
      const atEnd = await index.page.evaluate(() => {
        const window = globalThis as unknown as Window;
        return window.scrollY > 0 && window.scrollY + window.innerHeight >= window.document.documentElement.scrollHeight - 1;
      });
      expect(Math.abs(target.top) < 2 || (atEnd && target.top > 0 && target.top < 900), `${alert.id}: section top at ${target.top}`).toBe(true);
      expect(await index.page.locator(`section.rb-section[id="${section}"] li.alert[data-alert="${alert.id}"]`).count()).toBe(1);
    }
    expect(index.problems).toEqual([]);
    expect(readFileSync(join(site, 'index.html'), 'utf8')).not.toMatch(/https?:\/\//);
  });
});
