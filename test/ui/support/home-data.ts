import type { HomeRunbook, InterruptedSession } from '../../../src/ui/home-model.js';

/** Two runbooks shaped like `runbook list --json`: one plain, one restore test with a cadence. */
export const twoRunbooks: HomeRunbook[] = [
  {
    id: 'verify-backups',
    title: 'Verify the nightly backups',
    summary: 'Checks that last night’s backup exists.',
    cadence: null,
    sections: [
      {
        id: 'database',
        title: 'Database backups',
        steps: [
          { id: 'archiver', kind: 'check', title: 'WAL archiving is keeping up', uses: 'postgres.archiver' },
          { id: 'note', kind: 'manual', title: 'Write down what you saw', uses: null },
        ],
      },
    ],
  },
  {
    id: 'restore-drill',
    title: 'Restore drill on staging',
    summary: 'Restores the newest base backup into a scratch cluster.',
    cadence: 'weekly',
    sections: [
      { id: 'prepare', title: 'Prepare', steps: [{ id: 'announce', kind: 'manual', title: 'Announce the drill', uses: null }] },
      {
        id: 'verify',
        title: 'Verify the restored data',
        steps: [
          { id: 'connect', kind: 'check', title: 'The restored cluster answers', uses: 'postgres.connection' },
          { id: 'create', kind: 'action', title: 'Create the volume', uses: 'ec2.createVolumeFromSnapshot' },
        ],
      },
    ],
  },
];

/** `count` runbooks named rb-001…, each with one section of three steps. */
export function manyRunbooks(count: number): HomeRunbook[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(3, '0');
    return {
      id: `rb-${number}`,
      title: `Runbook number ${number}`,
      summary: `Summary ${number}`,
      cadence: index % 2 === 0 ? 'quarterly' : null,
      sections: [
        {
          id: 'only',
          title: 'Only section',
          steps: [
            { id: 'a', kind: 'manual', title: 'First', uses: null },
            { id: 'b', kind: 'manual', title: 'Second', uses: null },
            { id: 'c', kind: 'manual', title: 'Third', uses: null },
          ],
        },
      ],
    };
  });
}

export const now = new Date('2026-11-25T12:00:00Z');

export const interrupted: InterruptedSession[] = [
  {
    id: '01HX7S2K',
    runbook: 'restore-drill',
    env: 'staging',
    operator: 'alice@db1',
    currentStep: 'connect',
    lastEventAt: '2026-11-25T09:00:00Z',
  },
];
