/**
 * Shared by the drill and evidence tests: a small restore-test runbook run through the real session
 * service with the real local-file providers of test/state/support.ts, and a clock moved by hand.
 */
import { join } from 'node:path';
import { RunbooksFile } from '../../src/runbooks/schema.js';
import type { EventStore } from '../../src/state/event-store.js';
import { SessionService, type RunbooksSource as LoadedRunbooks } from '../../src/services/session/session-service.js';
import { type DrivenSession } from '../../src/services/session/driven-session.js';
import { definitions, providers } from '../state/support.js';

/** A restore test: pick a point, a pre-check, the restore (RTO end), then a smoke check after it. */
export function drillRunbooks(dir: string): LoadedRunbooks {
  const file = RunbooksFile.parse({
    version: 1,
    environments: {
      staging: { vars: { markerDir: join(dir, 'markers'), probe: join(dir, 'probe.txt') } },
      broken: { vars: { markerDir: join(dir, 'markers'), probe: join(dir, 'missing.txt') } },
      production: { protected: true, vars: { markerDir: join(dir, 'markers'), probe: join(dir, 'probe.txt') } },
      // For the daily checks: a secret the checks see, and the backup times they report.
      checked: { vars: { token: '${CHECK_TOKEN}', backupAt: '2026-03-07T01:00:00.000Z', snapshotAt: '2026-03-05T00:00:00.000Z' } },
    },
    alerts: [{ id: 'snapshot-stale', name: 'Snapshot stale', link: 'verify-db#restore' }],
    assets: [
      { id: 'db-backups', name: 'Database base backups', frequency: '1d', retention: '30d', restoreTest: 'verify-db' },
      { id: 'snapshots', name: 'Volume snapshots', frequency: '1d' },
      { id: 'never-checked', name: 'Never checked' },
    ],
    runbooks: [
      {
        id: 'verify-db',
        title: 'Verify the database restore',
        summary: 'weekly restore test',
        cadence: 'weekly',
        inputs: { target_time: { type: 'text', default: '2026-03-01T10:00:00.000Z' } },
        sections: [
          {
            id: 'prepare',
            title: 'Prepare',
            steps: [
              { id: 'point', kind: 'input', title: 'Recovery point reached', do: 'type it', input: { type: 'text' } },
              { id: 'probe', kind: 'check', title: 'Backup is there', do: 'check', uses: 'local.fileExists', with: { path: '${{ env.vars.probe }}' } },
            ],
          },
          {
            id: 'restore',
            title: 'Restore',
            steps: [
              {
                id: 'restore',
                kind: 'action',
                title: 'Restore',
                do: 'restore it',
                uses: 'local.writeMarker',
                with: { dir: '${{ env.vars.markerDir }}', content: 'restored' },
                drill: { restoreEnds: true, recoveryPoint: '${{ steps.point.outputs.value }}', recoveryTarget: '${{ inputs.target_time }}' },
              },
              { id: 'smoke', kind: 'check', title: 'Smoke test', do: 'check', uses: 'local.fileExists', with: { path: '${{ env.vars.probe }}' } },
            ],
          },
        ],
      },
      {
        id: 'daily',
        title: 'Daily checks',
        summary: 'success and freshness of the backups',
        sections: [
          {
            id: 'checks',
            title: 'Checks',
            steps: [
              reportingCheck('backup-succeeded', '${{ env.vars.backupAt }}', { asset: 'db-backups', kind: 'success' }),
              reportingCheck('backup-fresh', '${{ env.vars.backupAt }}', { asset: 'db-backups', kind: 'freshness' }),
              { ...reportingCheck('snapshot-fresh', '${{ env.vars.snapshotAt }}', { asset: 'snapshots', kind: 'freshness' }, 3), alert: 'snapshot-stale' },
              {
                id: 'leaky',
                kind: 'check',
                title: 'A check that prints a secret and fails',
                do: 'nothing',
                uses: 'shell.run',
                with: { argv: [process.execPath, '-e', 'console.log("token is " + process.argv[1])', '${{ env.vars.token }}'], expect: { stdoutMatches: '^all good' } },
              },
            ],
          },
        ],
      },
    ],
  });
  return { file, path: join(dir, 'runbooks.yaml') };
}

/** A real shell check printing `{"lastBackupAt": time}` and exiting with `exitCode`. */
function reportingCheck(id: string, time: string, signal: { asset: string; kind: string }, exitCode = 0) {
  return {
    id,
    kind: 'check',
    title: id,
    do: 'nothing',
    uses: 'shell.run',
    with: { argv: [process.execPath, '-e', `console.log(JSON.stringify({ lastBackupAt: process.argv[1] })); process.exit(${exitCode})`, time] },
    signal,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start: string): { now: () => Date; advance(ms: number): void; at(): string } {
  let time = Date.parse(start);
  return { now: () => new Date(time), advance: (ms) => void (time += ms), at: () => new Date(time).toISOString() };
}

/** The session service over `store` with the local-file providers and the given clock. */
export function drillService(store: EventStore, now: () => Date, operator = 'dana@test-host'): SessionService {
  return new SessionService({
    store,
    definitions,
    providers: async (name) => providers[name]!,
    operator,
    processEnv: {},
    productVersion: '0.0.0-test',
    now,
  });
}

/** Runs the drill through the restore step, advancing the clock one minute per step. */
export async function runToRestore(session: DrivenSession, clock: ReturnType<typeof manualClock>, point: string): Promise<void> {
  clock.advance(60_000);
  session.provideInput('point', point);
  session.completeStep('point');
  clock.advance(60_000);
  await session.runCheck('probe');
  if (session.state.steps.probe!.status === 'passed') session.completeStep('probe');
  else session.completeStep('probe', { overrideReason: 'the backup listing is known to lag' });
  clock.advance(60_000);
  await session.previewAction('restore');
  session.confirmAction('restore', 'yes');
  clock.advance(120_000);
  await session.runAction('restore');
  session.completeStep('restore');
}

