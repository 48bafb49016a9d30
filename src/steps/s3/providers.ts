/** The s3 checks: newest object and its age, prefix usage, retention of full backups, object exists. */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { awsCall } from '../aws/call.js';
import { s3Client } from '../aws/clients.js';
import type { Provider } from '../provider.js';
import { failureResult, ProviderFailure } from '../support/call.js';
import { guarded } from '../aws/guarded.js';
import type { newestObject, objectExists, prefixUsage, retention } from './definitions.js';
import { ageSeconds, formatAge, formatDuration } from '../aws/time.js';
import { listObjects, type ListedObject } from './list.js';

type Params<T extends { params: z.ZodType }> = z.output<T['params']>;

export const newestObjectProvider: Provider<Params<typeof newestObject>> = {
  run: (params, context) =>
    guarded('s3.newestObject', async () => {
      const client = s3Client(context);
      let newest: ListedObject | undefined;
      let count = 0;
      for await (const object of listObjects(client, context, params.bucket, params.prefix)) {
        if (params.suffix && !object.key.endsWith(params.suffix)) continue;
        count += 1;
        if (!newest || object.lastModified > newest.lastModified) newest = object;
      }
      const where = `s3://${params.bucket}/${params.prefix}${params.suffix ? `…${params.suffix}` : ''}`;
      const expected = params.maxAge !== undefined ? `age <= ${formatDuration(params.maxAge)}` : 'at least one object';
      if (!newest) {
        return { ok: false, outputs: {}, observed: { count: 0 }, expected, detail: `No objects under ${where}: the backup job may not be uploading.` };
      }
      const age = ageSeconds(context.now(), newest.lastModified);
      const outputs = { key: newest.key, lastModified: newest.lastModified.toISOString(), ageSeconds: age, size: newest.size };
      const ok = params.maxAge === undefined || age <= params.maxAge;
      return {
        ok,
        outputs,
        observed: { ...outputs, count },
        expected,
        detail: `Newest of ${count} objects under ${where} is ${newest.key}, ${formatAge(age)} old${ok ? '' : `, older than ${formatDuration(params.maxAge!)}`}.`,
      };
    }),
};

export const prefixUsageProvider: Provider<Params<typeof prefixUsage>> = {
  run: (params, context) =>
    guarded('s3.prefixUsage', async () => {
      let count = 0;
      let bytes = 0;
      for await (const object of listObjects(s3Client(context), context, params.bucket, params.prefix)) {
        count += 1;
        bytes += object.size;
      }
      const e = params.expect ?? {};
      const unmet = [
        e.minCount !== undefined && count < e.minCount ? `count ${count} < ${e.minCount}` : undefined,
        e.maxCount !== undefined && count > e.maxCount ? `count ${count} > ${e.maxCount}` : undefined,
        e.minBytes !== undefined && bytes < e.minBytes ? `bytes ${bytes} < ${e.minBytes}` : undefined,
        e.maxBytes !== undefined && bytes > e.maxBytes ? `bytes ${bytes} > ${e.maxBytes}` : undefined,
      ].filter((item): item is string => item !== undefined);
      const expected = [
        e.minCount !== undefined ? `count >= ${e.minCount}` : '',
        e.maxCount !== undefined ? `count <= ${e.maxCount}` : '',
        e.minBytes !== undefined ? `bytes >= ${e.minBytes}` : '',
        e.maxBytes !== undefined ? `bytes <= ${e.maxBytes}` : '',
      ].filter(Boolean).join(', ');
      return {
        ok: unmet.length === 0,
        outputs: { count, bytes },
        observed: { count, bytes },
        ...(expected ? { expected } : {}),
        detail: `${count} objects, ${bytes} bytes under s3://${params.bucket}/${params.prefix}${unmet.length ? `; not as expected: ${unmet.join(', ')}` : ''}.`,
      };
    }),
};

export const retentionProvider: Provider<Params<typeof retention>> = {
  run: (params, context) =>
    guarded('s3.retention', async () => {
      let pattern: RegExp;
      try {
        pattern = new RegExp(params.fullPattern);
      } catch (error) {
        throw new ProviderFailure('invalid-input', `fullPattern "${params.fullPattern}" is not a valid regular expression`, 'fix fullPattern in the step (a JavaScript regular expression matched against each key)');
      }
      const now = context.now();
      const windowStart = now.getTime() - params.window * 1000;
      const full: ListedObject[] = [];
      for await (const object of listObjects(s3Client(context), context, params.bucket, params.prefix)) {
        if (pattern.test(object.key)) full.push(object);
      }
      full.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime());
      const inWindow = full.filter((object) => object.lastModified.getTime() >= windowStart);
      const newest = full[full.length - 1];
      const oldest = full[0];
      const outputs = {
        fullInWindow: inWindow.length,
        newest: newest ? newest.lastModified.toISOString() : null,
        oldest: oldest ? oldest.lastModified.toISOString() : null,
        olderThanWindow: full.length - inWindow.length,
      };
      const newestAge = newest ? ageSeconds(now, newest.lastModified) : undefined;
      const unmet = [
        inWindow.length < params.minFull ? `${inWindow.length} full backups in the last ${formatDuration(params.window)} (need ${params.minFull})` : undefined,
        params.maxAge !== undefined && (newestAge === undefined || newestAge > params.maxAge)
          ? newestAge === undefined ? 'no full backup at all' : `newest full backup is ${formatAge(newestAge)} old (limit ${formatDuration(params.maxAge)})`
          : undefined,
      ].filter((item): item is string => item !== undefined);
      return {
        ok: unmet.length === 0,
        outputs,
        observed: { ...outputs, newestKey: newest?.key ?? null },
        expected: `>= ${params.minFull} full in ${formatDuration(params.window)}${params.maxAge !== undefined ? `, newest full <= ${formatDuration(params.maxAge)} old` : ''}`,
        detail: unmet.length
          ? `Retention not met under s3://${params.bucket}/${params.prefix}: ${unmet.join('; ')}.`
          : `${inWindow.length} full backups within ${formatDuration(params.window)} under s3://${params.bucket}/${params.prefix} (${outputs.olderThanWindow} older).`,
      };
    }),
};

export const objectExistsProvider: Provider<Params<typeof objectExists>> = {
  run: (params, context) =>
    guarded('s3.objectExists', async () => {
      const where = `s3://${params.bucket}/${params.key}`;
      try {
        const head = await awsCall(context, `S3 HeadObject ${where}`, (abortSignal) =>
          s3Client(context).send(new HeadObjectCommand({ Bucket: params.bucket, Key: params.key }), { abortSignal }),
        );
        const outputs = { size: head.ContentLength ?? 0, lastModified: head.LastModified?.toISOString() ?? null, etag: head.ETag ?? null };
        return { ok: true, outputs, observed: outputs, expected: 'object exists', detail: `${where} exists (${outputs.size} bytes).` };
      } catch (error) {
        if (error instanceof ProviderFailure && error.failureClass === 'not-found') {
          // HEAD has no error body, so a missing bucket and a missing key look alike; say both.
          return failureResult(new ProviderFailure('not-found', `${where} does not exist (no such key, or no such bucket)`, 'check the bucket and key, and that the backup job uploaded this object'), { observed: { exists: false }, expected: 'object exists' });
        }
        throw error;
      }
    }),
};
