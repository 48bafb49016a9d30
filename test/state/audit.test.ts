/** Secrets never reach the database or an export; the exports and the sessions/export/verify commands. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { loadAuditRecord, renderExport } from '../../src/state/export/index.js';
import { Redactor } from '../../src/state/redact.js';
import { fixture, type Fixture } from './support.js';

const PG_PASSWORD = 'pg-Secret-Pass-123';
const SECRET_INPUT = 'tok-Very-Secret-999';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const LITERAL_PASSWORD = 'literalPw99';
const secrets = [PG_PASSWORD, SECRET_INPUT, AWS_SECRET, AWS_KEY_ID, LITERAL_PASSWORD];

let f: Fixture;
let id: string;
let drillId: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), interactive: false, env: { HOME: f.dir }, cwd: f.dir };
  const code = await main(['--db', f.dbPath, ...args], io);
  return { code, stdout: out, stderr: err };
}

beforeAll(async () => {
  f = fixture();
  const runbook = f.runbooks.file.runbooks[0]!;
  runbook.sections.push({
    id: 'leaks',
    title: 'Places secrets could leak',
    steps: [
      { id: 'echo-url', kind: 'check', title: 'Echo the URL', do: 'x', uses: 'local.echo', with: { text: 'connecting to ${{ env.postgres.main.url }}' }, skippable: true },
      { id: 'echo-token', kind: 'check', title: 'Echo the token', do: 'x', uses: 'local.echo', with: { text: 'token=${{ inputs.token }}' }, skippable: true },
      { id: 'echo-aws', kind: 'check', title: 'Echo AWS keys', do: 'x', uses: 'local.echo', with: { text: `aws_secret_access_key = ${AWS_SECRET} id ${AWS_KEY_ID}` }, skippable: true },
    ],
  });
  const service = f.service({ processEnv: { PGPASS: PG_PASSWORD } });
  const session = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging', inputs: { ticket: 'T-1', token: SECRET_INPUT } });
  id = session.id;
  session.completeStep('announce', { note: `paged; reach me at postgres://me:${LITERAL_PASSWORD}@db.example/app` });
  await session.runCheck('probe');
  session.completeStep('probe');
  session.provideInput('target', '2024-05-01T10:00:00Z');
  session.completeStep('target');
  await session.previewAction('write');
  session.confirmAction('write', 'yes');
  await session.runAction('write');
  session.completeStep('write');
  for (const step of ['echo-url', 'echo-token', 'echo-aws']) {
    await session.runCheck(step);
    session.completeStep(step);
  }
  session.addNote(`the token is ${SECRET_INPUT} | and a pipe`);
  session.complete();

  const drill = await service.start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging', drill: true, inputs: { ticket: 'T-2' } });
  drillId = drill.id;
  drill.completeStep('announce', { note: 'drill' });
  await drill.runCheck('probe');
  drill.completeStep('probe');
  drill.provideInput('target', '2024-05-01T09:30:00Z');
  drill.completeStep('target');
  await drill.previewAction('write');
  drill.confirmAction('write', 'y');
  await drill.runAction('write');
  drill.completeStep('write');
  for (const step of ['echo-url', 'echo-token', 'echo-aws']) drill.skipStep(step, 'not part of the drill');
  drill.complete();
});
afterAll(() => f.store.close());

describe('secrets', () => {
  it('the redactor removes URL passwords, AWS keys and known secrets but keeps references and hashes', () => {
    const redactor = new Redactor(['s3cr3t-value']);
    expect(redactor.redactText('postgres://u:pw@h/db and postgres://u:${PGPASS}@h')).toBe('postgres://u:[redacted]@h/db and postgres://u:${PGPASS}@h');
    expect(redactor.redactText(`key ${AWS_KEY_ID} secret ${AWS_SECRET}.`)).toBe('key [redacted] secret [redacted].');
    expect(redactor.redactText('commit 3f786850e387550fdab836ed7e6dc881de23001b ok')).toBe('commit 3f786850e387550fdab836ed7e6dc881de23001b ok');
    expect(redactor.redact({ a: ['x s3cr3t-value y'], password: 'plain', n: 3 })).toEqual({ a: ['x [redacted] y'], password: '[redacted]', n: 3 });
  });

  it('no planted secret is in the database file or any export', async () => {
    f.store.db.pragma('wal_checkpoint(PASSIVE)');
    const files = [f.dbPath, `${f.dbPath}-wal`].filter(existsSync).map((path) => readFileSync(path).toString('latin1'));
    const record = loadAuditRecord(f.store, id);
    const exports = (['md', 'json', 'html'] as const).map((format) => renderExport(record, format));
    for (const text of [...files, ...exports]) {
      for (const secret of secrets) expect(text.includes(secret), `found ${secret}`).toBe(false);
    }
    // What surrounded them is still there, redacted.
    const json = exports[1]!;
    expect(json).toContain('connecting to postgres://app:[redacted]@127.0.0.1:5432/app');
    expect(json).toContain('token=[redacted]');
    expect(json).toContain('postgres://me:[redacted]@db.example/app');
    expect(json).toContain('postgres://app:${PGPASS}@127.0.0.1:5432/app');
  });
});

describe('exports', () => {
  it('JSON has the DESIGN.md shape', () => {
    const document = JSON.parse(renderExport(loadAuditRecord(f.store, id), 'json'));
    expect(document.format).toBe('runbook-audit/1');
    expect(document.session).toMatchObject({ id, runbook: 'demo', env: 'staging', drill: false, operator: 'alice@test-host', status: 'completed' });
    expect(document.session.runbookHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(document.events[0]).toMatchObject({ seq: 1, type: 'SessionStarted', stepId: null, actor: 'alice@test-host', prevHash: '0'.repeat(64) });
    expect(Object.keys(document.events[0]).sort()).toEqual(['actor', 'at', 'data', 'hash', 'prevHash', 'seq', 'stepId', 'type']);
    expect(document.summary.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
      'announce:done', 'probe:done', 'pgbackrest-only:skipped', 'target:done', 'write:done', 'echo-url:done', 'echo-token:done', 'echo-aws:done',
    ]);
  });

  it('Markdown is a timeline, then steps and notes', () => {
    const md = renderExport(loadAuditRecord(f.store, id), 'md');
    expect(md).toContain(`# Demo restore: session ${id}`);
    expect(md).toContain('| # | time | step | result | actor | duration |');
    expect(md).toMatch(/\| 6 \| \S+ \| probe \| check passed: observed present, expected present \| alice@test-host \| \d+ ms \|/);
    expect(md).toContain('### Write marker (`write`, action, section `restore`)');
    expect(md).toContain('- **idempotency key:** rb-');
    expect(md).toContain('- **skip reason:** not applicable in environment "staging"');
    expect(md).toContain('the token is [redacted] \\| and a pipe');
    expect(md.indexOf('## Timeline')).toBeLessThan(md.indexOf('## Steps'));
    expect(md.indexOf('## Steps')).toBeLessThan(md.indexOf('## Notes'));
  });

  it('a drill export gives the RTO and the recovery point', () => {
    const record = loadAuditRecord(f.store, drillId);
    expect(record.drill).toMatchObject({ recoveryPoint: '2024-05-01T09:30:00Z', passed: true });
    expect(record.drill!.rtoMs).toBeGreaterThanOrEqual(0);
    const md = renderExport(record, 'md');
    expect(md).toContain('## Drill result');
    expect(md).toContain('- **Recovery point reached:** 2024-05-01T09:30:00Z');
    expect(md).toMatch(/- \*\*RTO \(start to restore end\):\*\* \d+/);
    expect(renderExport(record, 'html')).toContain('<dt>Recovery point reached</dt><dd>2024-05-01T09:30:00Z</dd>');
  });

  it('HTML is one self-contained file that prints well', () => {
    const html = renderExport(loadAuditRecord(f.store, id), 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(html).not.toMatch(/(src|href)=|url\(/i);
    expect(html).toContain('the token is [redacted] | and a pipe');
  });
});

describe('commands', () => {
  it('sessions lists open ones by default and all with --all, as JSON too', async () => {
    const open = await f.service().start({ runbooks: f.runbooks, runbookId: 'demo', env: 'staging' });
    open.completeStep('announce', { note: 'n' });
    open.interrupt();
    const plain = await cli(['sessions']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(open.id);
    expect(plain.stdout).toContain('interrupted');
    expect(plain.stdout).not.toContain(id);
    const json = await cli(['sessions', '--json', '--all']);
    const listed = JSON.parse(json.stdout).sessions;
    expect(listed.map((session: { id: string }) => session.id).sort()).toEqual([id, drillId, open.id].sort());
    expect(listed.find((session: { id: string }) => session.id === open.id)).toEqual({
      id: open.id, runbook: 'demo', env: 'staging', drill: false, status: 'interrupted', operator: 'alice@test-host',
      startedAt: expect.any(String), lastEventAt: expect.any(String), currentStep: 'probe', branches: 0,
    });
    expect(listed.find((session: { id: string }) => session.id === drillId)).toMatchObject({ status: 'completed', drill: true, currentStep: null });
    const held = await f.service().open(open.id);
    const active = JSON.parse((await cli(['sessions', '--json'])).stdout).sessions;
    expect(active.find((session: { id: string }) => session.id === open.id).status).toBe('active');
    held.abort('test over');
    expect(JSON.parse((await cli(['sessions', '--json', '--all'])).stdout).sessions.find((s: { id: string }) => s.id === open.id).status).toBe('aborted');
  });

  it('export writes a 0600 file; verify accepts the session (by prefix) and the file', async () => {
    const out = join(f.dir, 'audit.json');
    const exported = await cli(['export', id, '--format', 'json', '--output', out]);
    expect(exported).toMatchObject({ code: 0, stdout: '' });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const byFile = await cli(['verify', out]);
    expect(byFile.code).toBe(0);
    expect(byFile.stdout).toMatch(new RegExp(`^ok: session ${id}, \\d+ events, hash chain intact`));
    const byPrefix = await cli(['verify', id.slice(0, 20)]);
    expect(byPrefix.code).toBe(0);
    const md = await cli(['export', id]);
    expect(md.stdout).toContain('## Timeline');

    const document = JSON.parse(readFileSync(out, 'utf8'));
    document.events[3].data.note = 'rewritten';
    writeFileSync(out, JSON.stringify(document));
    const bad = await cli(['verify', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('first bad event is seq 4');
  });

  it('clean one-line errors: unknown session, ambiguous prefix, bad format, unreadable file, no database', async () => {
    expect(await cli(['export', 'nope'])).toMatchObject({ code: 2, stderr: 'runbook: no session matches "nope"; list them with "runbook sessions --all"\n' });
    const ambiguous = await cli(['export', id.slice(0, 4)]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`matches 3 sessions; type more of the id`);
    expect(ambiguous.stderr).toContain(`  ${drillId}`);
    expect(await cli(['export', id, '--format', 'pdf'])).toMatchObject({ code: 2, stderr: 'runbook: unknown export format "pdf"; use md, json or html\n' });
    expect(await cli(['verify', './missing.json'])).toMatchObject({ code: 2, stderr: `runbook: cannot read ${join(f.dir, 'missing.json')}: ENOENT\n` });
    const noDb = await main(['--db', join(f.dir, 'none.db'), 'export', 'x'], { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), interactive: false, env: {}, cwd: f.dir });
    expect(noDb).toBe(2);
    expect(existsSync(join(f.dir, 'none.db'))).toBe(false);
  });
});
