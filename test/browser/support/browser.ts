/**
 * Debian's chromium driven by playwright-core, for the HTML tests: a fresh profile per launch, no
 * network services of its own, and every console error, page error, failed or non-file request
 * of a loaded page collected so a test can require there are none.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Where screenshots and PDFs are kept (gitignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '../../.tmp/browser');

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches chromium headless with a fresh profile; a clear error naming the package when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium; scripts/install-test-deps.sh does)`);
  const profile = mkdtempSync(join(tmpdir(), 'runbook-chromium-'));
  // As root chromium needs --no-sandbox; the rest keeps it from reaching out on its own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface LoadedPage {
  readonly page: Page;
  /** Console errors, page errors, failed requests and requests for anything but the file itself. */
  readonly problems: string[];
}

/** Opens `url` in a new tab and waits for its load event. */
export async function loadPage(browser: Browser, url: string): Promise<LoadedPage> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file://')) problems.push(`request for something else than the file: ${request.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Keeps a full-page screenshot and the printed PDF of `page` under ARTIFACTS; returns their paths and the PDF. */
export async function keepArtifacts(page: Page, name: string): Promise<{ screenshot: string; pdfPath: string; pdf: Buffer }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const screenshot = join(ARTIFACTS, `${name}.png`);
  const pdfPath = join(ARTIFACTS, `${name}.pdf`);
  await page.screenshot({ path: screenshot, fullPage: true });
  const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  process.stdout.write(`kept ${screenshot} and ${pdfPath}\n`);
  return { screenshot, pdfPath, pdf };
}
