import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeBackups } from '../../../src/steps/shell/backup-list.js';
import { parsePgbackrestInfo } from '../../../src/steps/shell/pgbackrest.js';
import { ProviderFailure } from '../../../src/steps/support/call.js';
import { parseWalgBackupList } from '../../../src/steps/shell/walg.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));
const at = (iso: string) => new Date(iso);

describe('parsePgbackrestInfo', () => {
  const info = fixture('pgbackrest-info.json');

  it('reads every backup of every stanza with its type, label, times and error flag', () => {
    const parsed = parsePgbackrestInfo(info);
    expect(parsed.stanzas.map((stanza) => [stanza.name, stanza.status])).toEqual([
      ['main', { code: 0, message: 'ok' }],
      ['empty', { code: 2, message: 'no valid backups' }],
    ]);
    const wal = (segment: string) => ({ walStart: segment, walStop: segment });
    expect(parsed.backups).toEqual([
      { label: '20240301-010002F', type: 'full', startedAt: at('2024-03-01T01:00:02Z'), finishedAt: at('2024-03-01T01:04:41Z'), ok: true, repo: 1, error: false, ...wal('000000010000000000000003') },
      { label: '20240301-010002F_20240302-010003D', type: 'diff', startedAt: at('2024-03-02T01:00:03Z'), finishedAt: at('2024-03-02T01:01:10Z'), ok: true, repo: 1, error: false, ...wal('000000010000000000000006'), prior: '20240301-010002F' },
      { label: '20240301-010002F_20240303-010002I', type: 'incr', startedAt: at('2024-03-03T01:00:02Z'), finishedAt: at('2024-03-03T01:00:40Z'), ok: true, repo: 1, error: false, ...wal('000000010000000000000009'), prior: '20240301-010002F_20240302-010003D' },
      { label: '20240304-010002F', type: 'full', startedAt: at('2024-03-04T01:00:02Z'), finishedAt: at('2024-03-04T01:05:12Z'), ok: false, repo: 1, error: true, ...wal('00000001000000000000000C') },
    ]);
    expect(parsed.stanzas[0]!.repos).toEqual([{ key: 1, cipher: 'none', status: { code: 0, message: 'ok' } }]);
    expect(parsed.stanzas[0]!.archives).toEqual([{ repo: 1, id: '15-1', databaseId: 1, min: '000000010000000000000003', max: '00000001000000000000000C' }]);
  });

  it('keeps only the stanza asked for; an empty stanza has no backups', () => {
    expect(parsePgbackrestInfo(info, 'main').backups).toHaveLength(4);
    const empty = parsePgbackrestInfo(info, 'empty');
    expect(empty.backups).toEqual([]);
    expect(empty.stanzas[0]!.status).toEqual({ code: 2, message: 'no valid backups' });
    expect(parsePgbackrestInfo(info, 'other').stanzas).toEqual([]);
  });

  it('refuses output that is not the documented format, naming what is wrong', () => {
    expect(() => parsePgbackrestInfo({ name: 'main' })).toThrow('expected a JSON array of stanzas');
    expect(() => parsePgbackrestInfo([{ name: 'main', backup: [{ label: 'x', type: 'weekly', timestamp: { start: 1, stop: 2 } }] }])).toThrow(
      'backup x has type "weekly", expected full, diff or incr',
    );
    expect(() => parsePgbackrestInfo([{ name: 'main', backup: [{ label: 'x', type: 'full', timestamp: {} }] }])).toThrow(ProviderFailure);
  });
});

describe('parseWalgBackupList', () => {
  it('reads names, times and permanence, and treats _D_ names as incremental', () => {
    const parsed = parseWalgBackupList(fixture('walg-backup-list.json'));
    expect(parsed.backups).toEqual([
      {
        label: 'base_000000010000000000000003',
        type: 'full',
        startedAt: at('2024-03-01T01:00:02.113Z'),
        finishedAt: at('2024-03-01T01:04:41.207Z'),
        ok: true,
        permanent: true,
      },
      {
        label: 'base_000000010000000000000006_D_000000010000000000000003',
        type: 'incr',
        startedAt: at('2024-03-02T01:00:03.021Z'),
        finishedAt: at('2024-03-02T01:01:10.644Z'),
        ok: true,
        permanent: false,
      },
      {
        label: 'base_000000010000000000000009',
        type: 'full',
        startedAt: at('2024-03-03T01:00:02.009Z'),
        finishedAt: at('2024-03-03T01:00:40.118Z'),
        ok: true,
        permanent: false,
      },
    ]);
  });

  it('falls back to the listing time of older releases ("time"), ignoring Go zero times', () => {
    const parsed = parseWalgBackupList([
      { backup_name: 'base_00000001000000000000000A', time: '2024-03-05T02:00:00Z', start_time: '0001-01-01T00:00:00Z', finish_time: '0001-01-01T00:00:00Z' },
    ]);
    expect(parsed.backups[0]).toMatchObject({ startedAt: at('2024-03-05T02:00:00Z'), finishedAt: at('2024-03-05T02:00:00Z'), type: 'full' });
  });

  it('reads null (no backups) as an empty list and refuses other shapes', () => {
    expect(parseWalgBackupList(null)).toEqual({ backups: [] });
    expect(() => parseWalgBackupList({ backups: [] })).toThrow('expected a JSON array of backups');
    expect(() => parseWalgBackupList([{ backup_name: 'base_1' }])).toThrow('has no start_time/finish_time');
  });
});

describe('summarizeBackups', () => {
  const backups = parsePgbackrestInfo(fixture('pgbackrest-info.json'), 'main').backups;

  it('takes the last successful backup (the errored newer full does not count)', () => {
    const summary = summarizeBackups(backups, { now: at('2024-03-03T13:00:40Z') });
    expect(summary.last?.label).toBe('20240301-010002F_20240303-010002I');
    expect(summary.ageSeconds).toBe(12 * 3600);
    expect(summary.fullCount).toBe(1);
    expect(summary.backupCount).toBe(3);
    expect(summary.failedCount).toBe(1);
  });

  it('counts only full backups finished inside the window', () => {
    expect(summarizeBackups(backups, { now: at('2024-03-05T00:00:00Z'), windowSeconds: 2 * 86_400 }).fullCount).toBe(0);
    expect(summarizeBackups(backups, { now: at('2024-03-05T00:00:00Z'), windowSeconds: 4 * 86_400 }).fullCount).toBe(1);
  });

  it('has no last backup for an empty list', () => {
    expect(summarizeBackups([], { now: at('2024-03-05T00:00:00Z') })).toEqual({ fullCount: 0, backupCount: 0, failedCount: 0 });
  });
});
