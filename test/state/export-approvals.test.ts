/**
 * The record of approvals in every export format: each request with its preview hash, who asked,
 * each approver and rejecter with the reason and the time it waited, what did not count, and
 * the run under it; the HTML timeline marks them. Made by a real session on a SQLite file, with
 * the approver on a connection of their own and a clock the test moves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findApprovalTarget } from '../../src/services/approvals/pending.js';
import { recordDecision, type Decision } from '../../src/services/approvals/record-decision.js';
import { openEventStore } from '../../src/state/event-store.js';
import { loadAuditRecord, renderExport, type AuditRecord } from '../../src/state/export/index.js';
import { buildTimeline } from '../../src/state/export/timeline.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyExportFile } from '../../src/state/verify.js';
import { fixture, tempDir } from './support.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** bob previews, carol rejects, bob changes the target and previews again, bob cannot approve, dave approves 2 min later, the action runs. */
async function recordWithApprovals(): Promise<{ record: AuditRecord; hashes: string[] }> {
  let clock = Date.parse('2026-03-01T03:00:00Z');
  const now = () => new Date(clock);
  const f = fixture();
  closers.push(() => f.store.close());
  (f.runbooks.file.environments.production! as { approvals?: unknown }).approvals = { required: 1 };
  const session = await f.service({ operator: 'bob@jump', now }).start({ runbooks: f.runbooks, runbookId: 'demo', env: 'production', incident: 'INC-7', inputs: { ticket: 'T-1' } });
  closers.push(() => session.release());
  const approver = openEventStore(f.dbPath);
  closers.push(() => approver.close());
  const decide = (actor: string, decision: Decision) => {
    const target = findApprovalTarget(approver, session.id, 'write', now());
    return recordDecision(approver, { sessionId: session.id, stepId: 'write', hash: target.request.hash, decision, actor, now });
  };
  session.completeStep('announce', { note: 'posted' });
  await session.runCheck('probe');
  session.completeStep('probe');
  session.provideInput('target', 'v1');
  session.completeStep('target');
  await session.previewAction('write');
  const first = session.state.steps.write!.previewHash!;
  clock += 30_000;
  decide('carol@jump', { kind: 'reject', reason: 'v1 is the broken copy' });
  session.openStep('target');
  session.provideInput('target', 'v2');
  session.completeStep('target');
  clock += 10_000;
  await session.previewAction('write');
  const second = session.state.steps.write!.previewHash!;
  expect(() => decide('bob@jump', { kind: 'approve', typed: 'prod-db', reason: 'me' })).toThrow(/another operator must decide/);
  clock += 125_000;
  decide('dave@jump', { kind: 'approve', typed: 'prod-db', reason: 'v2 checked against the snapshot list' });
  session.refresh();
  session.confirmAction('write', 'prod-db');
  clock += 5_000;
  await session.runAction('write');
  return { record: loadAuditRecord(f.store, session.id), hashes: [first, second] };
}

describe('the export of approvals', () => {
  it('lists each request with its hash, approver, reason, wait and rejection (JSON)', async () => {
    const { record, hashes } = await recordWithApprovals();
    const text = renderExport(record, 'json');
    const json = JSON.parse(text) as { events: unknown[]; summary: { approvals: AuditRecord['approvals'] } };
    expect(json.summary.approvals).toMatchObject([
      {
        step: 'write',
        hash: hashes[0],
        requestedBy: 'bob@jump',
        outcome: 'rejected',
        waitedMs: 30_000,
        decisions: [{ kind: 'rejected', by: 'carol@jump', reason: 'v1 is the broken copy', waitedMs: 30_000, void: null }],
      },
      {
        step: 'write',
        hash: hashes[1],
        outcome: 'ran',
        waitedMs: 125_000,
        decisions: [{ kind: 'approved', by: 'dave@jump', reason: 'v2 checked against the snapshot list', waitedMs: 125_000, expiresAt: '2026-03-01T04:02:45.000Z', void: null }],
      },
    ]);
    expect(json.summary.approvals[1]!.usedAt).toBe('2026-03-01T03:02:50.000Z');
    // The decisions are part of the hash chain: the export verifies.
    const file = join(tempDir(), 'export.json');
    writeFileSync(file, text);
    expect(verifyExportFile(file)).toMatchObject({ ok: true, events: record.events.length });
  });

  it('says the same in Markdown', async () => {
    const { record, hashes } = await recordWithApprovals();
    const md = renderExport(record, 'md');
    expect(md).toContain('## Approvals');
    expect(md).toContain(`### \`write\`: preview ${hashes[0]}`);
    expect(md).toContain('rejected after 30.0 s.');
    expect(md).toContain('| rejected | carol@jump | 2026-03-01T03:00:30.000Z | v1 is the broken copy | 30.0 s |');
    expect(md).toContain(`### \`write\`: preview ${hashes[1]}`);
    expect(md).toContain('approved after 2 min 05 s; the action ran under it.');
    expect(md).toContain('| approved | dave@jump | 2026-03-01T03:02:45.000Z | v2 checked against the snapshot list | 2 min 05 s | holds until 2026-03-01T04:02:45.000Z |');
    expect(md).toContain('| requested | bob@jump | 2026-03-01T03:00:00.000Z | environment "production" requires 1 approval for every action |');
    expect(md).toContain('REJECTED preview');
  });

  it('and in HTML, with approval markers on the timeline', async () => {
    const { record, hashes } = await recordWithApprovals();
    const html = renderExport(record, 'html');
    expect(html).toContain('<h2>Approvals</h2>');
    expect(html).toContain(`<code>${hashes[1]}</code>`);
    expect(html).toContain('<td class="failed">rejected</td><td>carol@jump</td>');
    expect(html).toContain('<td>approved</td><td>dave@jump</td>');
    const markers = buildTimeline(record).markers.filter((marker) => marker.kind === 'approval').map((marker) => marker.label);
    expect(markers).toEqual([
      `bob@jump asked for approval of write (preview ${hashes[0]!.slice(7, 19)})`,
      'carol@jump REJECTED write: v1 is the broken copy',
      `bob@jump asked for approval of write (preview ${hashes[1]!.slice(7, 19)})`,
      'dave@jump approved write: v2 checked against the snapshot list',
    ]);
    expect(html).toContain('<li class="moment moment-approval"><span class="kind">approval</span>');
  });
});
