/** Lint of four-eyes approval: an environment's `approvals:` and a step's `approval: required`. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { analyzeRunbooksText, lintRunbooksText } from '../../src/runbooks/lint.js';
import { testProviders } from './fixtures/providers.js';

const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');
const lines = (text: string) =>
  lintRunbooksText(text, 'r.yaml', { providers: testProviders }).map((problem) => `${problem.line}:${problem.col} ${problem.path}: ${problem.message}`);
const withApprovals = (approvals: string) => base.replace('    confirm: production\n', `    confirm: production\n    approvals: ${approvals}\n`);

describe('approvals on an environment', () => {
  test('required, an expiry, and narrowing to steps and providers are accepted and parsed', () => {
    const text = withApprovals('{ required: 2, expires: 30m, steps: [create-volume], providers: [ec2.createVolumeFromSnapshot] }');
    expect(lines(text)).toEqual([]);
    expect(analyzeRunbooksText(text, 'r.yaml', { providers: testProviders }).file!.environments.production!.approvals).toEqual({
      required: 2,
      expires: '30m',
      steps: ['create-volume'],
      providers: ['ec2.createVolumeFromSnapshot'],
    });
  });

  test('a count that is not a whole number of at least 1, or a missing one, is refused', () => {
    expect(lines(withApprovals('{ required: 0 }'))).toEqual(['19:28 environments.production.approvals.required: how many other operators must approve: a whole number of at least 1']);
    expect(lines(withApprovals('{ required: 1.5 }'))).toEqual(['19:28 environments.production.approvals.required: expected int, got the number 1.5']);
    expect(lines(withApprovals('{ expires: 1h }'))).toEqual(['19:16 environments.production.approvals: missing required field "required"']);
  });

  test('an unreadable expiry, an unknown or non-action step, and a provider that runs no action are named', () => {
    expect(lines(withApprovals('{ required: 1, expires: soon, steps: [create-volum, check-rows], providers: [ec2.snapshots, ec2.nope] }'))).toEqual([
      '19:40 environments.production.approvals.expires: expected how long an approval stays valid, like "30m", "1h" or "1d", got "soon"',
      '19:54 environments.production.approvals.steps.0: no runbook has a step "create-volum"; name action steps by their id',
      '19:68 environments.production.approvals.steps.1: step "check-rows" is a check step: only actions are approved (it changes nothing)',
      '19:93 environments.production.approvals.providers.0: provider "ec2.snapshots" runs no action (it serves: check, input): only actions are approved',
      '19:108 environments.production.approvals.providers.1: unknown provider "ec2.nope"; see docs/providers.md for the actions',
    ]);
  });
});

describe('approval on a step', () => {
  test('an action may require it; any other kind is told it has nothing to approve', () => {
    const onAction = base.replace('            uses: ec2.createVolumeFromSnapshot\n', '            uses: ec2.createVolumeFromSnapshot\n            approval: required\n');
    expect(lines(onAction)).toEqual([]);
    const onCheck = base.replace('            uses: postgres.query\n            alert:', '            uses: postgres.query\n            approval: required\n            alert:');
    expect(lines(onCheck)).toEqual(['80:13 runbooks.0.sections.1.steps.1.approval: only action steps take "approval:"; this is a check step, which changes nothing to approve']);
    expect(lines(onAction.replace('approval: required', 'approval: maybe'))).toEqual([
      '67:23 runbooks.0.sections.1.steps.0.approval: expected "required", got "maybe"',
    ]);
  });
});

describe('the bundled runbooks file', () => {
  test('production needs one approval of every action, for the default hour', () => {
    const text = readFileSync(new URL('../../runbooks.yaml', import.meta.url), 'utf8');
    const result = analyzeRunbooksText(text, 'runbooks.yaml');
    expect(result.problems).toEqual([]);
    expect(result.file!.environments.production!.approvals).toEqual({ required: 1 });
    expect(result.file!.environments.staging!.approvals).toBeUndefined();
  });
});
