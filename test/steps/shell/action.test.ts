/** shell.run as an action: preview, idempotent re-run, and reconcile after a crash between intent and result. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedEnvironment } from '../../../src/runbooks/environment.js';
import { shellRunParams } from '../../../src/steps/shell/definitions.js';
import { shellRun } from '../../../src/steps/shell/run.js';
import { stepContext } from './step-context.js';

const node = process.execPath;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-shell-action-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The action: write a marker file named by the idempotency key; writing it twice changes nothing.
const writeMarker = (marker: string) => [node, '-e', 'require("node:fs").writeFileSync(process.argv[1], "done\\n")', marker];
const markerExists = (marker: string) => [node, '-e', 'process.exit(require("node:fs").existsSync(process.argv[1]) ? 0 : 1)', marker];

describe('shell.run preview', () => {
  it('shows the argv as a quoted list, the cwd, env with secrets redacted, and where the program resolves', async () => {
    const params = shellRunParams.parse({
      argv: [node, '--eval', 'console.log(1)', 'two words', '"; rm -rf /', 'token=s3cr3t-value'],
      cwd: dir,
      env: { PGPASSWORD: 'hunter2', AWS_SECRET_ACCESS_KEY: 'abc', API_TOKEN: 't', REGION: 'eu-west-1', URL: 'postgres://u:s3cr3t-value@h/db' },
    });
    const preview = await shellRun.preview!(
      params,
      stepContext({ timeoutMs: 600_000, environment: { secrets: ['s3cr3t-value'] } as Partial<ResolvedEnvironment> }),
    );
    expect(preview.summary).toBe(`run ${node} with 5 arguments, without a shell`);
    expect(preview.details).toEqual([
      { label: 'argv', value: `["${node}", "--eval", "console.log(1)", "two words", "\\"; rm -rf /", "token=<redacted>"]` },
      { label: 'cwd', value: dir },
      { label: 'env', value: 'PGPASSWORD=<redacted>, AWS_SECRET_ACCESS_KEY=<redacted>, API_TOKEN=<redacted>, REGION=eu-west-1, URL=postgres://u:<redacted>@h/db' },
      { label: 'timeout', value: '600s (then it and every process it started are ended)' },
      { label: 'at the end', value: 'any process it leaves running is ended (setsid or not) and reported' },
      { label: 'after a crash', value: 'shell actions cannot be looked up; check the effect by hand before re-running' },
    ]);
    expect(preview.dryRun).toEqual({ ok: true, detail: `${node} resolves to ${node}` });
  });

  it('resolves argv[0] through PATH and reports a missing program in the dry-run', async () => {
    const found = await shellRun.preview!(shellRunParams.parse({ argv: ['node', '-v'] }), stepContext());
    expect(found.dryRun?.ok).toBe(true);
    expect(found.dryRun?.detail).toMatch(/^node resolves to \/.+\/node$/);
    const missing = await shellRun.preview!(shellRunParams.parse({ argv: ['runbook-no-such-program'] }), stepContext());
    expect(missing.dryRun).toEqual({ ok: false, detail: 'runbook-no-such-program was not found or is not executable: install it or fix argv[0]' });
  });

  it('names the reconcile probe when the step gives one', async () => {
    const preview = await shellRun.preview!(
      shellRunParams.parse({ argv: writeMarker('/tmp/x'), reconcile: { argv: ['test', '-f', '/tmp/x'] } }),
      stepContext(),
    );
    expect(preview.details.find((detail) => detail.label === 'after a crash')?.value).toBe('probe ["test", "-f", "/tmp/x"]');
  });
});

describe('shell.run re-run and reconcile', () => {
  it('re-running an idempotent action gives the same result and the same effect', async () => {
    const marker = join(dir, 'session-1--step-1.marker');
    const params = shellRunParams.parse({ argv: writeMarker(marker) });
    const first = await shellRun.run(params, stepContext());
    const second = await shellRun.run(params, stepContext());
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: true, outputs: first.outputs });
    expect(readFileSync(marker, 'utf8')).toBe('done\n');
  });

  it('without a probe, reconcile never claims to know the effect', async () => {
    const reconciliation = await shellRun.reconcile!(shellRunParams.parse({ argv: writeMarker(join(dir, 'unused')) }), stepContext());
    expect(reconciliation).toEqual({ found: false, detail: 'shell actions cannot be looked up; check the effect by hand before re-running' });
  });

  it('after a crash between intent and result, the probe finds the effect when the action had run', async () => {
    const context = stepContext({ idempotencyKey: 'session-2/step-7' });
    const marker = join(dir, `${context.idempotencyKey.replace('/', '--')}.marker`);
    const params = shellRunParams.parse({ argv: writeMarker(marker), reconcile: { argv: markerExists(marker) } });

    // Intent recorded, then the process died before the action ran: nothing to find.
    const before = await shellRun.reconcile!(params, context);
    expect(before.found).toBe(false);
    expect(before.detail).toContain('did not pass (expected exit code 0; observed exit code 1)');
    expect(existsSync(marker)).toBe(false);

    // Intent recorded, the action ran, and the process died before its result was recorded.
    const ran = await shellRun.run(params, context);
    expect(ran.ok).toBe(true);
    const after = await shellRun.reconcile!(params, stepContext({ idempotencyKey: 'session-2/step-7' }));
    expect(after).toEqual({
      found: true,
      outputs: {},
      detail: `the probe ["${node}", "-e", "process.exit(require(\\"node:fs\\").existsSync(process.argv[1]) ? 0 : 1)", "${marker}"] passed (exit code 0): the action's effect exists`,
    });
  });

  it('a probe with an output expectation decides on the output, not only the exit code', async () => {
    const params = shellRunParams.parse({
      argv: ['true'],
      reconcile: { argv: [node, '-e', 'console.log(JSON.stringify({ state: "available" }))'], expect: { json: { path: 'state', equals: 'in-use' } } },
    });
    const reconciliation = await shellRun.reconcile!(params, stepContext());
    expect(reconciliation.found).toBe(false);
    expect(reconciliation.detail).toContain('json state = "in-use"');
  });

  it('a probe that cannot start is an error, never "not found"', async () => {
    const params = shellRunParams.parse({ argv: ['true'], reconcile: { argv: ['runbook-no-such-probe'] } });
    await expect(shellRun.reconcile!(params, stepContext())).rejects.toMatchObject({ failureClass: 'not-found' });
  });
});
