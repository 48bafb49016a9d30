/** Parameter schemas and outputs of the s3 providers (docs/providers.md). */
import { z } from 'zod';
import { defineProvider, type ProviderDefinition } from '../definition.js';
import { duration, num, text } from '../params.js';

export const newestObject = defineProvider({
  name: 's3.newestObject',
  summary: 'Newest object under a prefix and its age (lists, never downloads)',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({ bucket: text(), prefix: z.string(), suffix: z.string().optional(), maxAge: duration().optional() }),
  outputs: ['key', 'lastModified', 'ageSeconds', 'size'],
});

export const prefixUsage = defineProvider({
  name: 's3.prefixUsage',
  summary: 'Count and bytes of the objects under a prefix',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({
    bucket: text(),
    prefix: z.string(),
    expect: z
      .strictObject({ minCount: num().optional(), maxCount: num().optional(), minBytes: num().optional(), maxBytes: num().optional() })
      .optional(),
  }),
  outputs: ['count', 'bytes'],
});

export const retention = defineProvider({
  name: 's3.retention',
  summary: 'How many full backups under a prefix fall inside a retention window',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({
    bucket: text(),
    prefix: z.string(),
    window: duration(),
    minFull: num().default(1),
    fullPattern: z.string().default('(base|full)'),
    maxAge: duration().optional(),
  }),
  outputs: ['fullInWindow', 'newest', 'oldest', 'olderThanWindow'],
});

export const objectExists = defineProvider({
  name: 's3.objectExists',
  summary: 'An object exists (HEAD, no download)',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({ bucket: text(), key: text() }),
  outputs: ['size', 'lastModified', 'etag'],
});

export const walArchive = defineProvider({
  name: 's3.walArchive',
  summary: 'Newest WAL segment under a prefix and its age, and segments in a window; archive.info, .backup, .history and .partial objects are not counted',
  kinds: ['check'],
  mutates: false,
  params: z.strictObject({
    bucket: text(),
    prefix: z.string(),
    maxAge: duration().optional(),
    window: duration().optional(),
    minSegments: num().optional(),
  }),
  outputs: ['newestSegment', 'newestKey', 'lastModified', 'ageSeconds', 'segmentCount', 'segmentsInWindow', 'ignored'],
});

export const definitions: readonly ProviderDefinition[] = [newestObject, prefixUsage, retention, objectExists, walArchive];
