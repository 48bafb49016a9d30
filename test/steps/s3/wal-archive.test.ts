/**
 * s3.walArchive with the real AWS SDK against the S3 emulator, over an archive laid out exactly as
 * real pgBackRest 2.45 wrote it (a posix repo's archive/ tree copied object by object): segments,
 * archive.info and its copy, and the backup history files of two full backups; plus a timeline
 * history file and a .partial segment as PostgreSQL names them after a promotion. The old checks
 * are run on the same objects to show what they got wrong.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../../src/steps/s3/index.js';
import { walArchive } from '../../../src/steps/s3/definitions.js';
import { walObjectKind } from '../../../src/steps/s3/wal-names.js';
import { awsContext } from '../../support/aws-context.js';
import { createStanza, type TestStanza } from '../../support/pgbackrest.js';
import { fixtureS3Client, putObjects, startS3Emulator, type S3Emulator } from '../../support/s3-emulator.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const PREFIX = 'pgbackrest/archive/main/';

let emulator: S3Emulator;
let stanza: TestStanza;
let keys: string[];
let newestSegmentKey: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  stanza = await createStanza({ repos: 1, backups: ['full', 'full'] });
  const archiveDir = join(stanza.repoPaths[0]!, 'archive', 'main');
  const objects: Record<string, string> = {};
  for (const file of filesUnder(archiveDir)) objects[`${PREFIX}${relative(archiveDir, file)}`] = readFileSync(file, 'latin1');
  // What a promotion adds to the archive (PostgreSQL's names; pgBackRest keeps them as they are).
  objects[`${PREFIX}15-1/00000002.history`] = '1\t0/9000000\tno recovery target specified\n';
  objects[`${PREFIX}15-1/0000000100000000/000000010000000000000009.partial`] = 'partial';
  emulator = await startS3Emulator();
  await putObjects(fixtureS3Client(emulator.endpoint), 'backups', objects);
  keys = Object.keys(objects);
  // Archiving stopped 2 hours ago; the backups after it rewrote archive.info (and backup history files) just now.
  const segments = keys.filter((key) => walObjectKind(key) === 'segment').sort();
  for (const key of keys) emulator.store.setLastModified('backups', key, minutesAgo(1));
  segments.forEach((key, index) => emulator.store.setLastModified('backups', key, minutesAgo(120 + (segments.length - 1 - index) * 5)));
  newestSegmentKey = segments[segments.length - 1]!;
});

afterAll(async () => {
  await emulator?.close();
  await stanza?.cleanup();
});

const context = () => awsContext({ s3: emulator.endpoint, now: NOW });
const run = (params: Record<string, unknown>) => providers['s3.walArchive']!.run(walArchive.params.parse({ bucket: 'backups', prefix: PREFIX, ...params }), context());

describe('the archive pgBackRest wrote', () => {
  it('holds segments, archive.info and its copy, and a backup history file per full backup', () => {
    const kinds = keys.map((key) => walObjectKind(key));
    expect(keys).toContain(`${PREFIX}archive.info`);
    expect(keys).toContain(`${PREFIX}archive.info.copy`);
    expect(kinds.filter((kind) => kind === 'archive-info')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'backup-history')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'segment').length).toBeGreaterThanOrEqual(4);
    expect(kinds.filter((kind) => kind === 'other')).toEqual([]);
    expect(keys.find((key) => walObjectKind(key) === 'segment')).toMatch(/\/0000000100000000\/[0-9A-F]{24}-[0-9a-f]{40}$/);
  });
});

describe('s3.walArchive', () => {
  it('fails a stopped archive that a fresh archive.info made look fresh to s3.newestObject', async () => {
    const old = await providers['s3.newestObject']!.run({ bucket: 'backups', prefix: PREFIX, maxAge: 3600 }, context());
    expect(old.ok).toBe(true);
    expect(old.outputs.key).not.toMatch(/[0-9A-F]{24}-[0-9a-f]{40}$/);

    const result = await run({ maxAge: '1h' });
    expect(result.ok).toBe(false);
    expect(result.outputs.ageSeconds).toBe(120 * 60);
    expect(result.outputs.newestKey).toBe(newestSegmentKey);
    const segment = newestSegmentKey.split('/').pop()!.slice(0, 24);
    expect(result.outputs.newestSegment).toBe(segment);
    expect(result.detail).toBe(`the newest WAL segment ${segment} is 2h old (limit 1h). Seen: newest WAL segment ${segment} (${newestSegmentKey}) is 2h old; ${keys.filter((key) => walObjectKind(key) === 'segment').length} segments; not WAL, ignored: 2 archive.info, 2 .backup, 1 .history, 1 .partial.`);
    expect(result.outputs.ignored).toEqual({ 'archive-info': 2, 'backup-history': 2, 'timeline-history': 1, partial: 1, other: 0 });
  });

  it('counts segments only, where s3.retention counted .backup files as "full backups"', async () => {
    const segments = keys.filter((key) => walObjectKind(key) === 'segment').length;
    const old = await providers['s3.retention']!.run({ bucket: 'backups', prefix: PREFIX, window: 7 * 86_400, minFull: 1, fullPattern: '[0-9A-F]{24}' }, context());
    expect(old.outputs.fullInWindow).toBe(segments + 3);
    expect(old.detail).toContain('full backups');

    const result = await run({ window: '7d', minSegments: segments + 1 });
    expect(result.ok).toBe(false);
    expect(result.outputs).toMatchObject({ segmentCount: segments, segmentsInWindow: segments });
    expect(result.detail).toContain(`${segments} WAL segments in the last 1w (need ${segments + 1})`);
    expect((await run({ window: '7d', minSegments: segments })).ok).toBe(true);
  });

  it('passes a fresh archive and says what it ignored', async () => {
    const result = await run({ maxAge: '3h' });
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/^Under s3:\/\/backups\/pgbackrest\/archive\/main\/: newest WAL segment [0-9A-F]{24} \(.*\) is 2h old; \d+ segments; not WAL, ignored: 2 archive\.info, 2 \.backup, 1 \.history, 1 \.partial\.$/);
  });

  it('fails an archive that holds no segment at all', async () => {
    const result = await run({ prefix: `${PREFIX}15-1/0000000200000000/` });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^no WAL segment under s3:\/\/backups\/pgbackrest\/archive\/main\/15-1\/0000000200000000\/: archiving may not be uploading/);
  });
});

describe('walObjectKind', () => {
  it('knows each tool\'s segment names and the files that are not segments', () => {
    expect(walObjectKind('wal/000000010000000000000003')).toBe('segment');
    expect(walObjectKind('wal_005/000000010000000000000003.lz4')).toBe('segment');
    expect(walObjectKind('archive/main/15-1/0000000100000000/000000010000000000000003-0123456789abcdef0123456789abcdef01234567.gz')).toBe('segment');
    expect(walObjectKind('wal/000000010000000000000002.00000028.backup')).toBe('backup-history');
    expect(walObjectKind('wal/00000002.history')).toBe('timeline-history');
    expect(walObjectKind('wal/000000010000000000000004.partial')).toBe('partial');
    expect(walObjectKind('archive/main/archive.info')).toBe('archive-info');
    expect(walObjectKind('archive/main/archive.info.copy')).toBe('archive-info');
    expect(walObjectKind('wal/README')).toBe('other');
  });
});
