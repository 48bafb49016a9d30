/**
 * `runbook render`: a page per runbook of the bundled runbooks.yaml and an index, an anchor per
 * section (`<runbook>.html#<section>`) with its steps as written, its checks, the alerts that
 * open it and the command that starts there; every link resolves, nothing is fetched, and
 * `${VAR}` references and templates stay as written. test/browser loads the pages in chromium.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunbooksFile } from '../../src/runbooks/load.js';
import { RunbooksFile, type Step } from '../../src/runbooks/schema.js';
import { renderRunbookPages } from '../../src/render/runbook-pages.js';
import { escapeHtml } from '../../src/state/export/html-document.js';
import { fakeIO } from '../cli/support/fake-io.js';

const bundled = resolve(import.meta.dirname, '../../runbooks.yaml');
const file = loadRunbooksFile(bundled).file;
let directory: string;
let pages: Map<string, string>;
let stdout: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'runbook-render-'));
  // Values for the file's references: a page must show the reference, never a value.
  const io = fakeIO({ cwd: directory, env: { STAGING_PG_PASSWORD: 'stg-Pg-Pass-4242', PROD_PG_PASSWORD: 'prod-Pg-Pass-4242', PROD_WALG_LIBSODIUM_KEY: 'walg-Key-4242' } });
  const code = await main(['render', '--file', bundled, '--output', 'site'], io);
  expect({ code, err: io.err() }).toEqual({ code: 0, err: '' });
  stdout = io.out();
  pages = new Map(readdirSync(join(directory, 'site')).map((name) => [name, readFileSync(join(directory, 'site', name), 'utf8')]));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The markup of one section of a runbook's page. */
function section(runbook: string, id: string): string {
  const page = pages.get(`${runbook}.html`)!;
  const start = page.indexOf(`<section class="rb-section" id="${id}"`);
  expect(start, `${runbook}#${id}`).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</section>', start));
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('runbook render', () => {
  it('writes index.html and one page per runbook, and says where', () => {
    expect([...pages.keys()].sort()).toEqual(['index.html', ...file.runbooks.map((runbook) => `${runbook.id}.html`)].sort());
    expect(stdout).toBe(`wrote ${file.runbooks.length + 1} pages to ${join(directory, 'site')}: index.html and ${file.runbooks.length} runbook pages; a section is at <runbook>.html#<section>\n`);
  });

  it('anchors every section with the command that starts there, and every step with its kind, title and instructions', () => {
    let sections = 0;
    for (const runbook of file.runbooks) {
      for (const { id, steps } of runbook.sections) {
        const markup = section(runbook.id, id);
        expect(markup).toContain(`<code class="start-command">runbook start ${runbook.id} --env ENV --at ${id}</code>`);
        const anchored = [...markup.matchAll(/<article class="step kind-(\w+)" id="([^"]+)"/g)].map((match) => `${match[2]}:${match[1]}`);
        expect(anchored).toEqual(steps.map((step) => `${id}.${step.id}:${step.kind}`));
        for (const step of steps) {
          expect(markup).toContain(`<span class="kind">${step.kind}</span> ${escapeHtml(step.title)} <code>${step.id}</code>`);
          if (step.uses) expect(markup).toContain(`<dt>provider</dt><dd><code>${step.uses}</code></dd>`);
        }
        sections++;
      }
    }
    expect(sections).toBeGreaterThan(30);
  });

  it("shows each step's parameters as written: templates stay templates", () => {
    const withTemplates = (step: Step) => strings(step.with).flatMap((text) => text.match(/\$\{\{[^}]*\}\}/g) ?? []);
    let templates = 0;
    for (const runbook of file.runbooks) {
      for (const { id, steps } of runbook.sections) {
        const markup = section(runbook.id, id);
        for (const step of steps) {
          for (const template of withTemplates(step)) {
            expect(markup, `${runbook.id} ${step.id}`).toContain(`<span class="template">${escapeHtml(template)}</span>`);
            templates++;
          }
        }
      }
    }
    expect(templates).toBeGreaterThan(50);
    expect(section('daily', 'postgres-backups')).toContain('<span class="template">${{ env.vars.backup_bucket }}</span>');
  });

  it('lists under each section the alerts that open it, and links them from the index', () => {
    for (const alert of file.alerts) {
      const [runbook, id] = alert.link.split('#') as [string, string];
      expect(section(runbook, id)).toContain(`<li class="alert" data-alert="${alert.id}"><strong>${escapeHtml(alert.name)}</strong>`);
      expect(pages.get('index.html')).toContain(`<a href="${runbook}.html#${id}">${alert.link}</a>`);
    }
    expect(section('daily', 'postgres-backups')).toContain('<p class="checks">Checks here: ');
  });

  it('keeps ${VAR} references as references and resolves nothing', () => {
    const index = pages.get('index.html')!;
    expect(index).toContain('postgres://runbook:<span class="reference">${STAGING_PG_PASSWORD}</span>@pg-control.staging.internal:5432/control');
    expect(index).toContain('WALG_LIBSODIUM_KEY=<span class="reference">${PROD_WALG_LIBSODIUM_KEY}</span>');
    for (const [name, html] of pages) {
      for (const value of ['stg-Pg-Pass-4242', 'prod-Pg-Pass-4242', 'walg-Key-4242', '[redacted]']) expect(html.includes(value), `${value} in ${name}`).toBe(false);
    }
  });

  it('links only to its own pages and anchors, all of which exist; fetches nothing', () => {
    let links = 0;
    for (const [name, html] of pages) {
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('@media print');
      expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use)\b/i);
      expect(html).not.toMatch(/\b(src|xlink:href)\s*=|url\(|@import|@font-face/i);
      expect(html, name).not.toMatch(/https?:\/\//i);
      for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
        const [page = '', anchor] = href!.split('#');
        const target = page === '' ? html : pages.get(page);
        expect(target, `${name}: ${href}`).toBeDefined();
        if (anchor !== undefined) expect(target!.includes(` id="${anchor}"`), `${name}: ${href}`).toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(200);
  });

  it('a path that cannot be a directory is a one-line error naming it', async () => {
    writeFileSync(join(directory, 'taken'), 'x');
    const io = fakeIO({ cwd: directory });
    expect(await main(['render', '--file', bundled, '--output', 'taken'], io)).toBe(2);
    expect(io.err()).toBe(`runbook: cannot create ${join(directory, 'taken')}: EEXIST; choose another --output\n`);
    expect(readFileSync(join(directory, 'taken'), 'utf8')).toBe('x');
  });
});

describe('renderRunbookPages', () => {
  const hostile = RunbooksFile.parse({
    version: 1,
    environments: { lab: {} },
    alerts: [{ id: 'restore-late', name: 'Restore <late>', link: 'drill#restore' }],
    runbooks: [
      {
        id: 'drill',
        title: 'Restore <b>now</b> & "fast"',
        summary: 'a </p><script>alert(1)</script> summary',
        sections: [
          { id: 'prepare', title: 'Prepare', steps: [{ id: 'restore', kind: 'manual', title: 'Get ready', do: '</div><script>x()</script>' }] },
          { id: 'restore', title: 'Restore', steps: [{ id: 'run', kind: 'check', title: 'Check', do: 'c', uses: 'shell.run', with: { argv: ['echo', '<img src=x>', '${{ inputs.x }}'] }, alert: 'restore-late' }] },
        ],
      },
    ],
  });

  it('escapes what the file says, and keeps section and step anchors apart', () => {
    const [index, page] = renderRunbookPages(hostile, 'test.yaml');
    for (const html of [index!.html, page!.html]) expect(html).not.toMatch(/<(script|img|b)\b/i);
    expect(page!.html).toContain('<h1>Restore &lt;b&gt;now&lt;/b&gt; &amp; &quot;fast&quot;</h1>');
    // A step named like a section: the section is #restore, the step #prepare.restore.
    expect(page!.html).toContain('<section class="rb-section" id="restore"');
    expect(page!.html).toContain('<article class="step kind-manual" id="prepare.restore"');
    expect(page!.html).toContain('<dt>detects alert</dt><dd><strong>Restore &lt;late&gt;</strong> <code>restore-late</code>, handled in <a href="#restore">drill#restore</a></dd>');
    expect(page!.html).toContain('- &lt;img src=x&gt;');
  });
});
