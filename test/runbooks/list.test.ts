import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { analyzeRunbooksText } from '../../src/runbooks/lint.js';
import { listRunbooks, stepCount } from '../../src/runbooks/list.js';
import { testProviders } from './fixtures/providers.js';

const base = readFileSync(new URL('./fixtures/base.yaml', import.meta.url), 'utf8');

describe('listRunbooks', () => {
  const { file } = analyzeRunbooksText(base, 'base.yaml', { providers: testProviders });

  test('lists runbooks, sections and steps in the shape of `runbook list --json`', () => {
    expect(listRunbooks(file!)).toEqual({
      runbooks: [
        {
          id: 'restore-volume',
          title: 'Restore a volume from a snapshot',
          summary: 'Create a new volume from the last good snapshot and attach it.',
          cadence: 'weekly',
          sections: [
            {
              id: 'prepare',
              title: 'Prepare',
              steps: [
                { id: 'announce', kind: 'manual', title: 'Announce the restore', uses: null },
                { id: 'pick-snapshot', kind: 'input', title: 'Pick the snapshot', uses: 'ec2.snapshots' },
              ],
            },
            {
              id: 'restore',
              title: 'Restore',
              steps: [
                { id: 'create-volume', kind: 'action', title: 'Create the volume', uses: 'ec2.createVolumeFromSnapshot' },
                { id: 'check-rows', kind: 'check', title: 'Rows are back', uses: 'postgres.query' },
              ],
            },
          ],
        },
        {
          id: 'daily-checks',
          title: 'Daily backup checks',
          summary: 'Success and freshness of every backup.',
          cadence: null,
          sections: [
            { id: 'wal', title: 'WAL archiving', steps: [{ id: 'archiver', kind: 'check', title: 'WAL archiving is fresh', uses: 'postgres.archiver' }] },
          ],
        },
      ],
      alerts: [{ id: 'wal-archive-failing', name: 'WAL archiving failing', runbook: 'daily-checks', section: 'wal' }],
    });
  });

  test('counts the steps of a runbook across its sections', () => {
    const [restore, daily] = listRunbooks(file!).runbooks;
    expect(stepCount(restore!)).toBe(4);
    expect(stepCount(daily!)).toBe(1);
  });
});
