/**
 * s3.walArchive: the WAL segments under a prefix, and nothing else. The newest segment and its
 * age, and how many segments fall inside a window; objects that are not segments (archive.info,
 * backup and timeline history files, .partial segments) are counted apart and named in the
 * result, so none can pass for fresh WAL or for a backup.
 */
import type { z } from 'zod';
import { s3Client } from '../aws/clients.js';
import { guarded } from '../aws/guarded.js';
import { ageSeconds, formatAge, formatDuration } from '../aws/time.js';
import type { Provider } from '../provider.js';
import type { walArchive } from './definitions.js';
import { listObjects, type ListedObject } from './list.js';
import { walObjectKind, walSegmentOf, type WalObjectKind } from './wal-names.js';

type WalArchiveParams = z.output<(typeof walArchive)['params']>;

const IGNORED_TEXT: Readonly<Record<Exclude<WalObjectKind, 'segment'>, string>> = {
  'archive-info': 'archive.info',
  'backup-history': '.backup',
  'timeline-history': '.history',
  partial: '.partial',
  other: 'other',
};

export const walArchiveProvider: Provider<WalArchiveParams> = {
  run: (params, context) =>
    guarded('s3.walArchive', async () => {
      const now = context.now();
      const windowStart = params.window === undefined ? undefined : now.getTime() - params.window * 1000;
      const ignored: Record<Exclude<WalObjectKind, 'segment'>, number> = { 'archive-info': 0, 'backup-history': 0, 'timeline-history': 0, partial: 0, other: 0 };
      let newest: ListedObject | undefined;
      let segments = 0;
      let inWindow = 0;
      for await (const object of listObjects(s3Client(context), context, params.bucket, params.prefix)) {
        const kind = walObjectKind(object.key);
        if (kind !== 'segment') {
          ignored[kind] += 1;
          continue;
        }
        segments += 1;
        if (windowStart !== undefined && object.lastModified.getTime() >= windowStart) inWindow += 1;
        if (!newest || object.lastModified > newest.lastModified) newest = object;
      }
      const where = `s3://${params.bucket}/${params.prefix}`;
      const ignoredText = Object.entries(ignored).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${IGNORED_TEXT[kind as keyof typeof ignored]}`).join(', ');
      const ignoredNote = ignoredText ? `; not WAL, ignored: ${ignoredText}` : '';
      const age = newest ? ageSeconds(now, newest.lastModified) : undefined;
      const expected = [
        params.maxAge !== undefined ? `newest WAL segment <= ${formatDuration(params.maxAge)} old` : 'at least one WAL segment',
        ...(params.minSegments !== undefined ? [`>= ${params.minSegments} segments${params.window !== undefined ? ` in ${formatDuration(params.window)}` : ''}`] : []),
      ].join(', ');
      const outputs = {
        newestSegment: newest ? walSegmentOf(newest.key)! : null,
        newestKey: newest?.key ?? null,
        lastModified: newest?.lastModified.toISOString() ?? null,
        ageSeconds: age ?? null,
        segmentCount: segments,
        segmentsInWindow: windowStart === undefined ? segments : inWindow,
        ignored,
      };
      const unmet: string[] = [];
      if (!newest) unmet.push(`no WAL segment under ${where}: archiving may not be uploading`);
      else if (params.maxAge !== undefined && age! > params.maxAge) unmet.push(`the newest WAL segment ${outputs.newestSegment} is ${formatAge(age!)} old (limit ${formatDuration(params.maxAge)})`);
      const counted = windowStart === undefined ? segments : inWindow;
      if (params.minSegments !== undefined && counted < params.minSegments) {
        unmet.push(`${counted} WAL segments${params.window !== undefined ? ` in the last ${formatDuration(params.window)}` : ''} (need ${params.minSegments})`);
      }
      const facts = newest
        ? `newest WAL segment ${outputs.newestSegment} (${newest.key}) is ${formatAge(age!)} old; ${segments} segments${windowStart !== undefined ? ` (${inWindow} in ${formatDuration(params.window!)})` : ''}`
        : `0 segments`;
      return {
        ok: unmet.length === 0,
        outputs,
        observed: { ...outputs },
        expected,
        detail: unmet.length === 0 ? `Under ${where}: ${facts}${ignoredNote}.` : `${unmet.join('; ')}. Seen: ${facts}${ignoredNote}.`,
      };
    }),
};
