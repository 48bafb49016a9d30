/**
 * The HTML audit record of a real drill with a crash in it (a child process SIGKILLed while its
 * restore action was in flight, then taken over, reconciled, interrupted and resumed): it opens
 * with the per-step summary, then the SVG timeline with its markers and the restore window, and
 * the raw events come after. The browser test (test/browser) loads the same page in chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditRecord, renderExport, type AuditRecord } from '../../src/state/export/index.js';
import { buildTimeline } from '../../src/state/export/timeline.js';
import { markerRules } from '../../src/state/export/timeline-markers.js';
import { timelineSvg } from '../../src/state/export/timeline-svg.js';
import { crashedDrill, type CrashedDrill } from '../browser/support/crashed-drill.js';

let drill: CrashedDrill;
let record: AuditRecord;
let html: string;

beforeAll(async () => {
  drill = await crashedDrill();
  record = loadAuditRecord(drill.store, drill.sessionId);
  html = renderExport(record, 'html');
});
afterAll(() => drill?.store.close());

const seqOf = (type: string, nth = 0) => record.events.filter((event) => event.type === type)[nth]!.seq;
const all = (pattern: RegExp) => [...html.matchAll(pattern)].map((match) => match[1]);

describe('the HTML export', () => {
  it('opens with the summary, then the timeline; the raw events come after', () => {
    const headings = all(/<h2>([^<]+)<\/h2>/g);
    expect(headings.slice(0, 2)).toEqual(['Summary', 'Timeline']);
    expect(headings.indexOf('Events')).toBeGreaterThan(headings.indexOf('Timeline'));
    expect(html.indexOf('<table class="summary">')).toBeLessThan(html.indexOf('<svg class="timeline"'));
    expect(html.indexOf('<svg class="timeline"')).toBeLessThan(html.indexOf('<table class="events">'));
  });

  it('summarises every step: status, duration, who and notes', () => {
    expect(all(/<tr data-step="([^"]+)">/g)).toEqual([...record.state.order]);
    const row = (step: string) => html.match(new RegExp(`<tr data-step="${step}">(.*?)</tr>`))![1]!;
    // The restore: opened 10:08 by carol, whose process died; done 10:24 by dana, with her note.
    expect(row('write')).toContain('<td class="status">done</td><td class="n">16 min 00 s</td><td class="who">carol@ops-1<br>dana@ops-2</td>');
    expect(row('write')).toContain('restore confirmed by its marker after the crash (dana@ops-2)');
    expect(row('announce')).toContain('<td class="n">2 min 00 s</td><td class="who">carol@ops-1</td><td><div>drill announced in #ops</div>');
    expect(row('pgbackrest-only')).toContain('<td class="status">skipped</td>');
    expect(row('pgbackrest-only')).toContain('skipped: not applicable in environment &quot;staging&quot;');
  });

  it('draws a bar per step, the crash, resumes and interruption, and the restore window with its RTO', () => {
    expect(all(/<rect class="bar [^"]*" data-step="([^"]+)"/g)).toEqual([...record.state.order]);
    expect(html).toMatch(/<rect class="bar kind-check status-done" data-step="probe"/);
    expect(html).toMatch(/<rect class="bar kind-action status-done" data-step="write"/);
    expect(html).toMatch(/<rect class="bar kind-manual status-skipped" data-step="pgbackrest-only"/);
    // The failed then passed check are ticks on the probe's bar.
    expect(html).toContain('<title>CheckFailed (event ');
    expect(html).toContain('<title>CheckPassed (event ');
    // One crash (the takeover), two resumes, one interruption.
    expect(all(/<g class="marker marker-crash" data-seq="(\d+)"/g)).toEqual([String(seqOf('LockTakenOver'))]);
    expect(all(/<g class="marker marker-resume" data-seq="(\d+)"/g)).toEqual([String(seqOf('SessionResumed')), String(seqOf('SessionResumed', 1))]);
    expect(all(/<g class="marker marker-interrupt" data-seq="(\d+)"/g)).toEqual([String(seqOf('SessionInterrupted'))]);
    expect(html).toMatch(/<rect class="gap gap-crashed"[^>]*><title>no driver: last event 2026-03-01T10:10:00.000Z, crash found 2026-03-01T10:20:00.000Z<\/title>/);
    expect(html).toMatch(/<rect class="gap gap-interrupted"/);
    // RTO from drillResult: start 10:00 to the restore step's completion 10:24.
    expect(record.drill).toMatchObject({ outcome: 'passed', rtoMs: 24 * 60_000, restoreEndedAt: '2026-03-01T10:24:00.000Z' });
    expect(html).toContain(`<g class="restore-window" data-rto-ms="${24 * 60_000}">`);
    expect(html).toContain('restore window · RTO 24 min 00 s');
    expect(html).toContain('<li class="moment moment-crash"><span class="kind">crash</span> 2026-03-01T10:20:00.000Z');
    // The drill facts keep their place for the tools that read them.
    expect(html).toContain('<dt>RTO (start to restore end)</dt><dd>24 min 00 s</dd>');
  });

  it('is self-contained: no scripts, no fetched assets, no external URL', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use)\b/i);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=|url\(|@import|@font-face/i);
    expect(html).not.toMatch(/https?:\/\//i);
  });
});

describe('the timeline markers', () => {
  it('mark a crash that no takeover announced on the resume itself', () => {
    const withoutTakeover = { ...record, events: record.events.filter((event) => event.type !== 'LockTakenOver') };
    const markers = buildTimeline(withoutTakeover).markers.map((marker) => `${marker.kind}@${marker.seq}`);
    const resumed = seqOf('SessionResumed');
    // Each resume by another operator is a hand-off to them, marked after the resume.
    expect(markers).toEqual([
      `crash@${resumed}`,
      `resume@${resumed}`,
      `handoff@${seqOf('SessionHandedOff')}`,
      `interrupt@${seqOf('SessionInterrupted')}`,
      `resume@${seqOf('SessionResumed', 1)}`,
      `handoff@${seqOf('SessionHandedOff', 1)}`,
    ]);
    expect(buildTimeline(withoutTakeover).gaps.map((gap) => gap.kind)).toEqual(['crashed', 'interrupted']);
  });

  it('draw each hand-off: who handed the session to whom', () => {
    const svg = timelineSvg(buildTimeline(record));
    expect(svg).toContain(`<g class="marker marker-handoff" data-seq="${seqOf('SessionHandedOff')}"><title>hand-off: carol@ops-1 handed over to dana@ops-2 (resumed there)`);
    expect(svg).toContain('>hand-off</text>');
  });

  it('come from one table: a new event type is one entry', () => {
    const paged = { ...record.events.at(-1)!, seq: record.events.length + 1, type: 'OperatorPaged', data: { who: 'fay@ops-4' } };
    const withPage = { ...record, events: [...record.events, paged] };
    expect(timelineSvg(buildTimeline(withPage))).not.toContain(`data-seq="${paged.seq}"`);
    const rules = markerRules as Record<string, (typeof markerRules)[string]>;
    rules.OperatorPaged = (event) => [{ kind: 'handoff', label: `paged ${(event.data as { who: string }).who}` }];
    try {
      expect(timelineSvg(buildTimeline(withPage))).toContain(`<g class="marker marker-handoff" data-seq="${paged.seq}"><title>hand-off: paged fay@ops-4`);
    } finally {
      delete rules.OperatorPaged;
    }
  });
});
