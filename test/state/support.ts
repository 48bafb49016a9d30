/**
 * Shared parts of the state tests: a small runbooks file, and REAL providers acting on local
 * files (no mocks): `local.writeMarker` creates a file named by the idempotency key and its
 * reconcile looks that file up; `local.fileExists` checks a file; `local.echo` returns its text.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RunbooksFile } from '../../src/runbooks/schema.js';
import type { ProviderDefinition } from '../../src/steps/definition.js';
import { bool } from '../../src/steps/params.js';
import type { Provider } from '../../src/steps/provider.js';
import { openEventStore, type SqliteEventStore as EventStore } from '../../src/state/event-store.js';
import { SessionService, type RunbooksSource as LoadedRunbooks } from '../../src/services/session/session-service.js';

export function tempDir(prefix = 'runbook-state-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const definitions: ReadonlyMap<string, ProviderDefinition> = new Map<string, ProviderDefinition>([
  ['local.fileExists', { name: 'local.fileExists', summary: 'a file exists', kinds: ['check', 'wait'], mutates: false, params: z.strictObject({ path: z.string() }), outputs: ['size'] }],
  [
    'local.writeMarker',
    {
      name: 'local.writeMarker',
      summary: 'writes a marker file keyed by the idempotency key',
      kinds: ['action'],
      mutates: true,
      params: z.strictObject({ dir: z.string(), content: z.string(), hangAfterWrite: bool().optional(), fail: bool().optional() }),
      outputs: ['marker', 'content'],
    },
  ],
  ['local.echo', { name: 'local.echo', summary: 'echoes text as output', kinds: ['check'], mutates: false, params: z.strictObject({ text: z.string() }), outputs: ['text'] }],
]);

type MarkerParams = { dir: string; content: string; hangAfterWrite?: boolean; fail?: boolean };

export const providers: Record<string, Provider<any>> = {
  'local.fileExists': {
    async run(params: { path: string }) {
      const ok = existsSync(params.path);
      return {
        ok,
        observed: ok ? 'present' : 'missing',
        expected: 'present',
        outputs: ok ? { size: readFileSync(params.path).length } : {},
        detail: ok ? `${params.path} exists` : `${params.path} does not exist`,
      };
    },
  },
  'local.writeMarker': {
    async preview(params: MarkerParams, context) {
      return { summary: `write a marker in ${params.dir}`, details: [{ label: 'key', value: context.idempotencyKey }, { label: 'content', value: params.content }] };
    },
    async run(params: MarkerParams, context) {
      if (params.fail) return { ok: false, outputs: {}, detail: 'refused to write (fail: true)', failure: { class: 'invalid-input', advice: 'set fail to false' } };
      mkdirSync(params.dir, { recursive: true });
      const marker = join(params.dir, `${context.idempotencyKey}.marker`);
      writeFileSync(marker, params.content);
      if (params.hangAfterWrite) {
        process.stdout.write('in-flight\n');
        await new Promise(() => {});
      }
      return { ok: true, outputs: { marker, content: params.content }, detail: `wrote ${marker}` };
    },
    async reconcile(params: MarkerParams, context) {
      const marker = join(params.dir, `${context.idempotencyKey}.marker`);
      if (!existsSync(marker)) return { found: false, detail: `no marker ${marker}` };
      return { found: true, outputs: { marker, content: readFileSync(marker, 'utf8') }, detail: `found ${marker}` };
    },
  },
  'local.echo': {
    async run(params: { text: string }) {
      return { ok: true, observed: params.text, outputs: { text: params.text }, detail: `output: ${params.text}` };
    },
  },
};

/** A runbooks file with one runbook exercising every step kind, and staging/production/sandbox environments. */
export function runbooksFile(dir: string, overrides: { extraStep?: boolean; hang?: boolean } = {}): LoadedRunbooks {
  const file = RunbooksFile.parse({
    version: 1,
    environments: {
      staging: {
        postgres: { main: { url: 'postgres://app:${PGPASS}@127.0.0.1:5432/app' } },
        backup: { tool: 'pg_basebackup', baseBackupDir: '/b', walArchiveDir: '/w' },
        vars: { markerDir: join(dir, 'markers'), probe: join(dir, 'probe.txt') },
      },
      production: { protected: true, confirm: 'prod-db', vars: { markerDir: join(dir, 'markers-prod'), probe: join(dir, 'probe.txt') } },
    },
    runbooks: [
      {
        id: 'demo',
        title: 'Demo restore',
        summary: 'exercise every step kind',
        inputs: { ticket: { type: 'text' }, token: { type: 'text', secret: true, required: false } },
        sections: [
          {
            id: 'prepare',
            title: 'Prepare',
            steps: [
              { id: 'announce', kind: 'manual', title: 'Announce', do: 'Tell the channel', note: 'required' },
              { id: 'probe', kind: 'check', title: 'Probe exists', do: 'check', uses: 'local.fileExists', with: { path: '${{ env.vars.probe }}' } },
              { id: 'pgbackrest-only', kind: 'manual', title: 'pgBackRest info', do: 'run info', when: { 'backup.tool': ['pgbackrest'] } },
              { id: 'target', kind: 'input', title: 'Target', do: 'give a target', input: { type: 'text' } },
            ],
          },
          {
            id: 'restore',
            title: 'Restore',
            steps: [
              {
                id: 'write',
                kind: 'action',
                title: 'Write marker',
                do: 'write it',
                uses: 'local.writeMarker',
                with: { dir: '${{ env.vars.markerDir }}', content: 'target=${{ steps.target.outputs.value }}', ...(overrides.hang ? { hangAfterWrite: true } : {}) },
                drill: { restoreEnds: true, recoveryPoint: '${{ steps.target.outputs.value }}' },
              },
              ...(overrides.extraStep ? [{ id: 'extra', kind: 'manual', title: 'Extra', do: 'new step' }] : []),
            ],
          },
        ],
      },
    ],
  });
  return { file, path: join(dir, 'runbooks.yaml') };
}

export interface Fixture {
  readonly dir: string;
  readonly dbPath: string;
  readonly store: EventStore;
  readonly runbooks: LoadedRunbooks;
  service(options?: { now?: () => Date; operator?: string; processEnv?: NodeJS.ProcessEnv }): SessionService;
}

/** A fresh database and runbooks in a temp dir; `probe.txt` exists so the check passes. */
export function fixture(): Fixture {
  const dir = tempDir();
  writeFileSync(join(dir, 'probe.txt'), 'hello');
  const dbPath = join(dir, 'state', 'sessions.db');
  const store = openEventStore(dbPath);
  return {
    dir,
    dbPath,
    store,
    runbooks: runbooksFile(dir),
    service: (options = {}) =>
      new SessionService({
        store,
        definitions,
        providers: async (name) => {
          const provider = providers[name];
          if (!provider) throw new Error(`no provider ${name}`);
          return provider;
        },
        operator: options.operator ?? 'alice@test-host',
        processEnv: options.processEnv ?? { PGPASS: 'pg-Secret-Pass-123' },
        productVersion: '0.0.0-test',
        ...(options.now ? { now: options.now } : {}),
      }),
  };
}
